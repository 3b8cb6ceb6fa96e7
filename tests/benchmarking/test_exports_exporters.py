"""The benchmark report exporters: their rows, and one smoke test per format.

Figures of the standard population are in ``tests/benchmarking/conftest.py``. The
``mixed`` population adds a stakeholder group of two organisations in Portugal, so
that some figures are suppressed (a small group, and its complementary sibling).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.benchmarking.anonymisation import COMPLEMENTARY, REASONS, SMALL_GROUP
from apps.benchmarking.exports.aggregate import AggregateExporter
from apps.benchmarking.exports.exporters import (
    OrganisationReportExporter,
    method_rows,
)
from apps.benchmarking.exports.pdf import pdf_context, render_pdf
from apps.benchmarking.figures import reason_text
from apps.benchmarking.models import BenchmarkSnapshot, Subject
from apps.benchmarking.selectors import CellTable
from apps.organisations.models import Organisation
from tests.benchmarking.conftest import (
    build_population,
    compile_protected,
    compile_published,
    standard_layout,
)
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Your position",
    "Peers' most adopted actions",
    "Where you trail",
    "End goals by stakeholder group",
    "End goals by region",
    "Maturity",
    "Metrics",
    "Barriers",
    "Method",
]
SMALL = REASONS[SMALL_GROUP].format(k=5)
# A figure withheld in a group that is not small: one reason, whichever rule withheld it.
PROTECTED = REASONS[COMPLEMENTARY]


@pytest.fixture
def mixed(small_roadmap: Any) -> tuple[Organisation, BenchmarkSnapshot]:
    """The standard twelve, plus two "Tiny industry" organisations in Portugal."""
    return _mixed(small_roadmap), compile_published("2026-Q2")


@pytest.fixture
def mixed_protected(small_roadmap: Any) -> tuple[Organisation, BenchmarkSnapshot]:
    """:func:`mixed` on the real rules."""
    return _mixed(small_roadmap), compile_protected("2026-Q2")


def _mixed(small_roadmap: Any) -> Organisation:
    StakeholderGroupFactory(slug="industry", name="Tiny industry")
    layout = [*standard_layout(12), ("industry", "PT"), ("industry", "PT")]
    orgs = build_population(
        small_roadmap,
        layout,
        names={
            0: ("Patients Together", "patients-together"),
            1: ("Rival HTA", "rival-hta"),
            12: ("Tiny Pharma", "tiny-pharma"),
        },
    )
    return orgs[0]


def _section(exporter: OrganisationReportExporter, key: str) -> Any:
    return next(s for s in exporter.sections if s.key == key)


def _row(rows: list[list[Any]], *start: str) -> list[Any]:
    return next(r for r in rows if tuple(r[: len(start)]) == start)


def test_it_has_one_section_per_breakdown(snapshot, org) -> None:
    exporter = OrganisationReportExporter(org, snapshot)

    assert [s.title for s in exporter.sections] == SECTIONS
    assert [s.name for s in exporter.sheets()] == SECTIONS


def test_your_position_compares_you_with_your_group_and_everyone(snapshot, org) -> None:
    section = _section(OrganisationReportExporter(org, snapshot), "position")

    assert section.header[:7] == [
        "Kind",
        "Code",
        "Title",
        "Your actions adopted",
        "Actions in the roadmap",
        "Your group's median",
        "Everyone's median",
    ]
    assert section.header[-1] == "Suppressed because"
    eg1 = _row(section.rows, "End goal", "EG1")
    # Patients Together adopts A1.1.1 and A1.1.2 of EG1's four actions.
    assert eg1[3:7] == [2, 4, 2, 1]
    assert eg1[7]  # a percentile band, never a rank
    assert eg1[-1] == ""
    assert [r[1] for r in section.rows] == ["EG1", "EG2", "culture", "processes"]


def test_goals_by_group_and_region_carry_the_published_shares(snapshot, org) -> None:
    exporter = OrganisationReportExporter(org, snapshot)
    groups = _section(exporter, "goals-by-group").rows
    regions = _section(exporter, "goals-by-region").rows

    assert _row(groups, "EG1", "End goal 1", "Everyone")[2:6] == [
        "Everyone",
        12,
        10,
        Decimal("83.3"),
    ]
    assert _row(groups, "EG1", "End goal 1", "Patients and POs")[5] == 100
    assert _row(groups, "EG1", "End goal 1", "HTA bodies")[5] == Decimal("66.7")
    assert _row(regions, "EG1", "End goal 1", "Western Europe")[5] == 100
    assert _row(regions, "EG1", "End goal 1", "Central and Eastern Europe")[5] == Decimal("66.7")


def test_a_figure_from_too_few_organisations_is_empty_with_its_reason(snapshot, org) -> None:
    groups = _section(OrganisationReportExporter(org, snapshot), "goals-by-group").rows

    # Four HTA bodies adopt EG1: too few for a median percent complete.
    row = _row(groups, "EG1", "End goal 1", "HTA bodies")
    assert row[6] is None
    assert row[-1] == f"Median percent complete: {PROTECTED}"


def test_a_small_group_and_its_complementary_sibling_are_suppressed(mixed_protected) -> None:
    """On the real rules: the tiny group is withheld, and so is a sibling (the groups add
    up to everyone)."""
    org, snapshot = mixed_protected
    rows = _section(OrganisationReportExporter(org, snapshot), "goals-by-group").rows

    tiny = _row(rows, "EG1", "End goal 1", "Tiny industry")
    assert tiny[3:7] == [None, None, None, None]
    assert tiny[-1] == SMALL  # the one reason of every figure in the row
    others = [_row(rows, "EG1", "End goal 1", name) for name in ("HTA bodies", "Patients and POs")]
    withheld = [r for r in [_row(rows, "EG1", "End goal 1", "Everyone"), *others] if r[4] is None]
    assert withheld, "one sibling must be withheld too, or the small group is exposed"
    assert all(r[-1] for r in withheld)


def test_the_method_sheet_states_the_rules_and_the_citation(snapshot, org) -> None:
    method = dict(_section(OrganisationReportExporter(org, snapshot), "method").rows)

    assert method["Smallest group published (k)"] == "5"
    assert "Figures that could be worked out (complementary)" in method
    assert "Cavaller-Bellaubi M" in method["Citation"]
    assert "https://doi.org/10.1007/s43441-021-00282-z" in method["Citation"]
    assert method["Licence"].startswith("CC BY 4.0")


def test_the_xlsx_has_a_sheet_per_section_and_empty_suppressed_cells(snapshot, org) -> None:
    rendered = OrganisationReportExporter(org, snapshot).render("xlsx")

    workbook = load_workbook(io.BytesIO(rendered.content), read_only=True)
    assert workbook.sheetnames == ["Method", *SECTIONS[:-1]]  # the method first
    rows = list(workbook["End goals by stakeholder group"].iter_rows(values_only=True))
    assert rows[0][0] == "Code"
    hta = next(r for r in rows if r[:3] == ("EG1", "End goal 1", "HTA bodies"))
    assert hta[5] == pytest.approx(0.667)  # 66.7 %
    assert hta[6] is None  # the suppressed median: an empty cell, not 0
    assert rendered.filename == "patients-together-benchmark-2026-Q2.xlsx"


def test_the_xlsx_figures_are_numbers_and_shares_are_percentages(snapshot, org) -> None:
    """A board sums and charts them: numbers are numeric cells, shares are fractions in a
    percent format, each header is frozen and the columns fit their content."""
    content = OrganisationReportExporter(org, snapshot).render("xlsx").content

    workbook = load_workbook(io.BytesIO(content))
    groups = workbook["End goals by stakeholder group"]
    header = [c.value for c in groups[1]]
    everyone = next(r for r in groups.iter_rows(min_row=2) if r[2].value == "Everyone")
    cells = dict(zip(header, everyone, strict=True))
    assert (cells["Organisations"].value, cells["Adopting"].value) == (12, 10)
    assert cells["Organisations"].data_type == "n"
    assert cells["Share adopting (%)"].value == pytest.approx(0.833)
    assert cells["Share adopting (%)"].number_format == "0.0%"
    assert cells["Median percent complete"].number_format == "0.0%"
    position = workbook["Your position"]
    eg1 = next(r for r in position.iter_rows(min_row=2) if r[1].value == "EG1")
    assert [c.value for c in eg1[3:7]] == [2, 4, 2, 1]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title
    assert groups.column_dimensions["B"].width >= len("End goal 1")
    assert groups.column_dimensions["F"].width >= len("Share adopting (%)")


def test_the_xlsx_opens_with_the_method_and_the_citation(snapshot, org) -> None:
    content = OrganisationReportExporter(org, snapshot).render("xlsx").content

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert workbook.sheetnames[0] == "Method"
    assert rows[0] == ("Topic", "Text")
    topics: dict[Any, Any] = {}
    for topic, text in rows[1:]:
        topics.setdefault(topic, text)  # the first line of each topic
    assert "Patients Together" in topics["About this file"]
    assert topics["Summary"].startswith("At the end of 2026-Q2, Patients Together had adopted")
    assert "Cavaller-Bellaubi M" in topics["Citation"]
    assert topics["Smallest group published (k)"] == "5"
    compiled = topics["Compiled"]
    assert compiled.date() == timezone.localtime(snapshot.compiled_at).date()  # a date cell


def test_the_csv_is_one_file_whose_first_column_names_the_section(snapshot, org) -> None:
    rendered = OrganisationReportExporter(org, snapshot).render("csv")

    lines = list(csv.DictReader(io.StringIO(rendered.content.decode("utf-8-sig"))))
    # Patients Together trails on no intermediate goal: that section has no rows.
    assert {line["record_type"] for line in lines} == set(SECTIONS) - {"Where you trail"}
    hta = next(
        line
        for line in lines
        if line["record_type"] == "End goals by stakeholder group"
        and (line["Code"], line["Group"]) == ("EG1", "HTA bodies")
    )
    assert hta["Share adopting (%)"] == "66.7"
    assert hta["Median percent complete"] == ""
    assert hta["Suppressed because"] == f"Median percent complete: {PROTECTED}"


def test_the_report_reads_a_bounded_number_of_queries(
    snapshot, org, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(25):
        exporter = OrganisationReportExporter(org, snapshot)
        list(exporter.sections)
        exporter.summary()


def test_the_aggregate_marks_every_suppressed_cell(mixed) -> None:
    _org, snapshot = mixed
    rendered = AggregateExporter(snapshot).render("xlsx")

    workbook = load_workbook(io.BytesIO(rendered.content), read_only=True)
    labels = [str(label) for _value, label in Subject.choices]
    assert workbook.sheetnames == ["Method", *labels]
    rows = list(workbook["End goal"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:7] == (
        "Code",
        "Title",
        "Breakdown",
        "Group",
        "Measure",
        "Value",
        "Organisations (n)",
    )
    tiny = [r for r in body if r[2:4] == ("stakeholder_group", "industry")]
    assert tiny
    for row in tiny:
        assert row[5] is None  # no value
        assert row[6] is None  # and no group size under k
        assert row[7] == "yes"
        assert row[8] == SMALL
    published = [r for r in body if r[7] == "no"]
    assert published
    assert all(isinstance(r[6], int) and r[6] >= 5 for r in published)
    shares = [r[5] for r in published if r[4] == "share_adopting"]
    assert shares
    assert all(0 <= share <= 1 for share in shares)  # percentages, as fractions
    assert snapshot.cells.filter(subject_type=Subject.END_GOAL).count() == len(body)


def test_the_aggregate_csv_parses(snapshot) -> None:
    rendered = AggregateExporter(snapshot).render("csv")

    lines = list(csv.DictReader(io.StringIO(rendered.content.decode("utf-8-sig"))))
    population = CellTable(snapshot, [Subject.POPULATION]).get(
        Subject.POPULATION, "", "organisations"
    )
    method = method_rows(snapshot, population)
    assert len(lines) == snapshot.cells.count() + len(method)  # every cell, and the method
    assert rendered.filename == "benchmark-aggregate-2026-Q2.csv"


# --- The PDF ------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> tuple[int, str]:
    """The page count, and the text laid out as on the page (a table row on one line)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    return len(reader.pages), text


