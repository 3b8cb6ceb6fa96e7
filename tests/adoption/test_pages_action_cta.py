"""The public action page invites signed-in members to adopt the action."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _url() -> str:
    return reverse("roadmap:action", args=["A1.2.1"])


def test_members_get_a_link_per_organisation(client_as, org, contributor, small_roadmap) -> None:
    other = OrganisationFactory(name="Second Org")
    MembershipFactory(organisation=other, user=contributor)

    html = client_as(contributor).get(_url()).content.decode()

    assert "Adopt this action" in html
    for organisation in (org, other):
        link = reverse("adoption:create", args=[organisation.slug]) + "?action=A1.2.1"
        assert f'href="{link}"' in html
        assert f"Adopt A1.2.1 for {organisation.name}" in html


def test_users_without_an_organisation_are_told_how_to_get_one(
    client_as, outsider, small_roadmap
) -> None:
    html = client_as(outsider).get(_url()).content.decode()

    assert "Join or register an organisation to adopt this action." in html


def test_visitors_are_asked_to_sign_in_to_adopt_at_no_extra_query(client, small_roadmap) -> None:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(_url()).content.decode()

    assert "Sign in to adopt this action for your organisation." in html
    assert "Adopt A1.2.1 for" not in html  # no organisation's link
    # No query for the visitor's organisations (the page's case studies name theirs).
    assert not any(
        "organisations_organisation" in q["sql"] and "practices_casestudy" not in q["sql"]
        for q in queries.captured_queries
    )
