"""Exporting adoptions and progress: the rows, each format, formula escaping, queries."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.adoption.models import Evidence, Metric, MetricValue, Partnership, ProgressEntry
from apps.adoption.transfer.exporters import (
    ADOPTION_HEADER,
    BARRIER_HEADER,
    ENTRY_BASE_HEADER,
    AdoptionExporter,
)
from apps.core.exporters import cell_text, escape_cell, unescape_cell
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import ActionFactory, BarrierCategoryFactory, IntermediateGoalFactory

pytestmark = pytest.mark.django_db


def _sheets(org) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each sheet's header and rows, numbers, dates and yes/no as the CSV writes them."""
    exporter = AdoptionExporter(organisation=org)
    return {
        sheet.name: (sheet.header, [[cell_text(value) for value in row] for row in sheet.rows])
        for sheet in exporter.sheets()
    }


def _metric_columns() -> list[str]:
    return [f"metric:{m.slug}" for m in Metric.objects.order_by("order", "name", "slug")]


def test_it_exports_one_row_per_adoption(history, personas) -> None:
    header, rows = _sheets(history["first"].organisation)["adoptions"]
    first = history["first"]

    assert header == ADOPTION_HEADER
    assert [(row[0], row[1]) for row in rows] == [
        ("A1.1.1", "2019"),
        ("A1.1.1", "2021"),
        ("A1.2.1", "2021"),
        ("A2.1.2", "2021"),
    ]
    assert rows[1] == [
        "A1.1.1",
        "2021",
        "in_progress",
        "yes",
        "yes",
        "lead@example.org",
        first.start_date.isoformat(),
        first.target_date.isoformat(),
        first.notes,
        "hospital-partner\nindustry-partner",
        "35",
        "no",
    ]
    assert rows[0] == ["A1.1.1", "2019", "planned", "no", "yes", "", "", "", "", "", "0", "yes"]
    assert rows[2][3:6] == ["no", "no", ""]  # not urgent, not important, no owner


def test_it_exports_every_version_of_every_entry(history) -> None:
    header, rows = _sheets(history["first"].organisation)["entries"]
    original, correction = history["first"].entries.order_by("pk")[1:3]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    assert header == [*ENTRY_BASE_HEADER, *_metric_columns()]
    assert len(rows) == ProgressEntry.objects.count() == 8
    assert by_ref[str(correction.pk)]["supersedes_ref"] == str(original.pk)
    assert by_ref[str(original.pk)] | {"entry_ref": ""} == {
        **dict.fromkeys(header, ""),
        "action_code": "A1.1.1",
        "edition": "2021",
        "entry_date": original.entry_date.isoformat(),
        "narrative": "Held a workshop with the patient advisory board.",
        "status_from": "planned",
        "status_to": "in_progress",
        "percent_complete": "30",
        "author_email": "contributor@example.org",
        "evidence_links": "https://example.org/minutes\nhttps://example.org/photos?id=1,2",
        "metric:pe-activities": "2.00",
        "metric:pe-budget": "1500.50",
    }


def test_entries_are_in_recording_order_per_adoption(history) -> None:
    _header, rows = _sheets(history["first"].organisation)["entries"]
    refs = [int(row[0]) for row in rows if row[2:4] == ["A1.1.1", "2021"]]
    assert refs == sorted(refs)
    assert len(refs) == 3


def test_it_exports_barriers_with_multiline_notes(history) -> None:
    header, rows = _sheets(history["first"].organisation)["barriers"]
    original, correction = history["first"].entries.order_by("pk")[1:3]

    assert header == BARRIER_HEADER
    assert rows == [
        [str(original.pk), "lack-of-resources", "Budget cut.\nNo staff in summer."],
        [str(correction.pk), "lack-of-trust", ""],
    ]


def test_uploaded_files_are_not_exported_but_links_are(history) -> None:
    entry = history["second"].entries.order_by("pk").last()
    Evidence.objects.create(entry=entry, file="evidence/2024/01/1.pdf", original_name="a.pdf")
    Evidence.objects.create(entry=entry, url="https://example.org/report")

    header, rows = _sheets(entry.adoption.organisation)["entries"]
    row = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == str(entry.pk))

    assert row["evidence_links"] == "https://example.org/report"
    notes = " ".join(map(str, AdoptionExporter(organisation=entry.adoption.organisation).notes()))
    assert "evidence files are not exported" in notes


def test_the_csv_is_one_file_with_a_record_type_column(history) -> None:
    content = AdoptionExporter(organisation=history["first"].organisation).render_csv()

    assert content.startswith(b"\xef\xbb\xbf")  # spreadsheets recognise UTF-8 by it
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    header = lines[0]
    assert header[:3] == ["record_type", "action_code", "edition"]
    assert len(header) == len(set(header))
    assert {*ADOPTION_HEADER, *ENTRY_BASE_HEADER, *BARRIER_HEADER} <= set(header)
    kinds = [line[0] for line in lines[1:]]
    assert kinds == ["adoptions"] * 4 + ["entries"] * 8 + ["barriers"] * 2
    barrier = dict(zip(header, lines[-1], strict=True))
    assert barrier["category"] == "lack-of-trust"
    # Numbers, percentages and dates stay plain, locale-independent text.
    entry = next(
        dict(zip(header, line, strict=True))
        for line in lines
        if line[0] == "entries" and line[header.index("metric:pe-budget")]
    )
    assert entry["metric:pe-budget"] == "1500.50"
    assert entry["percent_complete"] == "30"
    assert entry["entry_ref"].isdigit()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["entry_date"])
    assert barrier["narrative"] == ""  # other record types' columns stay empty


