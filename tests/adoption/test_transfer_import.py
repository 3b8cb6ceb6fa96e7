"""Importing adoptions and progress: the lossless round trip, and every kind of bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from apps.adoption.models import Adoption, BarrierReport, MetricValue, Partnership, ProgressEntry
from apps.adoption.transfer import importers
from apps.adoption.transfer.exporters import AdoptionExporter
from apps.adoption.transfer.importers import import_adoptions
from apps.audit.models import AuditEvent
from apps.core.exporters import escape_cell, read_tabular
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

REF_COLUMNS = {"entries": ("entry_ref", "supersedes_ref"), "barriers": ("entry_ref",)}


def _exported(org, file_format: str) -> bytes:
    return AdoptionExporter(organisation=org).render(file_format).content


def _comparable(content: bytes, file_format: str) -> dict[str, list[dict[str, str]]]:
    """The file's rows, with entry numbers (which differ between organisations) renumbered."""
    sheets = read_tabular(content, file_format, max_rows=1000, skip_sheets=["README"])
    numbers: dict[str, str] = {}
    result = {}
    for name, (_header, rows) in sorted(sheets.items()):
        result[name] = []
        for row in rows:
            values = dict(row.values)
            for column in REF_COLUMNS.get(name, ()):
                if values[column]:
                    values[column] = numbers.setdefault(values[column], f"#{len(numbers) + 1}")
            result[name].append(values)
    return result


def _import(org, user, content: bytes, file_format: str = "") -> importers.ImportResult:
    return import_adoptions(
        organisation=org, by=user, fileobj=io.BytesIO(content), format=file_format
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_round_trip_is_lossless(history, fresh_org, personas, file_format) -> None:
    org = history["first"].organisation
    exported = _exported(org, file_format)

    result = _import(fresh_org, personas["pe_lead"], exported, file_format)

    assert result.errors == []
    assert (result.adoptions, result.entries, result.barriers) == (4, 8, 2)
    # The partners are asked, and listed once they accept.
    Partnership.objects.filter(adoption__organisation=fresh_org).update(state="accepted")
    again = _exported(fresh_org, file_format)
    assert _comparable(again, file_format) == _comparable(exported, file_format)
    assert _comparable(again, file_format)["adoptions"]  # the comparison compared something


def test_an_import_is_audited_and_a_refused_one_is_not(history, fresh_org, personas) -> None:
    exported = _exported(history["first"].organisation, "csv")
    _import(fresh_org, personas["pe_lead"], exported, "csv")
    event = AuditEvent.objects.get(organisation=fresh_org, verb="adoptions.imported")
    assert event.actor == personas["pe_lead"]
    assert event.after["adoptions"] == 4

    refused = _import(fresh_org, personas["pe_lead"], exported, "csv")  # all already adopted
    assert refused.errors
    assert AuditEvent.objects.filter(verb="adoptions.imported").count() == 1


def test_the_round_trip_keeps_history_authors_and_corrections(history, fresh_org, personas):
    _import(fresh_org, personas["viewer"], _exported(history["first"].organisation, "csv"))

    copy = Adoption.objects.get(organisation=fresh_org, action=history["first"].action)
    original, correction = copy.entries.order_by("pk")[1:3]
    assert copy.entries.count() == 3  # no extra "Adopted the action." entry
    assert correction.supersedes == original
    assert (original.is_current, correction.is_current) == (False, True)
    assert original.author == personas["contributor"]
    assert correction.author == personas["pe_lead"]
    assert correction.entry_date == history["first"].entries.order_by("pk")[2].entry_date
    assert copy.created_by == personas["viewer"]
    latest = max(entry.entry_date for entry in copy.entries.all())
    assert timezone.localtime(copy.last_activity_at).date() == latest
    requests = copy.partnerships.order_by("partner__slug")
    assert [(p.partner.slug, p.state, p.requested_by) for p in requests] == [
        ("hospital-partner", "pending", personas["viewer"]),
        ("industry-partner", "pending", personas["viewer"]),
    ]
    removed = Adoption.objects.get(organisation=fresh_org, action=history["removed"].action)
    assert removed.action_removed
    assert removed.entries.get().author is None


def test_the_outsider_author_is_replaced(history, personas) -> None:
    stranger = OrganisationFactory(slug="stranger-org", verified=True)
    stranger.memberships.create(user=personas["outsider"], role="pe_lead")
    rows = _rows_of(history)
    for row in rows["adoptions"]:
        row["owner_email"] = ""

    result = _import(stranger, personas["outsider"], _csv(rows))

    assert result.errors == []
    emails = ProgressEntry.objects.filter(adoption__organisation=stranger).values_list(
        "author__email", flat=True
    )
    assert set(emails) == {"outsider@example.org", None}


# --- Building files -----------------------------------------------------------------------


def _rows_of(history) -> dict[str, list[dict[str, str]]]:
    content = _exported(history["first"].organisation, "csv")
    sheets = read_tabular(content, "csv", max_rows=1000)
    return {name: [dict(r.values) for r in rows] for name, (_h, rows) in sheets.items()}


def _csv(rows: dict[str, list[dict[str, str]]], extra_columns: tuple[str, ...] = ()) -> bytes:
    header = ["record_type"]
    for sheet in rows.values():
        for row in sheet:
            header += [name for name in row if name not in header]
    header += list(extra_columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, restval="")
    writer.writeheader()
    for name, sheet in rows.items():
        for row in sheet:
            writer.writerow({"record_type": name, **row})
    return buffer.getvalue().encode()


def _adoption(code: str = "A1.1.1", **values: str) -> dict[str, str]:
    return {"action_code": code, "edition": "", "status": "planned", **values}


def _entry(code: str = "A1.1.1", **values: str) -> dict[str, str]:
    return {"action_code": code, "entry_date": "2024-03-01", "narrative": "Done.", **values}


def _stored_nothing(org) -> bool:
    return not Adoption.objects.filter(organisation=org).exists()


# --- Bad input ----------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_stores_nothing_and_reports_every_error(
    history, fresh_org, personas
) -> None:
    rows = _rows_of(history)
    rows["adoptions"][2]["target_date"] = "2020-01-01"
    rows["adoptions"][2]["start_date"] = "2021-01-01"
    rows["entries"][4]["percent_complete"] = "150"
    rows["barriers"][1]["category"] = "no-such-barrier"

    result = _import(fresh_org, personas["pe_lead"], _csv(rows))

    assert result.errors == [
        "Row 4 (adoptions): target date is before start date",
        "Row 10 (entries): percent_complete must be from 0 to 100",
        "Row 15 (barriers): unknown barrier category “no-such-barrier”",
    ]
    assert _stored_nothing(fresh_org)
    assert not ProgressEntry.objects.filter(adoption__organisation=fresh_org).exists()


