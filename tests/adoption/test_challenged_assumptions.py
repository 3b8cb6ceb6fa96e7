"""Issue 16: a barrier report or a discontinued adoption may name the roadmap's assumption it
challenges, an assumption of the adopted action's edition and no other."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import AdoptionStatus, BarrierReport, ProgressEntry
from apps.adoption.services import EntryInput, progress_entry_create
from apps.roadmap.models import Assumption, Edition
from apps.roadmap.services import edition_start_draft
from tests.roadmap.factories import AssumptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assumptions(small_roadmap: Edition) -> dict[str, Assumption]:
    """One assumption of A1.1.1's end goal, one of another goal, one of a draft edition."""
    own = AssumptionFactory(
        end_goal=small_roadmap.end_goals.get(code="EG1"), intermediate_goal=None, code="AS-EG1-1"
    )
    other = AssumptionFactory(
        intermediate_goal=small_roadmap.intermediate_goals.get(code="IG2.1"), code="AS-IG2.1-1"
    )
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)
    return {"own": own, "other": other, "draft": draft.assumptions.get(code="AS-EG1-1")}


def _entry(**values: object) -> EntryInput:
    return EntryInput(entry_date=timezone.localdate(), narrative="Stopped.", **values)


# --- The service ------------------------------------------------------------------------------


def test_a_discontinuation_and_a_barrier_name_the_assumptions_they_challenge(
    adoption, contributor, barriers, assumptions
) -> None:
    entry = progress_entry_create(
        adoption=adoption,
        by=contributor,
        data=_entry(
            status_to=AdoptionStatus.DISCONTINUED,
            challenged_assumption=assumptions["own"],
            barriers={barriers[0]: "No funding left."},
            barrier_assumptions={barriers[0]: assumptions["other"]},
        ),
    )

    assert entry.challenged_assumption == assumptions["own"]
    assert BarrierReport.objects.get(entry=entry).assumption == assumptions["other"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        # An assumption of another edition, for the discontinuation or for a barrier.
        (
            {"status_to": AdoptionStatus.DISCONTINUED, "challenged_assumption": "draft"},
            "challenged_assumption",
        ),
        ({"barriers": "note", "barrier_assumptions": "draft"}, "barrier_assumptions"),
        # An assumption without what it belongs to: no discontinuation, no barrier reported.
        (
            {"status_to": AdoptionStatus.PAUSED, "challenged_assumption": "own"},
            "challenged_assumption",
        ),
        ({"barrier_assumptions": "own"}, "barrier_assumptions"),
    ],
)
def test_the_service_refuses_other_editions_and_stray_assumptions(
    adoption, contributor, barriers, assumptions, values, field
) -> None:
    data = dict(values)
    if "challenged_assumption" in data:
        data["challenged_assumption"] = assumptions[str(data["challenged_assumption"])]
    if "barriers" in data:
        data["barriers"] = {barriers[0]: ""}
    if "barrier_assumptions" in data:
        data["barrier_assumptions"] = {barriers[0]: assumptions[str(data["barrier_assumptions"])]}
    entries = ProgressEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        progress_entry_create(adoption=adoption, by=contributor, data=_entry(**data))

    assert field in error.value.message_dict
    assert ProgressEntry.objects.count() == entries


# --- The form ---------------------------------------------------------------------------------


def _add_url(adoption) -> str:
    return reverse("adoption:progress-add", args=[adoption.organisation.slug, adoption.pk])


def test_the_form_offers_the_action_s_assumptions_first_and_stores_the_choices(
    client_as, contributor, adoption, barriers, assumptions
) -> None:
    client = client_as(contributor)

    form = client.get(_add_url(adoption)).context["form"]

    groups = form.fields["challenged_assumption"].choices[1:]
    assert [[code for code, _label in items] for _group, items in groups] == [
        [assumptions["own"].pk],
        [assumptions["other"].pk],
    ]
    assert "barrier_time_assumption" in form.fields
    response = client.post(
        _add_url(adoption),
        {
            "entry_date": timezone.localdate().isoformat(),
            "narrative": "We stopped.",
            "status_to": AdoptionStatus.DISCONTINUED,
            "challenged_assumption": assumptions["own"].pk,
            "barrier_time": "on",
            "barrier_time_assumption": assumptions["other"].pk,
        },
    )
    assert response.status_code == 302
    entry = adoption.entries.latest("created_at")
    assert entry.challenged_assumption == assumptions["own"]
    assert entry.barriers.get().assumption == assumptions["other"]
    page = client.get(adoption.get_absolute_url()).content.decode()
    assert "Assumption challenged:" in page
    assert "challenges AS-IG2.1-1" in page


def test_the_form_refuses_another_edition_s_assumption_on_its_field(
    client_as, contributor, adoption, barriers, assumptions
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption),
        {
            "entry_date": timezone.localdate().isoformat(),
            "narrative": "We stopped.",
            "status_to": AdoptionStatus.DISCONTINUED,
            "challenged_assumption": assumptions["draft"].pk,
            "barrier_funding_assumption": assumptions["own"].pk,  # barrier not ticked
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "challenged_assumption" in errors
    assert "barrier_funding_assumption" in errors
    assert not adoption.entries.filter(status_to=AdoptionStatus.DISCONTINUED).exists()
