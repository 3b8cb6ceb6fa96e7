"""The organisation's adoption list: columns, filters, badges, pagination, query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import Adoption, AdoptionStatus
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _url(org, **query: str) -> str:
    url = reverse("adoption:list", args=[org.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _adopt(org, roadmap, code: str, **fields) -> Adoption:
    return AdoptionFactory(organisation=org, action=roadmap.actions.get(code=code), **fields)


def _codes(response) -> list[str]:
    return re.findall(r'<span class="item-code">(A[\d.]+)</span>', response.content.decode())


def test_it_lists_the_adoptions_with_their_details(client_as, org, viewer, small_roadmap) -> None:
    owner = MembershipFactory(
        organisation=org, user=UserFactory(full_name="Ola Nowak"), role=Role.CONTRIBUTOR
    ).user
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _adopt(
        org,
        small_roadmap,
        "A1.1.1",
        status=AdoptionStatus.IN_PROGRESS,
        is_urgent=True,
        is_important=False,
        owner=owner,
        target_date=yesterday,
        percent_complete=40,
    )

    response = client_as(viewer).get(_url(org))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A1.1.1" in html
    assert "Action 1.1.1" in html
    assert "In progress" in html
    assert "Urgent, not important" in html
    assert "Ola Nowak" in html
    assert "Overdue" in html
    assert "40&nbsp;%" in html


def test_dormant_and_removed_adoptions_are_marked_in_text(
    client_as, org, viewer, small_roadmap, settings
) -> None:
    settings.ADOPTION_DORMANT_DAYS = 30
    long_ago = timezone.now() - dt.timedelta(days=90)
    _adopt(org, small_roadmap, "A1.1.1", last_activity_at=long_ago)
    _adopt(org, small_roadmap, "A1.1.2", last_activity_at=timezone.now(), action_removed=True)

    html = client_as(viewer).get(_url(org)).content.decode()

    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL)
    dormant_row = next(r for r in rows if "A1.1.1" in r)
    removed_row = next(r for r in rows if "A1.1.2" in r)
    assert "Dormant" in dormant_row
    assert "Dormant" not in removed_row
    assert "Read-only: removed from the roadmap" in removed_row
    assert "Read-only" not in dormant_row


def test_an_adoption_on_time_is_not_overdue(client_as, org, viewer, small_roadmap) -> None:
    _adopt(org, small_roadmap, "A1.1.1", target_date=timezone.localdate() + dt.timedelta(days=3))
    assert "Overdue" not in client_as(viewer).get(_url(org)).content.decode()


def test_only_the_organisations_own_adoptions_are_listed(
    client_as, org, viewer, small_roadmap
) -> None:
    _adopt(org, small_roadmap, "A1.1.1")
    _adopt(OrganisationFactory(), small_roadmap, "A2.2.2")

    assert _codes(client_as(viewer).get(_url(org))) == ["A1.1.1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "implemented"}, ["A1.2.1"]),
        ({"end_goal": "EG2"}, ["A2.1.1"]),
        ({"dimension": "processes"}, ["A1.1.2"]),
    ],
)
def test_it_filters(client_as, org, viewer, small_roadmap, query, expected) -> None:
    _adopt(org, small_roadmap, "A1.1.2", status=AdoptionStatus.PLANNED)
    _adopt(org, small_roadmap, "A1.2.1", status=AdoptionStatus.IMPLEMENTED)
    _adopt(org, small_roadmap, "A2.1.1", status=AdoptionStatus.PLANNED)

    assert _codes(client_as(viewer).get(_url(org, **query))) == expected


def test_it_filters_by_owner_among_the_members(
    client_as, org, viewer, contributor, small_roadmap
) -> None:
    _adopt(org, small_roadmap, "A1.1.1", owner=contributor)
    _adopt(org, small_roadmap, "A1.1.2", owner=viewer)

    response = client_as(viewer).get(_url(org, owner=str(contributor.pk)))

    assert _codes(response) == ["A1.1.1"]
    outsider_owner = UserFactory()
    response = client_as(viewer).get(_url(org, owner=str(outsider_owner.pk)))
    assert "Some filter values are not valid" in response.content.decode()
    assert _codes(response) == []


def test_an_invalid_filter_shows_no_rows(client_as, org, viewer, small_roadmap) -> None:
    _adopt(org, small_roadmap, "A1.1.1")

    response = client_as(viewer).get(_url(org, status="nope"))

    assert response.status_code == 200
    assert "Some filter values are not valid" in response.content.decode()
    assert _codes(response) == []


def test_it_pages_by_50(client_as, org, viewer, small_roadmap) -> None:
    for _ in range(51):
        AdoptionFactory(organisation=org, action=ActionFactory())

    first = client_as(viewer).get(_url(org))
    second = client_as(viewer).get(_url(org, page="2"))

    assert len(first.context["adoptions"]) == 50
    assert len(second.context["adoptions"]) == 1
    assert "51 adoptions" in first.content.decode()


def _queries(client, org) -> int:
    # Counted with the pages' cache empty (sessions keep their own): what a first reader pays.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(org)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_adoptions(
    client_as, org, viewer, small_roadmap
) -> None:
    client = client_as(viewer)
    for _ in range(5):
        AdoptionFactory(organisation=org, action=ActionFactory(), owner=viewer)
    few = _queries(client, org)
    for _ in range(45):
        AdoptionFactory(organisation=org, action=ActionFactory(), owner=viewer)

    assert _queries(client, org) == few
