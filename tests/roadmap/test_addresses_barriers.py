"""Issue 19: the curators' mapping of barrier categories to the actions that address them,
per edition: loaded with the fixture, copied into drafts, edited in the admin and given by
the API next to ``contributes_to``."""

import pytest
from django.urls import reverse

from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import Action, BarrierCategory, Edition
from apps.roadmap.services import edition_start_draft
from tests.roadmap.factories import BarrierCategoryFactory

pytestmark = pytest.mark.django_db

API = reverse("api-roadmap:roadmap")


def test_the_fixture_maps_every_action_to_barriers_once(db) -> None:
    load_roadmap()
    edition = Edition.objects.get(version_label="2021")
    actions = Action.objects.filter(edition=edition).prefetch_related("addresses_barriers")

    assert all(a.addresses_barriers.all() for a in actions)
    methodological = BarrierCategory.objects.get(slug="methodological-barriers")
    assert "A3.2.13" in {a.code for a in methodological.actions.filter(edition=edition)}
    funding = Action.objects.get(edition=edition, code="A4.1.1")
    assert [b.slug for b in funding.addresses_barriers.all()] == [
        "lack-of-human-and-financial-resources"
    ]

    report = load_roadmap(sync=True)

    assert not report.changed


def test_a_draft_copies_the_mapping(small_roadmap: Edition) -> None:
    barrier = BarrierCategoryFactory(slug="methodological-barriers")
    small_roadmap.actions.get(code="A1.1.1").addresses_barriers.set([barrier])

    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)

    copied = draft.actions.get(code="A1.1.1")
    assert list(copied.addresses_barriers.all()) == [barrier]
    assert not draft.actions.get(code="A1.1.2").addresses_barriers.exists()


def test_the_api_gives_the_mapping_next_to_contributes_to(client, small_roadmap: Edition) -> None:
    barrier = BarrierCategoryFactory(slug="methodological-barriers")
    small_roadmap.actions.get(code="A1.1.1").addresses_barriers.set([barrier])

    data = client.get(API).json()

    action = data["end_goals"][0]["intermediate_goals"][0]["actions"][0]
    assert action["code"] == "A1.1.1"
    assert action["addresses_barriers"] == ["methodological-barriers"]


def test_the_admin_edits_the_mapping_of_a_draft_action(admin_client, small_roadmap) -> None:
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)
    action = draft.actions.get(code="A1.1.1")

    page = admin_client.get(reverse("admin:roadmap_action_change", args=[action.pk]))

    assert page.status_code == 200
    assert 'name="addresses_barriers"' in page.content.decode()
