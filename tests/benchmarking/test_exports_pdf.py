"""The benchmark report's PDF for a typical organisation on the real roadmap: tagged for
screen readers (PDF/UA-1), short enough for a board, the summary, citation and method
first, readable chart labels and compact tables.

The typical population: 48 verified organisations in the eight stakeholder groups and
six countries of the real roadmap, each adopting a handful of actions, reporting every
metric of the catalogue and meeting several barriers, with the benchmark compiled for two
periods.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from django.utils import translation

from apps.adoption.models import BarrierReport, Metric, MetricValue
from apps.benchmarking.exports.exporters import OrganisationReportExporter
from apps.benchmarking.exports.pdf import compact_table, pdf_context, render_pdf
from apps.benchmarking.models import BenchmarkSnapshot
from apps.organisations.models import Organisation
from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import BarrierCategory, Edition
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.benchmarking.conftest import IN_Q1, IN_Q2, build_population, compile_published

pytestmark = pytest.mark.django_db

GROUPS = (
    "patient-organisations",
    "medicines-developers",
    "academia",
    "regulators",
    "hta-bodies",
    "payers",
    "policy-makers",
    "research-funders",
)
COUNTRIES = ("BE", "PL", "FR", "DE", "ES", "CZ")
MAX_PAGES = 8


@pytest.fixture
def typical() -> tuple[Organisation, BenchmarkSnapshot]:
    load_roadmap()
    edition = Edition.objects.get(version_label="2021")
    layout = [(GROUPS[i % len(GROUPS)], COUNTRIES[i % len(COUNTRIES)]) for i in range(48)]
    orgs = build_population(
        edition,
        layout,
        names={0: ("Patients Together", "patients-together")},
        entry_date=IN_Q1,
    )
    actions = list(edition.actions.order_by("code"))
    metrics = list(Metric.objects.all())
    categories = list(BarrierCategory.objects.all())
    for i, org in enumerate(orgs):
        adopted = set(org.adoptions.values_list("action__code", flat=True))
        for j in range(6):
            action = actions[(i * 7 + j * 3) % len(actions)]
            if action.code in adopted:
                continue
            adopted.add(action.code)
            entry = ProgressEntryFactory(
                adoption=AdoptionFactory(organisation=org, action=action),
                entry_date=IN_Q2,
                status_to="in_progress",
                percent_complete=(i * 13 + j * 7) % 100,
            )
        for n, metric in enumerate(metrics):
            MetricValue.objects.get_or_create(
                entry=entry, metric=metric, defaults={"value": 5 + (i + n) % 17}
            )
        for category in categories[i % 3 :: 2]:
            BarrierReport.objects.get_or_create(entry=entry, category=category)
    compile_published("2026-Q1")
    return orgs[0], compile_published("2026-Q2")


@pytest.fixture
def typical_pdf(typical: tuple[Organisation, BenchmarkSnapshot]) -> pypdf.PdfReader:
    org, snapshot = typical
    return pypdf.PdfReader(
        io.BytesIO(render_pdf(OrganisationReportExporter(org, snapshot)).content)
    )


def _pages(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text(extraction_mode="layout") for page in reader.pages]


def _structure(node: Any) -> Iterator[str]:
    """The structure tree's element types, depth first."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            yield str(node["/S"])
        kids = node.get("/K")
        if kids is not None:
            yield from _structure(kids)
    elif isinstance(node, pypdf.generic.ArrayObject):
        for kid in node:
            yield from _structure(kid)


def _figures(node: Any) -> Iterator[str]:
    """The alternative text of every figure of the structure tree."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.DictionaryObject):
        if node.get("/S") == "/Figure":
            yield str(node.get("/Alt", ""))
        if "/K" in node:
            yield from _figures(node["/K"])
    elif isinstance(node, pypdf.generic.ArrayObject):
        for kid in node:
            yield from _figures(kid)


def test_the_pdf_of_a_typical_organisation_is_tagged_and_fits_a_board_pack(typical_pdf) -> None:
    catalog = typical_pdf.trailer["/Root"]

    # Tagged (PDF/UA-1), with its language and its title.
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert typical_pdf.metadata is not None
    assert typical_pdf.metadata.title == "Benchmark report: Patients Together, 2026-Q2"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    tags = set(_structure(catalog["/StructTreeRoot"]))
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/L"} <= tags
    # Each chart is a figure whose alternative text is its title.
    figures = list(_figures(catalog["/StructTreeRoot"]))
    assert "Share of each end goal's and dimension's actions adopted" in figures
    assert "Share of all organisations adopting each end goal (%)" in figures
    assert all(figures), figures  # PDF/UA: every figure has its alternative text
    # Short enough for a board, with the summary, the citation and the method first.
    pages = _pages(typical_pdf)
    assert 2 <= len(pages) <= MAX_PAGES
    first = pages[0]
    assert first.index("Summary") < first.index("How to cite") < first.index("Method")
    assert "At the end of 2026-Q2, Patients Together had adopted" in first
    assert "Cavaller-Bellaubi M" in first


def test_the_pdf_is_tagged_in_the_readers_language(snapshot, org) -> None:
    with translation.override("fr"):
        content = render_pdf(OrganisationReportExporter(org, snapshot)).content

    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata is not None
    assert "Patients Together" in str(reader.metadata.title)


def test_charts_and_tables_name_each_subject_once_and_briefly(typical) -> None:
    org, snapshot = typical
    exporter = OrganisationReportExporter(org, snapshot)
    chart = str(pdf_context(exporter)["position_chart"])

    # A dimension's code is a slug of its name: the label is the name alone.
    assert ">Culture<" in chart
    assert "culture Culture" not in chart
    assert ">EG1 Establish an ethical, trust-based…<" in chart

    section = next(s for s in exporter.sections if s.key == "goals-by-group")
    table = compact_table(section)

    title = snapshot.edition.end_goals.get(code="EG1").title
    eg1 = [row for row in table.rows if row.label.startswith("EG1")]
    assert len(eg1) == 9  # everyone and the eight groups, each row with its row header
    assert eg1[0].label.startswith("EG1 Establish")  # the code and a short title, once
    assert len(eg1[0].label) <= 44
    assert eg1[0].label != f"EG1 {title}"
    assert [row.label for row in eg1[1:]] == ["EG1"] * 8
    assert [row.continues for row in eg1] == [False] + [True] * 8
    assert "Suppressed because" not in table.header
    assert len(table.rows) == len(section.rows)
    # Each withheld figure's reason is a numbered note, listed once under the table.
    reasons = {row[-1] for row in section.rows if row[-1]}
    assert {reason for _n, reason in table.notes} == reasons
    assert all(row.note for row, line in zip(table.rows, section.rows, strict=True) if line[-1])
