"""Shared benchmark fixtures: a compiled population big enough to publish figures.

``bench_population`` holds twelve verified organisations, six in each of two stakeholder
groups and six in each of two regions (Belgium for Western Europe, Poland for CEE), with
adoptions, progress, maturity, metric values and barriers dated in 2026-Q2. The first of
them, "Patients Together", is ``org``; ``personas`` are its members plus an outsider.
``snapshot`` is the compiled and published 2026-Q2 snapshot (``compile_published``). Keep
these names stable: other test modules use them.

Known figures of the 2026-Q2 snapshot (index ``i`` = position in ``orgs``; even ``i`` are
patient organisations, odd ``i`` HTA bodies; ``i`` < 6 in Belgium, the rest in Poland):

- A1.1.1 adopted by ``i`` < 9; A1.1.2 by even ``i``; A2.1.1 by ``i`` % 3 == 0.
- EG1 share adopting: everyone 83.3 (10 of 12), patient organisations 100.0, HTA bodies
  66.7, Western Europe 100.0, CEE 66.7.
- EG2 share adopting: everyone 33.3 (4 of 12), 33.3 in every group and region.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest

from apps.adoption.models import (
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
)
from apps.benchmarking.anonymisation import SMALL_GROUP, Cell
from apps.benchmarking.models import BenchmarkSnapshot, ReportingPeriod, Subject
from apps.benchmarking.periods import period_get_or_create
from apps.benchmarking.services import snapshot_compile_and_publish
from apps.organisations.models import Organisation
from apps.roadmap.models import BarrierCategory, Edition
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import BarrierCategoryFactory, StakeholderGroupFactory

IN_Q2 = dt.date(2026, 5, 10)
IN_Q1 = dt.date(2026, 2, 10)
GROUPS = ("patient-organisations", "hta-bodies")
WESTERN, CEE = "BE", "PL"


def adopts(i: int) -> list[str]:
    """The actions organisation ``i`` of the standard population adopts."""
    codes = []
    if i < 9:
        codes.append("A1.1.1")
    if i % 2 == 0:
        codes.append("A1.1.2")
    if i % 3 == 0:
        codes.append("A2.1.1")
    return codes


def build_population(
    edition: Edition,
    layout: Iterable[tuple[str, str]],
    *,
    names: dict[int, tuple[str, str]] | None = None,
    entry_date: dt.date = IN_Q2,
) -> list[Organisation]:
    """Verified organisations, one per ``(group slug, country)`` in ``layout``, each
    adopting the actions :func:`adopts` gives for its index, with progress, a maturity
    rating of EG1, a metric value and a barrier report dated ``entry_date``.
    ``names`` maps an index to ``(name, slug)``."""
    names = names or {}
    actions = {a.code: a for a in edition.actions.all()}
    eg1 = edition.end_goals.get(code="EG1")
    metric = Metric.objects.get(slug="patients-involved")
    barrier = BarrierCategory.objects.filter(slug="lack-of-resources").first()
    barrier = barrier or BarrierCategoryFactory(slug="lack-of-resources", name="Lack of resources")
    orgs = []
    for i, (group_slug, country) in enumerate(layout):
        extra = dict(zip(("name", "slug"), names[i], strict=True)) if i in names else {}
        org = OrganisationFactory(
            verified=True,
            country=country,
            stakeholder_group=StakeholderGroupFactory(slug=group_slug),
            **extra,
        )
        orgs.append(org)
        entry = None
        for n, code in enumerate(adopts(i)):
            adoption = AdoptionFactory(organisation=org, action=actions[code])
            entry = ProgressEntryFactory(
                adoption=adoption,
                entry_date=entry_date,
                status_to="in_progress",
                percent_complete=10 * (n + 1) + i,
            )
        assessment = MaturityAssessment.objects.create(organisation=org, assessed_on=entry_date)
        MaturityRating.objects.create(assessment=assessment, end_goal=eg1, level=1 + i % 4)
        if entry is not None:
            MetricValue.objects.create(entry=entry, metric=metric, value=10 + i)
            if i % 2 == 0:
                BarrierReport.objects.create(entry=entry, category=barrier)
    return orgs


def standard_layout(size: int = 12) -> list[tuple[str, str]]:
    """``size`` organisations alternating between the two groups; the first half in
    Belgium (Western Europe), the second in Poland (CEE)."""
    return [(GROUPS[i % 2], WESTERN if i < size / 2 else CEE) for i in range(size)]


def clean_audit(snapshot: BenchmarkSnapshot) -> list[Any]:
    """A test double of ``protection.audit_snapshot`` that finds nothing."""
    return []


def small_groups_only(cells: list[Cell], *, k: int, **_rules: Any) -> list[Cell]:
    """A double of ``anonymisation.anonymise`` for the tests of the outputs: only the small
    groups are withheld (every figure of a bundle of fewer than k organisations, and every
    figure from fewer than k), so the figures the pages, the API and the reports show are
    the known ones of the module docstring. The rules themselves are tested in
    test_anonymisation, test_protection and test_attacker, and the outputs on the real
    rules in test_withheld_n and test_publication."""
    small = {c.bundle for c in cells if c.subject_type == Subject.POPULATION and c.n < k}
    for cell in cells:
        if cell.bundle in small or cell.n < k:
            cell.suppress(SMALL_GROUP)
    return cells


def compile_protected(label: str) -> BenchmarkSnapshot:
    """Compile the period on the real rules and publish it through the real audit."""
    snapshot = snapshot_compile_and_publish(period=period_get_or_create(label))
    assert snapshot.is_published, snapshot.audit_findings
    return snapshot


def compile_published(label: str) -> BenchmarkSnapshot:
    """Compile the period with :func:`small_groups_only` for rules and publish it through
    the gate with :func:`clean_audit`: known figures for the tests of what pages, the API
    and exports show."""
    with mock.patch("apps.benchmarking.compile.anonymise", small_groups_only):
        snapshot = snapshot_compile_and_publish(
            period=period_get_or_create(label), audit=clean_audit
        )
    assert snapshot.is_published, snapshot.audit_findings
    return snapshot


@pytest.fixture
def clean_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The publication gate with :func:`clean_audit` as its audit, for tests of the compile
    that go through the services or commands."""
    monkeypatch.setattr("apps.benchmarking.services.audit_snapshot", clean_audit)


