"""``/benchmarks/``: the public benchmark of the latest (or a chosen) snapshot."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.benchmarking.models import BenchmarkSnapshot
from apps.benchmarking.periods import period_get_or_create
from apps.roadmap.models import Edition
from tests.benchmarking.conftest import (
    build_population,
    compile_protected,
    compile_published,
    page_tables,
    standard_layout,
)

pytestmark = pytest.mark.django_db

URL = reverse("benchmarking:public")
SMALL_GROUP_TEXT = "Fewer than 5 organisations: not published."
COMPLEMENTARY_TEXT = "Withheld so that a small group cannot be worked out from the totals."


def _get(client: Client, **params: str) -> Any:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_it_shows_the_period_population_and_compile_date(client, snapshot) -> None:
    page = _get(client).content.decode()
    assert "2026-Q2: 12 verified organisations" in page
    compiled = date_format(timezone.localtime(snapshot.compiled_at), "DATE_FORMAT")
    assert f"compiled on {compiled}" in page  # "24 Nov 2026" in English
    assert page.count("<h1") == 1


def test_it_shows_the_share_of_each_group_adopting_an_end_goal(client, snapshot) -> None:
    tables = page_tables(_get(client).content)
    header, eg1, eg2 = tables["end-goals-share-by-group-caption"]
    assert header == ["End goal", "Everyone", "Patients and POs", "HTA bodies"]
    assert eg1 == ["EG1 End goal 1", "83.3%", "100%", "66.7%"]
    assert eg2 == ["EG2 End goal 2", "33.3%", "33.3%", "33.3%"]


def test_cee_and_western_europe_stand_side_by_side(client, snapshot) -> None:
    response = _get(client)
    tables = page_tables(response.content)
    header, eg1, _eg2 = tables["end-goals-share-by-region-caption"]
    assert header[1:3] == ["Everyone", "Western Europe"]
    assert header[3] == "Central and Eastern Europe"
    assert eg1[1:] == ["83.3%", "100%", "66.7%"]
    # The sentence under the chart says the same.
    assert (
        "Central and Eastern Europe against Western Europe: EG1 66.7% against 100%"
        in response.content.decode()
    )


def test_median_coverage_is_shown_with_the_number_of_actions(client, snapshot) -> None:
    tables = page_tables(_get(client).content)
    _header, eg1, _eg2 = tables["end-goals-coverage-by-group-caption"]
    assert eg1 == ["EG1 End goal 1 (of 4 actions)", "1", "2", "1"]


def test_dimensions_maturity_metrics_and_barriers_are_shown(client, snapshot) -> None:
    tables = page_tables(_get(client).content)
    assert tables["dimensions-share-by-group-caption"][2] == [
        "Processes",
        "50%",
        "100%",
        "0%",
    ]
    assert tables["maturity-caption"][1] == ["EG1 End goal 1", "2.5"]
    metrics = {row[0]: row[1] for row in tables["metrics-caption"][1:]}
    assert metrics["Patients and carers involved (people)"] == "165"
    barriers = tables["barriers-caption"]
    assert barriers[0] == ["Barrier", "Everyone", "Western Europe", "Central and Eastern Europe"]
    assert barriers[1] == ["Lack of resources", "50%", "50%", "50%"]


def test_every_chart_has_a_drawing_a_sentence_and_a_csv_link(client, snapshot) -> None:
    page = _get(client).content.decode()
    charts = page.count('class="benchmark-chart')
    assert charts == 14  # two per section of end goals and dimensions, joint commitments
    assert page.count("Download this chart's data (CSV)") == charts
    assert page.count('class="chart-summary"') == charts
    # Every chart but the metrics table (whose rows have different units) is drawn.
    assert page.count('role="img"') == charts - 1
    assert "<script" not in page.split("</head>")[1]
    assert not re.search(r"\sstyle=", page)  # the CSP allows no inline styles


def test_figures_withheld_in_the_snapshot_are_shown_as_suppressed(client, snapshot) -> None:
    """Nobody rated EG2's maturity: the cell says so, with the reason, and is never 0."""
    response = _get(client)
    tables = page_tables(response.content)
    eg2 = tables["maturity-caption"][2]
    assert eg2[0] == "EG2 End goal 2"
    assert eg2[1] == f"—Suppressed: {SMALL_GROUP_TEXT}1"
    page = response.content.decode()
    assert f"{SMALL_GROUP_TEXT}</li>" in page  # the footnote
    assert 'title="' not in page.split("<main")[1]


