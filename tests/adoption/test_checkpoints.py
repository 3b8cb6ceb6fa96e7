"""Checkpoints (issue 16): the organisation's schedule of maturity checkpoints, set by those
who record assessments, on a page and in the API; the reflections exported with the
assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.next_steps import add_months
from apps.audit.models import AuditEvent
from apps.core.exporters import read_tabular
from apps.roadmap.models import Dimension, EndGoal
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _schedule_url(org) -> str:
    return reverse("adoption:checkpoint-schedule", args=[org.slug])


def _api_url(org) -> str:
    return f"/api/v1/organisations/{org.slug}/checkpoint-schedule/"


def _assess(org, by, day: dt.date, **reflections: services.Reflection) -> None:
    services.assessment_create(
        organisation=org,
        by=by,
        assessed_on=day,
        goal_levels={EndGoal.objects.get(code="EG1"): 2},
        dimension_levels={Dimension.objects.get(slug="culture"): 3},
        notes="Board review.",
        reflections={EndGoal.objects.get(code=code): r for code, r in reflections.items()},
    )


def test_a_pe_lead_sets_the_schedule_and_it_is_audited(client_as, org, pe_lead) -> None:
    first = TODAY + dt.timedelta(days=20)

    response = client_as(pe_lead).post(
        _schedule_url(org), {"review_every_months": "3", "first_review_on": first.isoformat()}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["The checkpoint schedule is saved."]
    org.refresh_from_db()
    assert (org.review_every_months, org.first_review_on) == (3, first)
    event = AuditEvent.objects.get(verb="organisation.checkpoints_changed")
    assert event.before["review_every_months"] == 6
    assert event.after["review_every_months"] == 3
    # The assessments page tells when the first checkpoint is due.
    page = client_as(pe_lead).get(reverse("adoption:assessments", args=[org.slug]))
    assert "Next maturity checkpoint due on" in page.content.decode()


def test_no_checkpoints_is_a_choice(client_as, org, pe_lead) -> None:
    response = client_as(pe_lead).post(_schedule_url(org), {"review_every_months": ""})

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.review_every_months is None


def test_bad_input_changes_nothing_and_keeps_what_was_typed(client_as, org, pe_lead) -> None:
    response = client_as(pe_lead).post(
        _schedule_url(org), {"review_every_months": "5", "first_review_on": "2026-13-45"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Select a valid choice." in errors["review_every_months"][0]
    assert errors["first_review_on"] == ["Enter a valid date."]
    assert 'value="2026-13-45"' in response.content.decode()
    org.refresh_from_db()
    assert org.review_every_months == 6
    assert not AuditEvent.objects.filter(verb="organisation.checkpoints_changed").exists()


def test_the_api_reads_and_sets_the_schedule(api_as, org, pe_lead, viewer, small_roadmap):
    _assess(org, pe_lead, TODAY - dt.timedelta(days=100))

    read = api_as(viewer).get(_api_url(org))
    changed = api_as(pe_lead).put(_api_url(org), {"review_every_months": 3}, format="json")
    refused = api_as(pe_lead).put(_api_url(org), {"review_every_months": 5}, format="json")

    due = add_months(TODAY - dt.timedelta(days=100), 6)
    assert read.json() == {
        "review_every_months": 6,
        "first_review_on": None,
        "next_due": due.isoformat(),
        "is_due": False,
    }
    assert changed.status_code == 200
    assert changed.json()["is_due"] is True
    assert refused.status_code == 400
    assert "review_every_months" in refused.json()
    org.refresh_from_db()
    assert org.review_every_months == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_reflections_are_exported_with_the_assessment(
    client_as, org, pe_lead, viewer, small_roadmap, file_format
) -> None:
    _assess(
        org,
        pe_lead,
        dt.date(2026, 3, 1),
        EG2=services.Reflection(worked="Co-chaired meetings.", did_not_work="=Late feedback."),
    )

    response = client_as(viewer).get(
        reverse(f"adoption:assessment-export-{file_format}", args=[org.slug])
    )

    assert response.status_code == 200
    assert f"{org.slug}-assessments-" in response["Content-Disposition"]
    sheets = read_tabular(response.content, file_format, max_rows=100, skip_sheets=["README"])
    (assessment,) = [row.values for row in sheets["assessments"][1]]
    ratings = [row.values for row in sheets["ratings"][1]]
    (reflection,) = [row.values for row in sheets["reflections"][1]]
    assert assessment["assessed_on"].startswith("2026-03-01")
    assert assessment["notes"] == "Board review."
    assert {(r["end_goal"], r["dimension"], r["level"]) for r in ratings} == {
        ("EG1", "", "2"),
        ("", "culture", "3"),
    }
    assert reflection["assessment_ref"] == assessment["assessment_ref"]
    assert reflection["end_goal"] == "EG2"
    assert reflection["what_worked"] == "Co-chaired meetings."
    assert reflection["what_did_not"] == "=Late feedback."  # unescaped on reading
