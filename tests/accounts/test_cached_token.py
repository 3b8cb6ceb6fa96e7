"""An API token is read from the database once per change (apps/accounts/backends.py,
``TokenAuthentication``), and every change that matters is seen on the next request: a
revoked token, a deactivated or deleted account, a changed email. On the site's own cache
(Redis in CI)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.services import user_token_get_or_create, user_token_revoke
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"


@pytest.fixture
def token_client(site_cache):
    user = UserFactory(email="ada@example.org")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token_get_or_create(user=user).key}")
    return user, client


def _token_reads(client: APIClient) -> tuple[int, int]:
    table = connection.ops.quote_name(Token._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME_URL)
    reads = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    return response.status_code, len(reads)


def test_the_token_is_read_once_then_from_the_cache(token_client) -> None:
    _user, client = token_client
    assert _token_reads(client) == (200, 1)
    assert _token_reads(client) == (200, 0)


def test_a_revoked_token_is_refused_on_the_next_request(token_client) -> None:
    user, client = token_client
    assert client.get(ME_URL).status_code == 200
    assert user_token_revoke(user=user)
    response = client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


@pytest.mark.parametrize("change", ["deactivate", "delete"])
def test_a_closed_account_s_token_is_refused_at_once(token_client, change: str) -> None:
    user, client = token_client
    assert client.get(ME_URL).status_code == 200
    if change == "deactivate":
        user.is_active = False
        user.save()
    else:
        user.delete()
    assert client.get(ME_URL).status_code == 401


def test_a_changed_email_shows_on_the_next_request(token_client) -> None:
    user, client = token_client
    assert client.get(ME_URL).json()["email"] == "ada@example.org"
    user.email = "ada.new@example.org"
    user.save()
    assert client.get(ME_URL).json()["email"] == "ada.new@example.org"


def test_an_unknown_token_is_refused(site_cache) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(ME_URL).status_code == 401
