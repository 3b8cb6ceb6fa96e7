"""``/benchmarks/<period>/data/<chart>.csv``: the data of each chart of the public page."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.benchmarking.models import BenchmarkSnapshot
from apps.roadmap.models import Edition
from tests.benchmarking.conftest import (
    build_population,
    compile_protected,
    compile_published,
    page_tables,
    standard_layout,
)
from tests.roadmap.factories import BarrierCategoryFactory

pytestmark = pytest.mark.django_db


def csv_url(chart: str, period: str = "2026-Q2") -> str:
    return reverse("benchmarking:public-chart-csv", kwargs={"period": period, "chart": chart})


def read_csv(client: Client, chart: str, period: str = "2026-Q2") -> list[dict[str, str]]:
    response = client.get(csv_url(chart, period))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="benchmark-{period}-{chart}.csv"'
    )
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _as_number(text: str) -> Decimal:
    return Decimal(text.rstrip("%"))


def test_the_csv_matches_the_table(client, snapshot) -> None:
    page = client.get(reverse("benchmarking:public")).content
    header, *rows = page_tables(page)["end-goals-share-by-group-caption"]
    lines = read_csv(client, "end-goals-share-by-group")
    assert list(lines[0]) == [
        "period",
        "end_goal_code",
        "end_goal",
        "stakeholder_group_code",
        "stakeholder_group",
        "share_adopting_percent",
        "suppressed_reason",
    ]
    assert len(lines) == len(rows) * (len(header) - 1)
    by_cell = {(line["end_goal_code"], line["stakeholder_group"]): line for line in lines}
    for row in rows:
        code = row[0].split()[0]
        for column, shown in zip(header[1:], row[1:], strict=True):
            line = by_cell[(code, column)]
            assert Decimal(line["share_adopting_percent"]) == _as_number(shown)
            assert line["suppressed_reason"] == ""
            assert line["period"] == "2026-Q2"
    assert by_cell[("EG1", "HTA bodies")]["stakeholder_group_code"] == "hta-bodies"


def test_suppressed_figures_are_empty_with_their_reason(client, small_roadmap) -> None:
    """On the real rules: a withheld figure is an empty value with its reason."""
    layout = [(g, "BE") for g, _c in standard_layout(8)] + [("hta-bodies", "PL")] * 3
    build_population(small_roadmap, layout)
    compile_protected("2026-Q2")
    lines = read_csv(client, "end-goals-share-by-region")
    by_cell = {(line["end_goal_code"], line["region_code"]): line for line in lines}
    cee = by_cell[("EG1", "cee")]
    assert cee["share_adopting_percent"] == ""
    assert cee["suppressed_reason"] == "Fewer than 5 organisations: not published."
    for line in lines:
        assert (line["share_adopting_percent"] == "") == (line["suppressed_reason"] != "")
    # Everyone = Western Europe + CEE: one of them is withheld too.
    assert "" in (
        by_cell[("EG1", "all")]["share_adopting_percent"],
        by_cell[("EG1", "western")]["share_adopting_percent"],
    )


def test_the_trend_csv_has_a_line_per_period_and_end_goal(client, bench_population) -> None:
    for label in ("2026-Q1", "2026-Q2"):
        compile_published(label)
    lines = read_csv(client, "trend")
    assert list(lines[0])[:3] == ["period", "end_goal_code", "end_goal"]
    assert [
        (line["period"], line["end_goal_code"], line["share_adopting_percent"]) for line in lines
    ] == [
        ("2026-Q1", "EG1", "0.00"),
        ("2026-Q1", "EG2", "0.00"),
        ("2026-Q2", "EG1", "83.30"),
        ("2026-Q2", "EG2", "33.30"),
    ]


def test_every_chart_on_the_page_links_to_its_csv(client, snapshot) -> None:
    page = client.get(reverse("benchmarking:public")).content.decode()
    links = re.findall(r'href="(/benchmarks/2026-Q2/data/[a-z-]+\.csv)"', page)
    assert len(links) == 14
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.content.decode("utf-8-sig").splitlines()[0].endswith("suppressed_reason")


def test_formulas_in_names_are_made_inert(client, small_roadmap: Edition) -> None:
    BarrierCategoryFactory(slug="formula", name='=HYPERLINK("http://evil.example")')
    build_population(small_roadmap, standard_layout(12))
    compile_published("2026-Q2")
    lines = read_csv(client, "barriers")
    names = {line["barrier"] for line in lines}
    assert '\'=HYPERLINK("http://evil.example")' in names


@pytest.mark.parametrize(
    ("period", "chart"),
    [("2026-Q2", "no-such-chart"), ("2026-Q1", "trend"), ("2026-Q9", "trend")],
)
def test_an_unknown_chart_or_period_is_404(client, snapshot, period, chart) -> None:
    assert client.get(csv_url(chart, period)).status_code == 404


def test_it_is_read_only(client, snapshot: BenchmarkSnapshot) -> None:
    assert client.post(csv_url("trend")).status_code == 405