@pytest.fixture
def small_region(small_roadmap: Edition) -> BenchmarkSnapshot:
    """Eight organisations in Belgium and three in Poland: CEE is too small to publish."""
    layout = [(g, "BE") for g, _c in standard_layout(8)] + [
        ("patient-organisations", "PL"),
        ("hta-bodies", "PL"),
        ("patient-organisations", "PL"),
    ]
    build_population(small_roadmap, layout)
    return compile_protected("2026-Q2")


def test_a_small_region_is_suppressed_with_its_reason(client, small_region) -> None:
    """On the real rules: CEE is too small, and nothing published gives it away."""
    response = _get(client)
    page = response.content.decode()
    header, eg1, eg2 = page_tables(response.content)["end-goals-share-by-region-caption"]
    assert header[2:4] == ["Western Europe", "Central and Eastern Europe"]
    assert eg1[3].startswith(f"—Suppressed: {SMALL_GROUP_TEXT}")
    assert eg2[3].startswith("—")
    # Everyone = Western Europe + CEE: one of them is withheld too.
    assert eg1[1].startswith("—") or eg1[2].startswith("—")
    # 2 of CEE's 3 organisations adopt towards EG1 (and processes, and met the barrier):
    # that share, and the region's size, appear nowhere.
    assert "66.7" not in page
    assert "of 3" not in page
    assert "Central and Eastern Europe against Western Europe: EG1" in page


def test_an_earlier_period_can_be_chosen(client, snapshot, bench_population) -> None:
    compile_published("2026-Q3")
    latest = _get(client).content.decode()
    assert "Benchmark for 2026-Q3" in latest
    assert '<option value="2026-Q2">' in latest
    earlier = _get(client, period="2026-Q2")
    assert "Benchmark for 2026-Q2" in earlier.content.decode()
    trend = page_tables(earlier.content)["trend-caption"]
    assert [row[0] for row in trend[1:]] == ["2026-Q2"]  # nothing after the chosen period


def test_the_trend_covers_every_period_up_to_the_one_shown(client, bench_population) -> None:
    compile_published("2026-Q1")  # before any progress: 0%
    compile_published("2026-Q2")
    response = _get(client)
    trend = page_tables(response.content)["trend-caption"]
    assert trend[0] == ["Period", "EG1 End goal 1", "EG2 End goal 2"]
    assert trend[1:] == [["2026-Q1", "0%", "0%"], ["2026-Q2", "83.3%", "33.3%"]]
    assert "From 2026-Q1 to 2026-Q2, the share adopting went: EG1 from 0% to 83.3%" in (
        response.content.decode()
    )


@pytest.mark.parametrize("period", ["2026-Q1", "2026-Q9", "nonsense"])
def test_an_unknown_period_is_404(client, snapshot, period) -> None:
    assert client.get(URL, {"period": period}).status_code == 404


def test_before_any_snapshot_the_page_says_so(client, db) -> None:
    response = _get(client)
    assert "No benchmark has been compiled yet." in response.content.decode()


def test_the_method_note_gives_k_the_rules_and_the_citation(client, snapshot) -> None:
    page = _get(client).content.decode()
    assert "Organisations verified by the portal" in page
    assert "fewer than 5 organisations" in page
    assert "Figures that could be worked out (complementary)" in page
    assert "as they stood at the end of the period" in page
    assert snapshot.edition.citation in page


def test_it_is_public_and_read_only(client, snapshot) -> None:
    assert client.post(URL).status_code == 405
    page = _get(client).content.decode()
    assert f'href="{URL}"' in page  # the "Benchmarks" item of the main navigation


def _count_queries(client: Client, url: str) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries


def _assert_same(first: CaptureQueriesContext, second: CaptureQueriesContext) -> None:
    sql = "\n".join(q["sql"] for q in second.captured_queries)
    assert len(second) == len(first), sql


def test_queries_do_not_grow_with_organisations(client, small_roadmap) -> None:
    period = period_get_or_create("2026-Q2")
    build_population(small_roadmap, standard_layout(12))
    compile_published(period.label)
    few = _count_queries(client, URL)
    BenchmarkSnapshot.objects.all().delete()
    build_population(small_roadmap, standard_layout(12))
    compile_published(period.label)
    many = _count_queries(client, URL)
    assert "24 verified organisations" in client.get(URL).content.decode()
    _assert_same(few, many)


def test_queries_do_not_grow_with_periods(client, snapshot) -> None:
    one = _count_queries(client, URL)
    for label in ("2026-Q3", "2026-Q4"):
        compile_published(label)
    three = _count_queries(client, URL)
    assert len(page_tables(client.get(URL).content)["trend-caption"]) == 4
    _assert_same(one, three)