BAD_INPUT = [
    ("unknown action", {"adoptions": [_adoption("A9.9.9")]}, "A9.9.9 is not an action of edition"),
    (
        "duplicate action",
        {"adoptions": [_adoption(), _adoption()]},
        "Row 3 (adoptions): A1.1.1 appears more than once in the file",
    ),
    ("unknown status", {"adoptions": [_adoption(status="done")]}, "status “done” is not one of"),
    (
        "bad date",
        {"adoptions": [_adoption(start_date="2024-13-01")]},
        "start_date “2024-13-01” is not a date",
    ),
    (
        "target before start",
        {"adoptions": [_adoption(start_date="2024-05-01", target_date="2024-04-30")]},
        "Row 2 (adoptions): target date is before start date",
    ),
    (
        "percent above 100",
        {"adoptions": [_adoption(percent_complete="101")]},
        "percent_complete must be from 0 to 100",
    ),
    (
        "negative percent",
        {"adoptions": [_adoption()], "entries": [_entry(percent_complete="-1")]},
        "percent_complete must be from 0 to 100",
    ),
    (
        "percent not a number",
        {"adoptions": [_adoption(percent_complete="half")]},
        "percent_complete “half” is not a whole number",
    ),
    (
        "negative metric",
        {"adoptions": [_adoption()], "entries": [_entry(**{"metric:pe-budget": "-3"})]},
        "metric:pe-budget cannot be negative",
    ),
    (
        "metric not a number",
        {"adoptions": [_adoption()], "entries": [_entry(**{"metric:pe-budget": "lots"})]},
        "metric:pe-budget “lots” is not a number",
    ),
    (
        "too many decimals",
        {"adoptions": [_adoption()], "entries": [_entry(**{"metric:pe-budget": "1.234"})]},
        "value: Ensure that there are no more than 2 decimal places.",
    ),
    (
        "unknown metric",
        {"adoptions": [_adoption()], "entries": [_entry(**{"metric:nope": "1"})]},
        "Row 1 (entries): unknown metric “nope”",
    ),
    (
        "unknown barrier",
        {
            "adoptions": [_adoption()],
            "entries": [_entry(entry_ref="e1")],
            "barriers": [{"entry_ref": "e1", "category": "nope"}],
        },
        "Row 4 (barriers): unknown barrier category “nope”",
    ),
    (
        "barrier of an unknown entry",
        {
            "adoptions": [_adoption()],
            "barriers": [{"entry_ref": "e9", "category": "lack-of-trust"}],
        },
        "entry_ref “e9” does not match an entry in the file",
    ),
    (
        "owner not a member",
        {"adoptions": [_adoption(owner_email="someone@example.org")]},
        "owner_email someone@example.org is not a member of your organisation",
    ),
    (
        "partner not verified",
        {"adoptions": [_adoption(partners="pending-partner")]},
        "partner “pending-partner” is not a verified organisation on the portal",
    ),
    (
        "partner unknown",
        {"adoptions": [_adoption(partners="nobody")]},
        "partner “nobody” is not a verified organisation on the portal",
    ),
    (
        "partner is the importing organisation",
        {"adoptions": [_adoption(partners="fresh-start")]},
        "partner “fresh-start”: An organisation cannot be its own partner.",
    ),
    (
        "partners of a read-only adoption",
        {"adoptions": [_adoption(edition="2021", action_removed="yes", partners="other-co")]},
        "partner “other-co”: This action was removed from the roadmap",
    ),
    (
        "entry for an action not adopted",
        {"adoptions": [_adoption()], "entries": [_entry("A1.2.1")]},
        "Row 3 (entries): A1.2.1 is not adopted by your organisation and has no row in adoptions",
    ),
    (
        "bad link",
        {"adoptions": [_adoption()], "entries": [_entry(evidence_links="javascript:alert(1)")]},
        "evidence link “javascript:alert(1)” is not a web address",
    ),
    (
        "entry in the future",
        {"adoptions": [_adoption()], "entries": [_entry(entry_date="2999-01-01")]},
        "entry_date is in the future",
    ),
    (
        "empty narrative",
        {"adoptions": [_adoption()], "entries": [_entry(narrative="")]},
        "narrative: This field cannot be blank.",
    ),
    (
        "correction of an unknown entry",
        {"adoptions": [_adoption()], "entries": [_entry(supersedes_ref="e7")]},
        "supersedes_ref e7 does not match an entry_ref earlier in the file",
    ),
    (
        "two corrections of one entry",
        {
            "adoptions": [_adoption()],
            "entries": [
                _entry(entry_ref="e1"),
                _entry(entry_ref="e2", supersedes_ref="e1"),
                _entry(entry_ref="e3", supersedes_ref="e1"),
            ],
        },
        "Row 5 (entries): entry e1 is already corrected by an earlier row",
    ),
    (
        "duplicate entry reference",
        {"adoptions": [_adoption()], "entries": [_entry(entry_ref="e1"), _entry(entry_ref="e1")]},
        "entry_ref e1 appears more than once",
    ),
    (
        "removed action in the published edition",
        {"adoptions": [_adoption(action_removed="yes")]},
        "action_removed is yes but A1.1.1 is in the published edition",
    ),
    (
        "another edition",
        {"adoptions": [_adoption(edition="2019")]},
        "edition “2019” is not the published edition (2021)",
    ),
    ("bad flag", {"adoptions": [_adoption(urgent="maybe")]}, "urgent “maybe” is not yes or no"),
    (
        "unknown record type",
        {"adoptions": [_adoption()], "comments": [{"action_code": "A1.1.1"}]},
        "record type or sheet “comments” is not one of adoptions, entries, barriers",
    ),
    (
        "missing column",
        {"entries": [{"action_code": "A1.1.1", "narrative": "x"}]},
        "Row 1 (entries): the column entry_date is missing",
    ),
]


