"""The catalogue's "Adopt N selected" bar (owner and target date for the batch) and each
action's peer uptake from the latest published benchmark."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import Adoption
from apps.adoption.services import adoption_bulk_create
from apps.benchmarking.models import BenchmarkSnapshot
from apps.benchmarking.uptake import action_uptake
from apps.roadmap.models import Action
from tests.benchmarking.uptake_data import share, snapshot

pytestmark = pytest.mark.django_db

TARGET = timezone.localdate() + dt.timedelta(days=120)


def _url(org) -> str:
    return reverse("adoption:catalogue", args=[org.slug])


def _action_card(html: str, code: str) -> str:
    match = re.search(rf"{re.escape(code)}</span>.*?</li>", html, flags=re.DOTALL)
    assert match, code
    return match.group(0)


# --- The bar -------------------------------------------------------------------------------


def test_the_bar_offers_owner_and_target_date_and_a_counting_button(
    client_as, org, contributor, small_roadmap
) -> None:
    html = client_as(contributor).get(_url(org)).content.decode()

    bar = html.split('id="adopt-bar"')[1]
    assert 'name="owner"' in bar
    assert 'name="target_date"' in bar
    assert 'type="date"' in bar
    assert 'data-label-some="Adopt {count} selected"' in bar
    assert ">Adopt selected</button>" in bar  # without JavaScript: a plain submit
    assert 'aria-live="polite"' in bar
    assert "js/adopt-selected.js" in bar
    assert 'href="#adopt-bar"' in html  # keyboard users skip the list to it
    # The signed-in member is the owner unless someone else is chosen.
    assert f'<option value="{contributor.pk}" selected>' in bar


def test_a_contributor_adopts_in_bulk_with_an_owner_and_a_target_date(
    client_as, org, contributor, pe_lead, small_roadmap
) -> None:
    response = client_as(contributor).post(
        _url(org),
        {
            "actions": ["A1.1.1", "A2.2.2"],
            "owner": str(pe_lead.pk),
            "target_date": TARGET.isoformat(),
        },
    )

    assert response.status_code == 302
    created = org.adoptions.order_by("action__code")
    assert [a.action.code for a in created] == ["A1.1.1", "A2.2.2"]
    assert {(a.owner, a.target_date, a.created_by) for a in created} == {
        (pe_lead, TARGET, contributor)
    }


def test_an_owner_who_is_not_a_member_is_a_clear_error_and_nothing_is_adopted(
    client_as, org, contributor, outsider, small_roadmap
) -> None:
    response = client_as(contributor).post(
        _url(org), {"actions": ["A1.1.1", "A2.2.2"], "owner": str(outsider.pk)}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The owner must be a member of the organisation." in html
    assert 'value="A1.1.1" id="adopt-A1.1.1" checked' in html  # the selection is kept
    assert "Adopt 2 selected" in html
    assert not Adoption.objects.exists()


def test_the_service_checks_the_owner_before_adopting_anything(
    org, contributor, outsider, small_roadmap
) -> None:
    actions = list(Action.objects.filter(code__in=["A1.1.1", "A1.1.2"]))

    with pytest.raises(ValidationError) as error:
        adoption_bulk_create(organisation=org, actions=actions, by=contributor, owner=outsider)

    assert error.value.message_dict == {
        "owner": ["The owner must be a member of the organisation."]
    }
    assert not Adoption.objects.exists()


def test_a_bad_target_date_is_an_error(client_as, org, contributor, small_roadmap) -> None:
    response = client_as(contributor).post(
        _url(org), {"actions": ["A1.1.1"], "target_date": "31/31/2026"}
    )

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not Adoption.objects.exists()


def test_a_viewer_gets_no_bar_and_cannot_post_one(client_as, org, viewer, small_roadmap) -> None:
    client = client_as(viewer)

    page = client.get(_url(org)).content.decode()
    posted = client.post(_url(org), {"actions": ["A1.1.1"], "owner": str(viewer.pk)})

    assert 'id="adopt-bar"' not in page
    assert posted.status_code == 403
    assert not Adoption.objects.exists()


def test_an_outsider_cannot_see_or_post_the_catalogue(client_as, org, outsider, small_roadmap):
    client = client_as(outsider)

    assert client.get(_url(org)).status_code == 404
    assert client.post(_url(org), {"actions": ["A1.1.1"]}).status_code == 404


# --- Peer uptake -----------------------------------------------------------------------------


@pytest.fixture
def benchmarks(small_roadmap) -> BenchmarkSnapshot:
    """An older snapshot, the latest published one and a newer one held by its audit."""
    older = snapshot(small_roadmap, "2025-Q4")
    share(older, "A1.1.1", "10.0")
    latest = snapshot(small_roadmap, "2026-Q1", k=7)
    share(latest, "A1.1.1", "42.5")
    share(latest, "A1.1.2", None, reason="small_group")
    share(latest, "A1.2.1", None, reason="complementary")
    share(latest, "A1.1.1", "80.0", breakdown="stakeholder_group", breakdown_value="hta-bodies")
    held = snapshot(small_roadmap, "2026-Q2", published=False)
    share(held, "A1.1.1", "99.0")
    return latest


def test_each_action_shows_its_peer_uptake_or_withheld_with_the_reason(
    client_as, org, viewer, benchmarks
) -> None:
    html = client_as(viewer).get(_url(org)).content.decode()

    assert "Peers adopting: <strong>42.5%</strong> of organisations" in _action_card(html, "A1.1.1")
    small = _action_card(html, "A1.1.2")
    assert "<strong>withheld</strong>" in small
    assert "Fewer than 7 organisations: not published." in small
    assert "worked out from it" in _action_card(html, "A1.2.1")  # the complementary reason
    assert "Peers adopting" not in _action_card(html, "A2.2.2")  # no figure compiled
    assert "in the 2026-Q1 benchmark" in html
    for stale in ("10%", "80%", "99%"):  # an older, a group's or a held figure
        assert stale not in html


def test_the_withheld_reason_is_translated(client_as, org, viewer, benchmarks) -> None:
    client = client_as(viewer)

    html = client.get(_url(org), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    card = _action_card(html, "A1.1.2")
    assert "Moins de 7 organisations" in card, card
    assert "Fewer than" not in card


def test_uptake_is_one_query_for_the_whole_catalogue(benchmarks) -> None:
    with CaptureQueriesContext(connection) as captured:
        uptake = action_uptake()

    assert len(captured) == 1
    assert sorted(uptake) == ["A1.1.1", "A1.1.2", "A1.2.1"]


def test_no_published_benchmark_shows_no_uptake(client_as, org, viewer, small_roadmap) -> None:
    share(snapshot(small_roadmap, "2026-Q2", published=False), "A1.1.1", "99.0")

    html = client_as(viewer).get(_url(org)).content.decode()

    assert action_uptake() == {}
    assert "Peers adopting" not in html
