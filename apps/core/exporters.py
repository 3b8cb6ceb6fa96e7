"""Exporters: one class per report; its rows are produced once and rendered as CSV or XLSX.

After pretix's ``BaseExporter``/``ListExporter``. A subclass says what it is
(``identifier``, ``verbose_name``), who may run it (``permission``, a code from
``apps.organisations.permissions.Perm``) and yields its sheets from
:meth:`TabularExporter.sheets`: a name, a header and an iterator of rows built
by generators over database iterators. Both renderers consume those iterators
once, so an export never holds a queryset in memory twice.

File layouts (what :func:`read_tabular` reads back, so imports accept exactly
what exports produce):

- XLSX: an optional notes sheet (``notes_sheet``, text from :meth:`notes`),
  then one worksheet per sheet. Every cell is text.
- CSV: one UTF-8 file (with a byte-order mark so spreadsheets pick the
  encoding). With several sheets its first column is ``record_type``, holding
  the sheet name; the other columns are the union of the sheets' headers in
  order of first appearance, and each row fills its own sheet's columns only.
  One file round-trips more safely than a ZIP of several.

Formula injection: a cell that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any
apostrophes) is written with one more leading apostrophe; reading removes
exactly that apostrophe, so the round trip is lossless.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RECORD_TYPE = "record_type"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ZIP_MAGIC = b"PK\x03\x04"


class Sheet(NamedTuple):
    name: str
    header: list[str]
    rows: Iterable[Sequence[str]]


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class TabularRow:
    """One data row read back: its row number as a spreadsheet shows it, and its cells."""

    number: int
    values: dict[str, str]


class TabularFileError(Exception):
    """The file as a whole cannot be read (wrong type, encoding, too large, no header)."""


# --- Cells --------------------------------------------------------------------------------


def escape_cell(value: str) -> str:
    """Make a text cell inert in spreadsheets: a formula-like value gets one leading ``'``."""
    if value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell` exactly (and nothing else)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """The text of a value as exports write it: ISO dates, plain decimals, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time.min and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Exporters ----------------------------------------------------------------------------


class TabularExporter:
    """Base of every exporter. Subclasses set the class attributes and yield :meth:`sheets`.

    ``sheets()`` is called once per render; each sheet's ``rows`` must be a
    lazy iterator (a generator over ``.iterator(chunk_size=…)``) so that
    the query count does not grow with the data beyond one query per chunk.
    """

    identifier: ClassVar[str]
    verbose_name: ClassVar[StrOrPromise]
    permission: ClassVar[str]
    notes_sheet: ClassVar[str] = "README"

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def notes(self) -> list[str]:
        """Lines for the XLSX notes sheet; none by default."""
        return []

    def filename_stem(self) -> str:
        return self.identifier

    def render(self, file_format: str) -> Rendered:
        if file_format not in FORMATS:
            raise ValueError(f"Unknown export format: {file_format}")
        content = self.render_csv() if file_format == CSV else self.render_xlsx()
        return Rendered(
            filename=f"{self.filename_stem()}.{file_format}",
            content_type=CONTENT_TYPES[file_format],
            content=content,
        )

    def render_csv(self) -> bytes:
        sheets = list(self.sheets())  # rows stay lazy: only names and headers are read here
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if len(sheets) == 1:
            writer.writerow(sheets[0].header)
            writer.writerows([escape_cell(c) for c in row] for row in sheets[0].rows)
        else:
            _write_merged_csv(writer, sheets)
        return buffer.getvalue().encode("utf-8-sig")

    def render_xlsx(self) -> bytes:
        workbook = Workbook(write_only=True)
        notes = self.notes()
        if notes:
            sheet = workbook.create_sheet(self.notes_sheet)
            for line in notes:
                sheet.append([_xlsx_text(line)])
        for name, header, rows in self.sheets():
            sheet = workbook.create_sheet(name)
            sheet.append(header)
            for row in rows:
                sheet.append([_xlsx_text(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _write_merged_csv(writer: Any, sheets: list[Sheet]) -> None:
    columns = [RECORD_TYPE]
    for sheet in sheets:
        columns += [name for name in sheet.header if name not in columns]
    position = {name: index for index, name in enumerate(columns)}
    writer.writerow(columns)
    for sheet in sheets:
        targets = [position[name] for name in sheet.header]
        for row in sheet.rows:
            line = [""] * len(columns)
            line[0] = sheet.name
            for target, cell in zip(targets, row, strict=True):
                line[target] = escape_cell(cell)
            writer.writerow(line)


def _xlsx_text(value: str) -> str:
    # XML cannot hold most control characters: openpyxl refuses them, so they are dropped.
    return ILLEGAL_CHARACTERS_RE.sub("", escape_cell(value))


# --- Reading back -------------------------------------------------------------------------


def detect_format(head: bytes) -> str:
    """XLSX files are ZIP archives; anything else is taken to be CSV text."""
    return XLSX if head.startswith(ZIP_MAGIC) else CSV


def read_tabular(
    data: bytes, file_format: str, *, max_rows: int, skip_sheets: Sequence[str] = ()
) -> dict[str, tuple[list[str], list[TabularRow]]]:
    """Read a file that a :class:`TabularExporter` wrote: ``{sheet: (header, rows)}``.

    Raises :class:`TabularFileError` when the file cannot be read or holds more
    than ``max_rows`` data rows in all. Empty rows are skipped; cells are
    unescaped. A CSV without a ``record_type`` column is one sheet named ``""``.
    """
    if file_format == XLSX:
        return _read_xlsx(data, max_rows=max_rows, skip_sheets=skip_sheets)
    return _read_csv(data, max_rows=max_rows)


def _too_many_rows(max_rows: int) -> TabularFileError:
    return TabularFileError(
        _("The file has more than %(max)s rows. Split it into smaller files.")
        % {"max": f"{max_rows:,}"}
    )


def _read_csv(data: bytes, *, max_rows: int) -> dict[str, tuple[list[str], list[TabularRow]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TabularFileError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
        sheets = _group_csv_rows(reader, header, max_rows)
    except StopIteration as exc:
        raise TabularFileError(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise TabularFileError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    return sheets


def _group_csv_rows(
    reader: Iterator[list[str]], header: list[str], max_rows: int
) -> dict[str, tuple[list[str], list[TabularRow]]]:
    merged = bool(header) and header[0] == RECORD_TYPE
    sheets: dict[str, tuple[list[str], list[TabularRow]]] = {}
    count = 0
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > max_rows:
            raise _too_many_rows(max_rows)
        values = {
            name: unescape_cell(cell) for name, cell in zip(header, cells, strict=False) if name
        }
        name = values.pop(RECORD_TYPE, "").strip() if merged else ""
        sheets.setdefault(name, (header, []))[1].append(TabularRow(number, values))
    return sheets


def _read_xlsx(
    data: bytes, *, max_rows: int, skip_sheets: Sequence[str]
) -> dict[str, tuple[list[str], list[TabularRow]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TabularFileError(_("The file is not a readable XLSX workbook.")) from exc
    sheets: dict[str, tuple[list[str], list[TabularRow]]] = {}
    count = 0
    try:
        for worksheet in workbook.worksheets:
            if worksheet.title in skip_sheets:
                continue
            lines = worksheet.iter_rows(values_only=True)
            header, rows = _read_worksheet(lines, already=count, max_rows=max_rows)
            count += len(rows)
            sheets[worksheet.title] = (header, rows)
    finally:
        workbook.close()
    return sheets


def _read_worksheet(
    lines: Iterator[tuple[Any, ...]], *, already: int, max_rows: int
) -> tuple[list[str], list[TabularRow]]:
    header = [cell_text(cell).strip() for cell in next(lines, ())]
    rows: list[TabularRow] = []
    for number, cells in enumerate(lines, start=2):
        texts = [cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        if already + len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        values = {
            name: unescape_cell(text) for name, text in zip(header, texts, strict=False) if name
        }
        rows.append(TabularRow(number, values))
    return header, rows