@pytest.fixture
def bench_period(db) -> ReportingPeriod:
    return period_get_or_create("2026-Q2")


@pytest.fixture
def bench_population(small_roadmap: Edition, bench_period: ReportingPeriod) -> dict[str, Any]:
    """Twelve verified organisations (see the module docstring for the known figures)."""
    orgs = build_population(
        small_roadmap,
        standard_layout(12),
        names={0: ("Patients Together", "patients-together"), 1: ("Rival HTA", "rival-hta")},
    )
    return {
        "orgs": orgs,
        "org": orgs[0],
        "other": orgs[1],
        "edition": small_roadmap,
        "period": bench_period,
    }


@pytest.fixture
def snapshot(bench_population: dict[str, Any]) -> BenchmarkSnapshot:
    """The compiled and published 2026-Q2 snapshot of ``bench_population`` (k = 5)."""
    return compile_published(bench_population["period"].label)


@pytest.fixture
def org(bench_population: dict[str, Any]) -> Organisation:
    """Patients Together: a verified patient organisation in Belgium, in the population
    (the personas of ``tests/conftest.py`` are its members)."""
    return bench_population["org"]


# --- Reading pages ---------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table of a page by its caption's id: rows of cell texts (hidden text included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption" and self._rows is not None:
            self._caption = dict(attrs).get("id") or ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("th", "td") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None and self._rows:
            self._rows[-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: bytes | str) -> dict[str, list[list[str]]]:
    """``{caption id: [[cell text, …], …]}`` for every table of the page, header row first."""
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables
