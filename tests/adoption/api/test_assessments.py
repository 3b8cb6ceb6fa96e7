"""/api/v1/organisations/<slug>/assessments/: maturity self-assessments."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption.models import GoalReflection, MaturityAssessment, MaturityRating
from apps.adoption.services import assessment_create
from apps.organisations.models import Organisation
from apps.roadmap.models import Dimension, Edition, EndGoal
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS_URL = "/api/v1/organisations/patients-united/assessments/"
RATINGS = [
    {"end_goal": "EG1", "level": 3},
    {"end_goal": "EG2", "level": 1},
    {"dimension": "culture", "level": 2},
]


def _assess(org: Organisation, by: User, on: dt.date, eg1: int, culture: int) -> None:
    assessment_create(
        organisation=org,
        by=by,
        assessed_on=on,
        goal_levels={EndGoal.objects.get(code="EG1"): eg1},
        dimension_levels={Dimension.objects.get(slug="culture"): culture},
    )


def test_it_names_the_url() -> None:
    assert reverse("api-adoption:assessment-list", kwargs={"slug": "patients-united"}) == (
        ASSESSMENTS_URL
    )


# --- List -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_members_list_assessments_newest_first(
    api_as: object,
    personas: dict,
    pe_lead: User,
    org: Organisation,
    small_roadmap: Edition,
    persona: str,
) -> None:
    _assess(org, pe_lead, dt.date(2024, 1, 15), eg1=2, culture=1)
    _assess(org, pe_lead, dt.date(2025, 1, 15), eg1=3, culture=2)
    _assess(OrganisationFactory(), pe_lead, dt.date(2025, 2, 1), eg1=5, culture=5)

    response = api_as(personas[persona]).get(ASSESSMENTS_URL)

    assert response.status_code == 200
    newest, oldest = response.json()["results"]
    assert newest == {
        "id": newest["id"],
        "assessed_on": "2025-01-15",
        "notes": "",
        "ratings": [
            {"end_goal": "EG1", "dimension": None, "level": 3},
            {"end_goal": None, "dimension": "culture", "level": 2},
        ],
        "reflections": [],
        "created_by": "lead@example.org",
        "created_at": newest["created_at"],
    }
    assert oldest["assessed_on"] == "2024-01-15"
    assert [r["level"] for r in oldest["ratings"]] == [2, 1]


def _list_queries(api_as: object, user: User) -> int:
    client = api_as(User.objects.get(pk=user.pk))
    cache.clear()  # nothing kept from an earlier request: the user, the membership
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ASSESSMENTS_URL)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_in_a_number_of_queries_that_does_not_grow(
    api_as: object, viewer: User, pe_lead: User, org: Organisation, small_roadmap: Edition
) -> None:
    for year in range(1990, 1993):
        _assess(org, pe_lead, dt.date(year, 1, 1), eg1=1, culture=1)
    few = _list_queries(api_as, viewer)

    for year in range(1993, 2020):
        _assess(org, pe_lead, dt.date(year, 1, 1), eg1=1, culture=1)
    many = _list_queries(api_as, viewer)

    assert api_as(viewer).get(ASSESSMENTS_URL).json()["count"] == 30
    assert few == many <= 7  # the assessments, their ratings, their reflections, …


# --- Record ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "pe_lead"])
def test_pe_leads_and_admins_record_an_assessment(
    api_as: object, personas: dict, org: Organisation, small_roadmap: Edition, persona: str
) -> None:
    response = api_as(personas[persona]).post(
        ASSESSMENTS_URL,
        {"assessed_on": "2025-03-01", "notes": "After the board review.", "ratings": RATINGS},
    )

    assert response.status_code == 201, response.content
    assessment = MaturityAssessment.objects.get()
    assert (assessment.organisation, str(assessment.assessed_on), assessment.created_by) == (
        org,
        "2025-03-01",
        personas[persona],
    )
    assert assessment.notes == "After the board review."
    assert {
        (r.end_goal.code if r.end_goal else r.dimension.slug, r.level)
        for r in assessment.ratings.select_related("end_goal", "dimension")
    } == {("EG1", 3), ("EG2", 1), ("culture", 2)}
    assert response.json()["id"] == assessment.pk
    assert len(response.json()["ratings"]) == 3


def test_reflections_are_written_and_read_by_end_goal_code(
    api_as: object, pe_lead: User, viewer: User, small_roadmap: Edition
) -> None:
    reflections = [
        {"end_goal": "eg2", "worked": "Co-chaired meetings.", "did_not_work": ""},
        {"end_goal": "EG1", "did_not_work": "Late feedback."},
    ]

    response = api_as(pe_lead).post(
        ASSESSMENTS_URL, {"ratings": RATINGS, "reflections": reflections}
    )

    assert response.status_code == 201, response.content
    expected = [
        {"end_goal": "EG1", "worked": "", "did_not_work": "Late feedback."},
        {"end_goal": "EG2", "worked": "Co-chaired meetings.", "did_not_work": ""},
    ]
    assert response.json()["reflections"] == expected
    listed = api_as(viewer).get(ASSESSMENTS_URL).json()["results"]
    assert listed[0]["reflections"] == expected


def test_the_date_defaults_to_today(api_as: object, pe_lead: User, small_roadmap: Edition) -> None:
    response = api_as(pe_lead).post(ASSESSMENTS_URL, {"ratings": RATINGS[:1]})

    assert response.status_code == 201
    assert MaturityAssessment.objects.get().assessed_on == timezone.localdate()


def test_end_goals_of_an_archived_edition_cannot_be_rated(
    api_as: object, pe_lead: User, small_roadmap: Edition
) -> None:
    Edition.objects.filter(pk=small_roadmap.pk).update(status="archived")

    response = api_as(pe_lead).post(ASSESSMENTS_URL, {"ratings": RATINGS[:1]})

    assert response.status_code == 400
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"ratings": [{"end_goal": "EG1", "level": 6}]}, "ratings", "Levels go from 1 to 5."),
        ({"ratings": [{"dimension": "culture", "level": 0}]}, "ratings", "Levels go from 1 to 5."),
        ({"ratings": [{"end_goal": "EG9", "level": 3}]}, "ratings", "There is no end goal"),
        ({"ratings": [{"dimension": "luck", "level": 3}]}, "ratings", "There is no dimension"),
        (
            {"ratings": [{"end_goal": "EG1", "dimension": "culture", "level": 3}]},
            "ratings",
            "Rate either an end goal or a dimension.",
        ),
        ({"ratings": [{"level": 3}]}, "ratings", "Rate either an end goal or a dimension."),
        (
            {"ratings": [{"end_goal": "EG1", "level": 3}, {"end_goal": "EG1", "level": 4}]},
            "ratings",
            "Rate each end goal and dimension once.",
        ),
        ({"ratings": []}, "ratings", "may not be empty"),
        (
            {"ratings": RATINGS, "reflections": [{"end_goal": "EG9", "worked": "x"}]},
            "reflections",
            "There is no end goal “EG9” in the published roadmap.",
        ),
        (
            {"ratings": RATINGS, "reflections": [{"end_goal": "EG1"}, {"end_goal": "eg1"}]},
            "reflections",
            "Reflect on each end goal once.",
        ),
        (
            {"ratings": RATINGS, "reflections": [{"end_goal": "EG1", "worked": "x" * 2001}]},
            "reflections",
            "Ensure this field has no more than 2000 characters.",
        ),
        ({}, "ratings", "This field is required."),
        (
            {"assessed_on": "2999-01-01", "ratings": RATINGS},
            "assessed_on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_it_refuses_bad_assessments_with_400(
    api_as: object, pe_lead: User, small_roadmap: Edition, payload: dict, field: str, message: str
) -> None:
    response = api_as(pe_lead).post(ASSESSMENTS_URL, payload)

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not MaturityAssessment.objects.exists()
    assert not MaturityRating.objects.exists()
    assert not GoalReflection.objects.exists()
