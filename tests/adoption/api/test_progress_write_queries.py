"""Issue 18, a fast write path: logging progress through the API takes a fixed number of
queries, at most ``WRITE_BUDGET``, however many metrics and barriers the entry reports
(none per metric, barrier or assumption), and stores all of them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.adoption.models import Adoption, BarrierReport, Metric, MetricValue
from apps.roadmap.models import Assumption, Edition
from tests.roadmap.factories import AssumptionFactory, BarrierCategoryFactory

pytestmark = pytest.mark.django_db

WRITE_BUDGET = 12
ADOPTIONS_URL = "/api/v1/organisations/patients-united/adoptions/"


@pytest.fixture
def assumptions(small_roadmap: Edition) -> list[Assumption]:
    goal = small_roadmap.end_goals.get(code="EG1")
    return [
        AssumptionFactory(end_goal=goal, intermediate_goal=None, code=f"AS-EG1-{n}") for n in (1, 2)
    ]


def _body(metrics: int, barriers: int, assumptions: list[Assumption]) -> dict:
    slugs = list(Metric.objects.filter(is_active=True).values_list("slug", flat=True))
    assert len(slugs) >= metrics
    categories = [BarrierCategoryFactory(slug=f"barrier-{barriers}-{n}") for n in range(barriers)]
    return {
        "narrative": f"{metrics} metrics and {barriers} barriers.",
        "percent_complete": 40,
        "metrics": [
            {"metric": slug, "value": f"{n + 1}.5"} for n, slug in enumerate(slugs[:metrics])
        ],
        "barriers": [
            # Every other barrier names an assumption, by its code in any case.
            {
                "category": c.slug,
                "note": f"Note {n}.",
                "assumption": assumptions[n // 2 % 2].code.lower(),
            }
            if n % 2 == 0
            else {"category": c.slug, "note": f"Note {n}."}
            for n, c in enumerate(categories)
        ],
    }


def _post(
    api_as: object, user: User, adoption: Adoption, body: dict
) -> tuple[int, dict, list[str]]:
    client = api_as(User.objects.get(pk=user.pk))
    cache.clear()  # nothing kept from an earlier request: the user, the membership
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{ADOPTIONS_URL}{adoption.pk}/progress/", body, format="json")
    assert response.status_code == 201, response.content
    return len(queries), response.json(), [q["sql"] for q in queries.captured_queries]


def test_logging_progress_takes_a_fixed_number_of_queries(
    api_as: object, contributor: User, adoption: Adoption, assumptions: list[Assumption]
) -> None:
    small_body = _body(1, 1, assumptions)
    large_body = _body(5, 4, assumptions)

    small, small_data, small_sql = _post(api_as, contributor, adoption, small_body)
    large, large_data, large_sql = _post(api_as, contributor, adoption, large_body)

    assert small <= WRITE_BUDGET, "\n".join(small_sql)
    assert large == small, "\n".join(large_sql)
    for body, data in ((small_body, small_data), (large_body, large_data)):
        entry = adoption.entries.get(narrative=body["narrative"])
        assert data["id"] == entry.pk
        stored_metrics = {(v.metric.slug, v.value) for v in entry.metrics.all()}
        assert stored_metrics == {(row["metric"], Decimal(row["value"])) for row in body["metrics"]}
        stored_barriers = {
            (b.category.slug, b.note, b.assumption.code if b.assumption else None)
            for b in entry.barriers.all()
        }
        assert stored_barriers == {
            (row["category"], row["note"], row.get("assumption", "").upper() or None)
            for row in body["barriers"]
        }
        # The answer is the entry as stored, as the progress log lists it.
        listed = (
            api_as(contributor).get(f"{ADOPTIONS_URL}{adoption.pk}/progress/").json()["results"]
        )
        assert data == next(row for row in listed if row["id"] == entry.pk)
    adoption.refresh_from_db()
    assert adoption.percent_complete == 40


def test_unknown_codes_among_known_ones_are_named_and_nothing_is_stored(
    api_as: object, contributor: User, adoption: Adoption, assumptions: list[Assumption]
) -> None:
    BarrierCategoryFactory(slug="resources")
    body = {
        "narrative": "Some rows are wrong.",
        "metrics": [
            {"metric": "pe-activities", "value": "2"},
            {"metric": "happiness", "value": "5"},
            {"metric": "PE-ACTIVITIES", "value": "1"},  # slugs are exact
        ],
        "barriers": [
            {"category": "resources", "assumption": "as-eg1-1"},
            {"category": "weather"},
            {"category": "resources", "assumption": "AS-EG9-9"},
        ],
    }

    response = api_as(contributor).post(
        f"{ADOPTIONS_URL}{adoption.pk}/progress/", body, format="json"
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"metrics", "barriers"}
    metrics = json.dumps(errors["metrics"], ensure_ascii=False)
    assert "There is no metric “happiness” in the catalogue" in metrics
    assert "There is no metric “PE-ACTIVITIES” in the catalogue" in metrics
    assert "pe-activities”" not in metrics
    barriers = json.dumps(errors["barriers"], ensure_ascii=False)
    assert "There is no barrier category “weather”." in barriers
    assert "There is no assumption “AS-EG9-9” in the published roadmap." in barriers
    assert list(errors["barriers"]) == ["1", "2"]  # the first row is right
    assert adoption.entries.count() == 1  # only the adoption's first entry
    assert not MetricValue.objects.exists()
    assert not BarrierReport.objects.exists()
