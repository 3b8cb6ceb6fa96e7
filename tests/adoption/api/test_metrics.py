"""/api/v1/metrics/: the public metric catalogue."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.adoption.models import Metric
from tests.adoption.factories import MetricFactory

pytestmark = pytest.mark.django_db

METRICS_URL = "/api/v1/metrics/"
CATALOGUE = [
    "pe-activities",
    "patients-involved",
    "insights-received",
    "insights-implemented",
    "pe-budget",
    "pe-staff-time",
    "trainings-delivered",
    "people-trained",
    "diversity-policy",
    "fair-compensation-policy",
    "pe-lead-in-place",
    "patient-satisfaction",
]


def test_it_names_the_url() -> None:
    assert reverse("api-adoption:metric-list") == METRICS_URL


def test_anyone_reads_the_catalogue(anonymous: APIClient) -> None:
    response = anonymous.get(METRICS_URL)

    assert response.status_code == 200
    rows = response.json()
    assert [r["slug"] for r in rows] == CATALOGUE
    budget = next(r for r in rows if r["slug"] == "pe-budget")
    assert budget == {
        "slug": "pe-budget",
        "name": "PE budget",
        "description": "Money budgeted for patient engagement in the period.",
        "kind": "money",
        "unit": "EUR",
        "component": "input",
    }


def test_retired_metrics_are_left_out_and_new_ones_listed(api_as: object, viewer: User) -> None:
    Metric.objects.filter(slug="pe-staff-time").update(is_active=False)
    MetricFactory(slug="advisory-boards", name="Advisory boards", order=99)

    slugs = [r["slug"] for r in api_as(viewer).get(METRICS_URL).json()]

    assert "pe-staff-time" not in slugs
    assert slugs[-1] == "advisory-boards"


def test_it_answers_in_a_fixed_number_of_queries(
    anonymous: APIClient, django_assert_num_queries: object
) -> None:
    MetricFactory.create_batch(20)

    with django_assert_num_queries(1):
        response = anonymous.get(METRICS_URL)

    assert len(response.json()) == len(CATALOGUE) + 20


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(api_as: object, owner: User, method: str) -> None:
    response = getattr(api_as(owner), method)(METRICS_URL, {"slug": "x", "name": "X"})

    assert response.status_code == 405
    assert not Metric.objects.filter(slug="x").exists()
