"""The public benchmark API: the list of snapshots and a snapshot's aggregate.

The known figures come from ``bench_population`` (see ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.benchmarking.periods import period_get_or_create
from tests.benchmarking.conftest import (
    GROUPS,
    IN_Q1,
    build_population,
    compile_published,
    standard_layout,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/benchmarks/"
Q2 = "/api/v1/benchmarks/2026-Q2/"
CELL_KEYS = {
    "subject_type",
    "subject_code",
    "breakdown",
    "breakdown_value",
    "measure",
    "n",
    "value",
    "suppressed",
    "reason",
    "reason_text",
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@contextmanager
def assert_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Like django_assert_num_queries, but prints the SQL when the count is off."""
    with CaptureQueriesContext(connection) as queries:
        yield queries
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert len(queries) == expected, f"{len(queries)} queries, expected {expected}:\n{sql}"


def all_cells(api: APIClient, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every cell of ``url``, page after page."""
    cells: list[dict[str, Any]] = []
    page: str | None = url
    query = {"page_size": 1000, **params}
    while page:
        response = api.get(page, query if page == url else None)
        assert response.status_code == 200, response.content
        cells.extend(response.json()["results"])
        page = response.json()["next"]
    return cells


def bare_snapshot(
    label: str, edition: object, organisations: int = 7, k: int = 5
) -> BenchmarkSnapshot:
    """A snapshot without cells: enough for the list, and quick to make."""
    return BenchmarkSnapshot.objects.create(
        period=period_get_or_create(label),
        edition=edition,
        min_group_size=k,
        organisation_count=organisations,
        published_at=timezone.now(),
    )


def find(cells: list[dict], **key: str) -> dict[str, Any]:
    found = [c for c in cells if all(c[k] == v for k, v in key.items())]
    assert len(found) == 1, (key, found)
    return found[0]


# --- GET /api/v1/benchmarks/ -------------------------------------------------------------------


def test_it_lists_nothing_before_the_first_compile(api: APIClient) -> None:
    response = api.get(LIST)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_it_lists_snapshots_newest_first_with_links_to_their_aggregate(
    api: APIClient, snapshot: BenchmarkSnapshot, small_roadmap: object
) -> None:
    bare_snapshot("2026-Q1", small_roadmap, organisations=7)

    response = api.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert [s["label"] for s in body["results"]] == ["2026-Q2", "2026-Q1"]
    latest = body["results"][0]
    assert latest == {
        "label": "2026-Q2",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "compiled_at": latest["compiled_at"],
        "edition": small_roadmap.version_label,
        "organisation_count": 12,
        "min_group_size": 5,
        "url": "http://testserver/api/v1/benchmarks/2026-Q2/",
    }
    assert datetime.fromisoformat(latest["compiled_at"]) == snapshot.compiled_at
    # A snapshot without a published population of everyone does not say how many it counts.
    assert body["results"][1]["organisation_count"] is None
    assert api.get(latest["url"]).status_code == 200


def test_the_list_takes_the_same_queries_for_one_or_three_snapshots(
    api: APIClient, small_roadmap: object
) -> None:
    bare_snapshot("2026-Q2", small_roadmap)
    with assert_queries(1):  # the page (it ends the list: no count)
        api.get(LIST)
    bare_snapshot("2026-Q1", small_roadmap)
    bare_snapshot("2025-Q4", small_roadmap)

    with assert_queries(1):
        response = api.get(LIST)

    assert response.json()["count"] == 3


def test_the_list_is_read_only(api: APIClient, snapshot: BenchmarkSnapshot) -> None:
    assert api.post(LIST, {"label": "2026-Q3"}).status_code == 405
    assert api.delete(LIST).status_code == 405


# --- GET /api/v1/benchmarks/<period>/ ----------------------------------------------------------


def test_it_returns_every_cell_of_the_snapshot_with_the_snapshot(
    api: APIClient, snapshot: BenchmarkSnapshot
) -> None:
    response = api.get(Q2, {"page_size": 10})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["snapshot"]["label"] == "2026-Q2"
    assert body["snapshot"]["min_group_size"] == 5
    assert body["count"] == snapshot.cells.public().count()  # not the curators'
    assert len(body["results"]) == 10
    assert all(set(cell) == CELL_KEYS for cell in body["results"])
    assert reverse("api-benchmarks:benchmark-detail", args=["2026-Q2"]) == Q2


def test_published_cells_carry_their_value_and_n(
    api: APIClient, snapshot: BenchmarkSnapshot
) -> None:
    cells = all_cells(api, Q2, subject_type="end_goal", subject_code="EG1")

    everyone = find(cells, breakdown="all", measure="share_adopting")
    assert everyone == {
        "subject_type": "end_goal",
        "subject_code": "EG1",
        "breakdown": "all",
        "breakdown_value": "",
        "measure": "share_adopting",
        "n": 12,
        "value": 83.3,
        "suppressed": False,
        "reason": "",
        "reason_text": "",
    }
    hta = find(
        cells, breakdown="stakeholder_group", breakdown_value="hta-bodies", measure="adopting"
    )
    assert (hta["value"], hta["n"]) == (4, 6)


def test_a_suppressed_cell_is_null_with_its_reason_and_no_group_size(
    api: APIClient, snapshot: BenchmarkSnapshot
) -> None:
    # Four HTA bodies adopt an action of EG1: too few for the median of their progress. The
    # group itself is not small, so the reader is told the common reason, not "fewer than k".
    cells = all_cells(api, Q2, subject_type="end_goal", subject_code="EG1")

    median = find(
        cells, breakdown="stakeholder_group", breakdown_value="hta-bodies", measure="median_percent"
    )

    assert median["suppressed"] is True
    assert median["value"] is None
    assert median["n"] is None
    assert median["reason"] == "complementary"
    assert median["reason_text"] == (
        "Withheld so that no organisation's answer can be worked out from it or from the "
        "figures around it."
    )


def test_no_response_shows_a_withheld_figure_or_a_figure_from_a_small_group(
    api: APIClient, snapshot: BenchmarkSnapshot
) -> None:
    cells = all_cells(api, Q2)

    assert len(cells) == snapshot.cells.public().count()
    withheld = [c for c in cells if c["suppressed"]]
    assert withheld, "the population should have small groups"
    assert all(c["value"] is None and c["n"] is None and c["reason_text"] for c in withheld)
    published = [c for c in cells if not c["suppressed"]]
    assert all(c["value"] is not None and c["n"] >= 5 and not c["reason"] for c in published)


def test_complementary_suppression_says_why(api: APIClient, small_roadmap: object) -> None:
    snapshot = bare_snapshot("2025-Q4", small_roadmap, organisations=20, k=7)
    shared = {"snapshot": snapshot, "subject_type": "action", "subject_code": "A1.1.1"}
    BenchmarkCell.objects.create(
        **shared,
        breakdown="region",
        breakdown_value="cee",
        measure="adopting",
        n=3,
        suppressed=True,
        reason="small_group",
    )
    BenchmarkCell.objects.create(
        **shared,
        breakdown="region",
        breakdown_value="western",
        measure="adopting",
        n=17,
        suppressed=True,
        reason="complementary",
    )

    cells = api.get("/api/v1/benchmarks/2025-Q4/").json()["results"]

    assert [(c["breakdown_value"], c["reason_text"]) for c in cells] == [
        ("cee", "Fewer than 7 organisations: not published."),
        (
            "western",
            "Withheld so that no organisation's answer can be worked out from it or from the "
            "figures around it.",
        ),
    ]
    assert [c["n"] for c in cells] == [None, None]


def test_it_filters_by_subject_breakdown_and_measure(
    api: APIClient, snapshot: BenchmarkSnapshot
) -> None:
    response = api.get(
        Q2,
        {
            "subject_type": "end_goal",
            "subject_code": "EG1",
            "breakdown": "stakeholder_group",
            "measure": "share_adopting",
        },
    )

    assert response.status_code == 200
    cells = response.json()["results"]
    assert [(c["breakdown_value"], c["value"]) for c in cells] == [
        ("hta-bodies", 66.7),
        ("patient-organisations", 100.0),
    ]
    regions = all_cells(api, Q2, breakdown="region", breakdown_value="cee")
    assert regions
    assert {(c["breakdown"], c["breakdown_value"]) for c in regions} == {("region", "cee")}
    assert api.get(Q2, {"measure": "no-such-measure"}).json()["count"] == 0


@pytest.mark.parametrize("name", ["subject_type", "breakdown"])
def test_an_unknown_subject_type_or_breakdown_is_a_400(
    api: APIClient, snapshot: BenchmarkSnapshot, name: str
) -> None:
    response = api.get(Q2, {name: "favourite_colour"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [name]


@pytest.mark.parametrize("label", ["2026-Q3", "1999-Q1", "not-a-period"])
def test_an_uncompiled_or_unknown_period_is_a_json_404(
    api: APIClient, snapshot: BenchmarkSnapshot, label: str
) -> None:
    response = api.get(f"/api/v1/benchmarks/{label}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No benchmark has been compiled for this period."}


def test_pages_hold_up_to_1000_cells_in_a_stable_order(
    api: APIClient, small_roadmap: object, settings: Any
) -> None:
    # Three more countries of five organisations each (listed): enough cells for two pages.
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 5
    more = [(GROUPS[i % 2], country) for country in ("DE", "FR", "NL") for i in range(5)]
    build_population(small_roadmap, [*standard_layout(12), *more])
    snapshot = compile_published("2026-Q2")
    total = snapshot.cells.public().count()
    assert total > 1000

    first = api.get(Q2, {"page_size": 5000}).json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) == 1000
    assert len(second["results"]) == total - 1000
    assert second["next"] is None
    key = ("subject_type", "subject_code", "breakdown", "breakdown_value", "measure")
    keys = [tuple(c[k] for k in key) for c in first["results"] + second["results"]]
    assert keys == sorted(keys)
    assert len(set(keys)) == total


def test_the_aggregate_is_read_only(api: APIClient, snapshot: BenchmarkSnapshot) -> None:
    assert api.post(Q2, {}).status_code == 405
    assert api.put(Q2, {}).status_code == 405
    assert api.delete(Q2).status_code == 405
    assert BenchmarkCell.objects.filter(snapshot=snapshot).count() > 0


def test_a_page_takes_the_same_queries_for_12_or_24_organisations(
    api: APIClient, small_roadmap: object
) -> None:
    build_population(small_roadmap, standard_layout(12), entry_date=IN_Q1)
    small = compile_published("2026-Q1")
    build_population(small_roadmap, standard_layout(12))
    large = compile_published("2026-Q2")
    assert (small.organisation_count, large.organisation_count) == (12, 24)

    for snapshot in (small, large):
        label = snapshot.period.label
        with assert_queries(2):  # the snapshot, the page (it ends the list: no count)
            response = api.get(f"/api/v1/benchmarks/{label}/", {"page_size": 1000})
        assert len(response.json()["results"]) == min(1000, snapshot.cells.public().count())
        with assert_queries(2):
            response = api.get(
                f"/api/v1/benchmarks/{label}/", {"subject_type": "end_goal", "breakdown": "region"}
            )
        assert response.json()["results"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/benchmarks/%00/",
        "/benchmarks/%00/data/trend.csv",
        "/api/v1/benchmarks/2026-Q2%00/",
    ],
)
def test_a_nul_in_the_period_is_not_found(client, url) -> None:
    # PostgreSQL refuses NUL in a query; the address must not match at all (404, not 500).
    assert client.get(url).status_code == 404
