"""Maturity assessments: compared side by side, and recorded by PE leads and admins."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import GoalReflection, MaturityAssessment
from apps.roadmap.models import Dimension, EndGoal
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


def _list_url(org) -> str:
    return reverse("adoption:assessments", args=[org.slug])


def _new_url(org) -> str:
    return reverse("adoption:assessment-create", args=[org.slug])


def _assess(
    org, by, on: dt.date, goal_level: int, dimension_level: int, notes: str = ""
) -> MaturityAssessment:
    return services.assessment_create(
        organisation=org,
        by=by,
        assessed_on=on,
        goal_levels=dict.fromkeys(EndGoal.objects.published(), goal_level),
        dimension_levels=dict.fromkeys(Dimension.objects.all(), dimension_level),
        notes=notes,
    )


def _data(**overrides: object) -> dict[str, object]:
    data = {
        "assessed_on": timezone.localdate().isoformat(),
        "goal_EG1": "2",
        "goal_EG2": "3",
        "dimension_culture": "4",
        "dimension_processes": "1",
        "notes": "Workshop with the whole team.",
    }
    data.update(overrides)
    return data


def test_assessments_are_compared_newest_first(
    client_as, org, pe_lead, viewer, small_roadmap
) -> None:
    _assess(org, pe_lead, dt.date(2024, 1, 15), 1, 2, notes="Baseline.")
    _assess(org, pe_lead, dt.date(2025, 1, 15), 3, 4)

    response = client_as(viewer).get(_list_url(org))

    html = response.content.decode()
    assert response.status_code == 200
    thead = re.search(r"<thead>.*?</thead>", html, re.DOTALL).group(0)
    headers = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', thead)
    assert headers == ["2025-01-15", "2024-01-15"]
    eg1 = re.search(r"<th scope=\"row\">EG1 End goal 1</th>(.*?)</tr>", html, re.DOTALL).group(1)
    assert re.findall(r"<td>(.*?)</td>", eg1) == ["3 · Defined", "1 · Ad hoc"]
    culture = re.search(r"<th scope=\"row\">Culture</th>(.*?)</tr>", html, re.DOTALL).group(1)
    assert re.findall(r"<td>(.*?)</td>", culture) == ["4 · Managed", "2 · Emerging"]
    assert "Baseline." in html
    assert "5 · Embedded: PE is business as usual, sustained and improved." in html
    assert "Record an assessment" not in html  # viewers cannot assess


def test_with_no_assessment_the_page_says_so(client_as, org, pe_lead, small_roadmap) -> None:
    html = client_as(pe_lead).get(_list_url(org)).content.decode()

    assert "No assessment recorded yet." in html
    assert "Record an assessment" in html


def test_the_form_has_a_labelled_group_of_levels_per_item(
    client_as, org, pe_lead, small_roadmap
) -> None:
    html = client_as(pe_lead).get(_new_url(org)).content.decode()

    # Levels of EG1, EG2, culture, processes; a reflection on EG1 and on EG2.
    assert html.count("<fieldset") == 6
    assert re.search(r"<legend[^>]*>\s*EG1 End goal 1", html)
    assert re.search(r"<legend[^>]*>\s*Processes", html)
    assert html.count('type="radio" class="form-check-input"  name="goal_EG1"') == 5
    assert "3 · Defined: PE has agreed processes, roles and some resources." in html


def test_a_pe_lead_records_an_assessment(client_as, org, pe_lead, small_roadmap) -> None:
    response = client_as(pe_lead).post(_new_url(org), _data())

    assert response.status_code == 302
    assert response["Location"] == _list_url(org)
    assert messages_of(response) == ["The maturity assessment is recorded."]
    assessment = MaturityAssessment.objects.get()
    assert assessment.organisation == org
    assert assessment.created_by == pe_lead
    assert assessment.notes == "Workshop with the whole team."
    levels = {
        (r.end_goal.code if r.end_goal else r.dimension.slug): r.level
        for r in assessment.ratings.select_related("end_goal", "dimension")
    }
    assert levels == {"EG1": 2, "EG2": 3, "culture": 4, "processes": 1}


def test_the_reflections_are_saved_with_the_ratings_and_shown(
    client_as, org, pe_lead, viewer, small_roadmap
) -> None:
    data = _data(worked_EG1="Co-chaired meetings.", did_not_work_EG1="Late feedback.")
    data |= {"worked_EG2": "  ", "did_not_work_EG2": ""}  # nothing to say: not stored

    response = client_as(pe_lead).post(_new_url(org), data)

    assert response.status_code == 302
    assessment = MaturityAssessment.objects.get()
    assert [(r.end_goal.code, r.worked, r.did_not_work) for r in assessment.reflections.all()] == [
        ("EG1", "Co-chaired meetings.", "Late feedback.")
    ]
    html = client_as(viewer).get(_list_url(org)).content.decode()
    assert "Co-chaired meetings." in html
    assert "Late feedback." in html


def test_an_error_keeps_the_reflections_typed_and_stores_nothing(
    client_as, org, pe_lead, small_roadmap
) -> None:
    data = _data(goal_EG2="", worked_EG1="Co-chaired meetings.", did_not_work_EG2="x" * 2001)

    response = client_as(pe_lead).post(_new_url(org), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"goal_EG2", "did_not_work_EG2"}
    html = response.content.decode()
    assert "Co-chaired meetings.</textarea>" in html
    assert "Workshop with the whole team.</textarea>" in html
    assert not MaturityAssessment.objects.exists()
    assert not GoalReflection.objects.exists()


def test_the_reflection_fields_are_labelled_per_end_goal(
    client_as, org, pe_lead, small_roadmap
) -> None:
    html = client_as(pe_lead).get(_new_url(org)).content.decode()

    assert re.search(r"<legend[^>]*>\s*EG2 End goal 2", html)
    assert 'for="id_worked_EG2"' in html
    assert 'for="id_did_not_work_EG2"' in html
    assert "For EG2: what fell short, what you would change." in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"goal_EG2": ""}, "goal_EG2", "Choose a level from 1 to 5."),
        ({"dimension_culture": "6"}, "dimension_culture", "Select a valid choice."),
        (
            {"assessed_on": "tomorrow"},  # made when the test runs, not when it is collected
            "assessed_on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_bad_input_records_nothing(
    client_as, org, pe_lead, small_roadmap, overrides, field, message
) -> None:
    if overrides.get("assessed_on") == "tomorrow":
        overrides = {"assessed_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}
    response = client_as(pe_lead).post(_new_url(org), _data(**overrides))

    assert response.status_code == 400
    assert any(e.startswith(message) for e in response.context["form"].errors[field])
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "viewer"])
def test_only_pe_leads_and_admins_assess(client_as, org, personas, small_roadmap, persona) -> None:
    client = client_as(personas[persona])

    assert client.get(_new_url(org)).status_code == 403
    assert client.post(_new_url(org), _data()).status_code == 403
    assert not MaturityAssessment.objects.exists()