@pytest.mark.parametrize(
    ("rows", "message"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_refused_with_a_clear_error(
    fresh_org, personas, small_roadmap, barrier_categories, rows, message
) -> None:
    OrganisationFactory(slug="pending-partner")
    OrganisationFactory(slug="other-co", verified=True)
    result = _import(fresh_org, personas["pe_lead"], _csv(rows))

    assert any(message in error for error in result.errors), result.errors
    assert _stored_nothing(fresh_org)


def test_partners_named_are_asked_once_and_told_after_the_commit(
    fresh_org, personas, small_roadmap, partners, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    manager = MembershipFactory(organisation=partners[0], role="admin").user
    rows = {"adoptions": [_adoption(partners="hospital-partner\nhospital-partner")]}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = _import(fresh_org, personas["pe_lead"], _csv(rows))
        assert mailoutbox == []  # nothing is told before the commit

    assert result.errors == []
    assert callbacks
    [request] = Partnership.objects.filter(adoption__organisation=fresh_org)
    assert (request.partner, request.state) == (partners[0], "pending")
    assert [message.to for message in mailoutbox] == [[manager.email]]
    assert AuditEvent.objects.filter(verb="partnership.requested").count() == 2  # both sides


def test_a_refused_import_asks_no_one(
    fresh_org, personas, small_roadmap, partners, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    MembershipFactory(organisation=partners[0], role="admin")
    rows = {"adoptions": [_adoption(partners="hospital-partner"), _adoption("A9.9.9")]}

    with django_capture_on_commit_callbacks(execute=True):
        result = _import(fresh_org, personas["pe_lead"], _csv(rows))

    assert result.errors
    assert not Partnership.objects.exists()
    assert mailoutbox == []


def test_a_valid_hand_written_file_is_imported(
    fresh_org, personas, small_roadmap, partners, barrier_categories
) -> None:
    rows = {
        "adoptions": [
            _adoption(
                "A1.1.1",
                status="in_progress",
                owner_email="LEAD@example.org",
                partners="hospital-partner, industry-partner",
                urgent="Yes",
                start_date="2024-01-01",
                target_date="2024-12-31",
            )
        ],
        "entries": [
            _entry(entry_ref="e1", **{"metric:pe-budget": "12.5"}),
            _entry(entry_ref="e2", supersedes_ref="e1", author_email="viewer@example.org"),
        ],
        "barriers": [{"entry_ref": "e2", "category": "lack-of-trust", "note": "Little."}],
    }

    result = _import(fresh_org, personas["pe_lead"], _csv(rows))

    assert result.errors == []
    adoption = Adoption.objects.get(organisation=fresh_org)
    assert (adoption.owner, adoption.is_urgent, adoption.status) == (
        personas["pe_lead"],
        True,
        "in_progress",
    )
    first, second = adoption.entries.order_by("pk")
    assert str(MetricValue.objects.get(entry=first).value) == "12.50"
    assert second.supersedes == first
    assert not first.is_current
    assert second.author == personas["viewer"]
    assert BarrierReport.objects.get(entry=second).note == "Little."


def test_adoptions_already_there_are_refused_but_new_entries_are_appended(
    history, personas
) -> None:
    org = history["first"].organisation
    rows = _rows_of(history)
    before = ProgressEntry.objects.count()

    refused = _import(org, personas["pe_lead"], _csv(rows))
    assert "already adopted A1.1.1" in refused.errors[0]
    assert any("already recorded" in error for error in refused.errors)
    assert ProgressEntry.objects.count() == before

    new = _entry("A1.2.1", status_from="planned", status_to="implemented", percent_complete="100")
    result = _import(org, personas["pe_lead"], _csv({"entries": [new]}))

    assert result.errors == []
    second = Adoption.objects.get(pk=history["second"].pk)
    assert (second.status, second.percent_complete) == ("implemented", 100)
    assert ProgressEntry.objects.count() == before + 1


def test_entries_for_a_read_only_adoption_are_refused(history, personas) -> None:
    entry = _entry("A1.1.1", edition="2019")
    result = _import(history["first"].organisation, personas["pe_lead"], _csv({"entries": [entry]}))
    assert result.errors == [
        "Row 2 (entries): A1.1.1 was removed from the roadmap: its adoption is read-only"
    ]


def test_a_file_over_5_mb_is_refused(fresh_org, personas, small_roadmap) -> None:
    content = _csv({"adoptions": [_adoption(notes="x" * (5 * 1024 * 1024))]})
    result = _import(fresh_org, personas["pe_lead"], content)
    assert result.errors == ["The file is larger than 5 MB. Split it into smaller files."]
    assert _stored_nothing(fresh_org)


def test_a_file_with_too_many_rows_is_refused(
    fresh_org, personas, small_roadmap, monkeypatch
) -> None:
    monkeypatch.setattr(importers, "MAX_ROWS", 3)
    codes = ["A1.1.1", "A1.1.2", "A1.2.1", "A1.2.2"]
    for file_format in ("csv", "xlsx"):
        content = _xlsx_or_csv({"adoptions": [_adoption(c) for c in codes]}, file_format)
        result = _import(fresh_org, personas["pe_lead"], content)
        assert result.errors == ["The file has more than 3 rows. Split it into smaller files."]
    assert _stored_nothing(fresh_org)


def _xlsx_or_csv(rows: dict[str, list[dict[str, str]]], file_format: str) -> bytes:
    if file_format == "csv":
        return _csv(rows)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in rows.items():
        sheet = workbook.create_sheet(name)
        header = list(sheet_rows[0])
        sheet.append(header)
        for row in sheet_rows:
            sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_spreadsheet_edited_by_hand_is_read(fresh_org, personas, small_roadmap) -> None:
    """Spreadsheets store typed dates and numbers as such: they are read back as text."""
    rows = {
        "adoptions": [
            _adoption(start_date=dt.datetime(2024, 1, 1), percent_complete=40.0, urgent=True)
        ],
        "entries": [_entry(entry_date=dt.date(2024, 2, 1), percent_complete=45)],
    }
    result = _import(fresh_org, personas["pe_lead"], _xlsx_or_csv(rows, "xlsx"))

    assert result.errors == []
    adoption = Adoption.objects.get(organisation=fresh_org)
    assert (adoption.start_date, adoption.percent_complete, adoption.is_urgent) == (
        dt.date(2024, 1, 1),
        40,
        True,
    )
    assert adoption.entries.get().entry_date == dt.date(2024, 2, 1)


@pytest.mark.parametrize(
    ("content", "file_format", "message"),
    [
        (b"", "", "The file is empty."),
        (b"\xff\xfe\x00bad", "", "The file is not UTF-8 text."),
        (b"PK\x03\x04broken", "", "The file is not a readable XLSX workbook."),
        (b"action_code,status\r\nA1.1.1,planned\r\n", "", "The file has no record_type column."),
        (b"record_type,action_code\r\n", "", "The file holds no adoptions, entries or barriers."),
        (
            b"record_type\r\nadoptions\r\n",
            "xlsx",
            "The file is not in the XLSX format: its content is CSV.",
        ),
    ],
)
def test_unreadable_files_are_refused(
    fresh_org, personas, small_roadmap, content, file_format, message
) -> None:
    result = _import(fresh_org, personas["pe_lead"], content, file_format)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(message)


def test_formula_like_text_round_trips_through_a_hand_written_file(
    fresh_org, personas, small_roadmap
) -> None:
    notes = {"A1.1.1": "=1+1", "A1.1.2": "'=quoted", "A1.2.1": "'plain", "A1.2.2": "-minus"}
    rows = [_adoption(code, notes=escape_cell(text)) for code, text in notes.items()]

    assert _import(fresh_org, personas["pe_lead"], _csv({"adoptions": rows})).errors == []
    stored = Adoption.objects.filter(organisation=fresh_org)
    assert {a.action.code: a.notes for a in stored} == notes