def test_the_xlsx_has_a_readme_and_one_sheet_per_record_type(history) -> None:
    content = AdoptionExporter(organisation=history["first"].organisation).render_xlsx()

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["README", "adoptions", "entries", "barriers"]
    assert [c.value for c in workbook["adoptions"][1]] == ADOPTION_HEADER
    assert [c.value for c in workbook["entries"][1]] == [*ENTRY_BASE_HEADER, *_metric_columns()]
    assert [c.value for c in workbook["barriers"][1]] == BARRIER_HEADER
    assert workbook["adoptions"].max_row == 5
    assert workbook["entries"].max_row == 9
    readme = " ".join(str(cell.value) for row in workbook["README"].iter_rows() for cell in row)
    assert "Patients Together" in readme


def test_the_xlsx_holds_numbers_percentages_and_dates_as_such(history) -> None:
    first = history["first"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(AdoptionExporter(organisation=first.organisation).render_xlsx())
    )
    adoptions = workbook["adoptions"]
    header = [c.value for c in adoptions[1]]
    row = next(
        r for r in adoptions.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("A1.1.1", "2021")
    )
    cells = dict(zip(header, row, strict=True))

    assert cells["percent_complete"].value == 0.35  # 35 %, a number in a percent format
    assert cells["percent_complete"].number_format == "0%"
    assert cells["start_date"].is_date
    assert cells["start_date"].value.date() == first.start_date
    assert cells["urgent"].value == "yes"
    assert cells["edition"].value == "2021"  # a label, kept as text
    entries = workbook["entries"]
    header = [c.value for c in entries[1]]
    rows = [dict(zip(header, r, strict=True)) for r in entries.iter_rows(min_row=2)]
    budget = next(r["metric:pe-budget"] for r in rows if r["metric:pe-budget"].value is not None)
    assert budget.data_type == "n"
    assert budget.value == 1500.5
    assert all(isinstance(r["entry_ref"].value, int) for r in rows)
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title
    assert workbook["adoptions"].column_dimensions["A"].width >= len("action_code")
    readme = {row[0].value: row[1].value for row in workbook["README"].iter_rows(min_row=2)}
    assert readme["adoptions: percent_complete"] == "A whole number from 0 to 100."
    assert "entries: metric:<code>" in readme


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+31 20 123", "'+31 20 123"),
        ("-5 people", "'-5 people"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already quoted", "''=already quoted"),
        ("plain", "plain"),
        ("'quoted text", "'quoted text"),
        ("", ""),
    ],
)
def test_formula_like_cells_are_escaped_and_restored(value, escaped) -> None:
    assert escape_cell(value) == escaped
    assert unescape_cell(escaped) == value


def test_formulas_are_inert_in_both_formats(history) -> None:
    exporter = AdoptionExporter(organisation=history["first"].organisation)
    notes = history["first"].notes

    lines = list(csv.reader(io.StringIO(exporter.render_csv().decode("utf-8-sig"), newline="")))
    column = lines[0].index("notes")
    assert [line[column] for line in lines if line[:3] == ["adoptions", "A1.1.1", "2021"]] == [
        "'" + notes
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(exporter.render_xlsx()))
    cells = {row[0].value: row[8] for row in workbook["adoptions"].iter_rows(min_row=2)}
    assert cells["A1.1.1"].data_type == "s"
    assert cells["A1.1.1"].value == "'" + notes


def _populate(org, count: int) -> None:
    goal = IntermediateGoalFactory()
    barrier = BarrierCategoryFactory()
    metric = Metric.objects.get(slug="pe-activities")
    partner = OrganisationFactory(verified=True)
    for action in ActionFactory.create_batch(count, intermediate_goal=goal):
        adoption = AdoptionFactory(organisation=org, action=action)
        Partnership.objects.create(adoption=adoption, partner=partner, state="accepted")
        entry = ProgressEntryFactory(adoption=adoption)
        ProgressEntryFactory(adoption=adoption, supersedes=entry)
        Evidence.objects.create(entry=entry, url="https://example.org/x")
        MetricValue.objects.create(entry=entry, metric=metric, value=Decimal(3))
        entry.barriers.create(category=barrier)


def _queries_of_export(client, org, name: str) -> int:
    # Counted with the cache empty each time (the signed-in user is cached after a first
    # request; the session keeps a cache of its own and stays).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"adoption-transfer:{name}", args=[org.slug]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["export-csv", "export-xlsx"])
def test_export_queries_do_not_grow_with_adoptions(client_as, org, personas, name) -> None:
    client = client_as(personas["viewer"])
    _populate(org, 5)
    few = _queries_of_export(client, org, name)
    _populate(org, 45)
    many = _queries_of_export(client, org, name)
    assert few == many, f"{few} queries for 5 adoptions, {many} for 50"


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("export-csv", "text/csv; charset=utf-8", "csv"),
        (
            "export-xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    ],
)
def test_it_downloads_as_an_attachment(
    client_as, history, personas, name, content_type, extension
) -> None:
    org = history["first"].organisation
    response = client_as(personas["viewer"]).get(
        reverse(f"adoption-transfer:{name}", args=[org.slug])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="patients-together-')
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert "no-store" in response["Cache-Control"]
