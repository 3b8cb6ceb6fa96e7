"""The session's user is read from the database once per change (apps/accounts/backends.py),
and every change that matters is seen on the next request: through the pages, on the site's
own cache (Redis in CI)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.backends import users_changed
from apps.accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "accounts:overview"


def _user_reads(client: Client) -> tuple[int, int, list[str]]:
    """(status, queries reading the user table by primary key, the SQL)."""
    table = connection.ops.quote_name(User._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(PAGE))
    sql = [query["sql"] for query in queries.captured_queries]
    reads = [s for s in sql if s.startswith("SELECT") and f"FROM {table}" in s]
    return response.status_code, len(reads), sql


@pytest.fixture
def signed_in(site_cache):
    user = UserFactory(full_name="Ada First")
    client = Client()
    client.force_login(user)
    return user, client


def test_the_user_is_read_once_then_from_the_cache(signed_in) -> None:
    _user, client = signed_in
    status, reads, _sql = _user_reads(client)
    assert status == 200
    assert reads >= 1
    status, reads, sql = _user_reads(client)
    assert status == 200
    assert reads == 0, sql


def test_a_changed_name_shows_on_the_next_page(signed_in) -> None:
    user, client = signed_in
    assert "Ada First" in client.get(reverse(PAGE)).text
    user.full_name = "Ada Second"
    user.save()
    assert "Ada Second" in client.get(reverse(PAGE)).text


def test_a_changed_password_signs_other_sessions_out_at_once(signed_in) -> None:
    user, client = signed_in
    assert client.get(reverse(PAGE)).status_code == 200
    user.set_password("a new long passphrase 42")
    user.save()
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_deactivated_account_is_signed_out_at_once(signed_in) -> None:
    user, client = signed_in
    assert client.get(reverse(PAGE)).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(reverse(PAGE)).status_code == 302


def test_a_bulk_update_is_seen_once_its_writer_says_so(signed_in) -> None:
    user, client = signed_in
    assert "Ada First" in client.get(reverse(PAGE)).text
    User.objects.filter(pk=user.pk).update(full_name="Ada Bulk")
    users_changed([user.pk])
    assert "Ada Bulk" in client.get(reverse(PAGE)).text


def test_a_deleted_account_is_signed_out(signed_in) -> None:
    user, client = signed_in
    assert client.get(reverse(PAGE)).status_code == 200
    user.delete()
    assert client.get(reverse(PAGE)).status_code == 302