@pytest.fixture
def mixed_pdf(mixed: tuple[Organisation, BenchmarkSnapshot]) -> tuple[bytes, int, str]:
    org, snapshot = mixed
    content = render_pdf(OrganisationReportExporter(org, snapshot)).content
    return (content, *_pdf_text(content))


def test_the_pdf_has_a_title_headings_citation_and_page_numbers(mixed_pdf) -> None:
    content, pages, text = mixed_pdf

    assert content.startswith(b"%PDF")
    assert pages >= 2
    first = text.split(f"1 / {pages}")[0]
    for text_on_first_page in ("Benchmark report", "Patients Together", "2026-Q2", "Summary"):
        assert text_on_first_page in first
    for heading in ["Summary", "How to cite", "Trend", *SECTIONS]:
        assert heading in text, heading
    assert "Cavaller-Bellaubi M" in text
    assert "CC BY 4.0" in text
    assert f"2 / {pages}" in text


def test_the_pdf_names_no_other_organisation(mixed_pdf, mixed) -> None:
    _content, _pages, text = mixed_pdf

    others = Organisation.objects.exclude(pk=mixed[0].pk).values_list("name", flat=True)
    assert len(others) == 13
    for name in others:
        assert name not in text, name


def test_the_pdf_shows_a_small_group_as_suppressed_never_as_a_figure(mixed, mixed_pdf) -> None:
    org, snapshot = mixed
    context = pdf_context(OrganisationReportExporter(org, snapshot))
    table = next(t for t in context["tables"] if t.key == "goals-by-group")
    tiny = [row for row in table.rows if row.cells[0] == "Tiny industry"]
    assert len(tiny) == 2  # EG1 and EG2
    notes = dict(table.notes)
    for row in tiny:
        assert row.cells[1:5] == ["suppressed"] * 4, row
        assert notes[int(row.note)] == SMALL
    # On the page: the group's name, four times "suppressed", then the number of the note
    # that gives the reason; no figure in between.
    _content, _pages, text = mixed_pdf
    lines = [line for line in text.splitlines() if re.search(r"\bTiny\b", line)]
    assert len(lines) == 2
    for line in lines:
        assert re.search(r"Tiny( industry)?\s+(suppressed\s+){4}\d+\s*$", line), line
    assert SMALL in text


@pytest.mark.parametrize("language", ["fr", "de", "es", "pl"])
def test_the_aggregate_gives_withheld_reasons_in_the_readers_language(mixed, language) -> None:
    """Every output reads a withheld figure's reason through ``figures.reason_text``: a
    Polish export never mixes Polish headings with English reasons."""
    _org, snapshot = mixed
    with translation.override(language):
        rendered = AggregateExporter(snapshot).render("xlsx")
        expected = {reason_text(r, snapshot.min_group_size) for r in (SMALL_GROUP, COMPLEMENTARY)}
    english = {REASONS[r].format(k=snapshot.min_group_size) for r in (SMALL_GROUP, COMPLEMENTARY)}
    assert not expected & english  # the reasons are translated at all
    workbook = load_workbook(io.BytesIO(rendered.content), read_only=True)
    sheet = workbook.worksheets[1 + list(Subject.values).index(Subject.END_GOAL)]
    reasons = {row[8] for row in sheet.iter_rows(min_row=2, values_only=True) if row[8]}
    assert reasons
    assert reasons <= expected
