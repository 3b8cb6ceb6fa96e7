"""An organisation's pages start from the user's membership kept in the cache
(``navigation.membership_at``): every change that decides who may see what, and what the
organisation is, holds on the next request, on the site's own cache (Redis in CI)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.organisations.models import Membership
from apps.organisations.permissions import Role

pytestmark = pytest.mark.django_db


def _home(org) -> str:
    return reverse("organisations:home", kwargs={"slug": org.slug})


def _edit(org) -> str:
    return reverse("organisations:edit", kwargs={"slug": org.slug})


def test_the_membership_is_read_once_then_from_the_cache(site_cache, client_as, org, owner):
    client = client_as(owner)
    assert client.get(_home(org)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_home(org)).status_code == 200
    table = connection.ops.quote_name(Membership._meta.db_table)
    assert not [q for q in queries.captured_queries if f"FROM {table}" in q["sql"]]


def test_a_removed_member_gets_404_at_once(site_cache, client_as, org, owner, viewer):
    client = client_as(viewer)
    assert client.get(_home(org)).status_code == 200
    Membership.objects.get(organisation=org, user=viewer).delete()
    assert client.get(_home(org)).status_code == 404


def test_a_lowered_role_gets_403_at_once(site_cache, client_as, org, owner, pe_lead):
    membership = Membership.objects.get(organisation=org, user=pe_lead)
    membership.role = Role.ADMIN
    membership.save()
    client = client_as(pe_lead)
    assert client.get(_edit(org)).status_code == 200
    membership.role = Role.VIEWER
    membership.save()
    assert client.get(_edit(org)).status_code == 403


def test_an_edited_organisation_shows_on_the_next_page(site_cache, client_as, org, owner):
    client = client_as(owner)
    assert "Patients Together" in client.get(_home(org)).text
    org.name = "Patients Together Again"
    org.website = "https://again.example.org"
    org.save()
    page = client.get(_home(org)).text
    assert "Patients Together Again" in page
    assert "https://again.example.org" in page


def test_an_outsider_is_not_let_in_by_anything_cached(site_cache, client_as, org, owner, outsider):
    client_as(owner).get(_home(org))  # the owner's membership is cached
    assert client_as(outsider).get(_home(org)).status_code == 404
