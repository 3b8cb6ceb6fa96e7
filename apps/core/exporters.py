"""Exporters: one class per report; its rows are produced once and rendered as CSV or XLSX.

After pretix's ``BaseExporter``/``ListExporter``. A subclass says what it is
(``identifier``, ``verbose_name``), who may run it (``permission``, a code from
``apps.organisations.permissions.Perm``) and yields its sheets from
:meth:`TabularExporter.sheets`: a name, a header and an iterator of rows built
by generators over database iterators. Both renderers consume those iterators
once, so an export never holds a queryset in memory twice.

Rows hold typed values (:data:`Cell`): text, numbers (``int``, ``float``, ``Decimal``),
:class:`Percent` (a share on the 0-100 scale), dates, booleans and ``None`` (an empty
cell). Each renderer writes them its own way, so an exporter yields its rows once.

File layouts (what :func:`read_tabular` reads back, so imports accept exactly
what exports produce):

- XLSX: first a method sheet (named after the exporter's first sheet marked
  ``method``, else ``notes_sheet``) holding :meth:`TabularExporter.notes` and that
  sheet's topic/text rows, then one worksheet per other sheet. Every sheet has a
  bold header row, frozen, and columns as wide as their content. Numbers are
  numeric cells, a :class:`Percent` is the fraction in a percent format (83.3 is
  0.833 shown as 83.3%), dates are dates, booleans "yes"/"no".
- CSV: one UTF-8 file (with a byte-order mark so spreadsheets pick the
  encoding), every value plain text: numbers unquoted and locale-independent
  (``83.3``, a :class:`Percent` on its 0-100 scale), ISO dates, "yes"/"no".
  With several sheets its first column is ``record_type``, holding
  the sheet name; the other columns are the union of the sheets' headers in
  order of first appearance, and each row fills its own sheet's columns only.
  One file round-trips more safely than a ZIP of several. A method sheet is one
  more record type; the notes are not written.

Formula injection: a cell that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any
apostrophes) is written with one more leading apostrophe; reading removes
exactly that apostrophe, so the round trip is lossless.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
SHEET_NAME_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Percent:
    """A share on the 0-100 scale (83.3 for 83.3 %): CSV writes ``83.3``, XLSX the fraction
    0.833 in a percent format with ``places`` decimals."""

    value: Decimal | int | float
    places: int = 1

    @property
    def number_format(self) -> str:
        return "0." + "0" * self.places + "%" if self.places else "0%"


Cell = str | int | float | Decimal | dt.date | bool | Percent | None
Note = str | tuple[str, str]


class Sheet(NamedTuple):
    """A sheet's name, header and lazy rows. A ``method`` sheet (topic/text rows about how
    the figures were made) opens the XLSX, after the notes; in CSV it is one more sheet."""

    name: str
    header: list[str]
    rows: Iterable[Sequence[Cell]]
    method: bool = False


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


def csv_cell(value: Cell) -> str:
    """A value as CSV writes it: text made inert, anything else as :func:`cell_text`."""
    if isinstance(value, str):
        return escape_cell(value)
    return cell_text(value)


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell` exactly (and nothing else)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """The text of a value as exports write it: ISO dates, plain decimals, yes/no."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return cell_text(value.value)
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
    Rows hold typed values (:data:`Cell`); each renderer writes them its own way.
    """

    identifier: ClassVar[str]
    verbose_name: ClassVar[StrOrPromise]
    permission: ClassVar[str]
    notes_sheet: ClassVar[str] = "README"

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def notes(self) -> list[Note]:
        """What the XLSX's method sheet says about the file, before any method rows: a line
        of text, or a ``(topic, text)`` pair (such as a column and its meaning)."""
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
            writer.writerows([csv_cell(c) for c in row] for row in sheets[0].rows)
        else:
            _write_merged_csv(writer, sheets)
        return buffer.getvalue().encode("utf-8-sig")

    def render_xlsx(self) -> bytes:
        workbook = Workbook(write_only=True)
        sheets = list(self.sheets())  # rows stay lazy: only names and headers are read here
        methods = [sheet for sheet in sheets if sheet.method]
        notes = self.notes()
        if notes or methods:
            name = methods[0].name if methods else self.notes_sheet
            header = methods[0].header if methods else [_("Topic"), _("Text")]
            rows = itertools.chain(_note_rows(notes), *(sheet.rows for sheet in methods))
            _write_sheet(workbook, Sheet(name, header, rows, method=True))
        for sheet in sheets:
            if not sheet.method:
                _write_sheet(workbook, sheet)
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
                line[target] = csv_cell(cell)
            writer.writerow(line)


def _note_rows(notes: Sequence[Note]) -> Iterator[Sequence[Cell]]:
    about = _("About this file")
    for index, note in enumerate(notes):
        if isinstance(note, str):
            yield [about if index == 0 else "", note]
        else:
            yield list(note)


# --- XLSX ---------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE = 200  # rows read ahead to size the columns; the rest stream
MIN_WIDTH, MAX_WIDTH, METHOD_TEXT_WIDTH = 6, 60, 100


def _write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    """One worksheet: a bold header frozen in place, columns as wide as their content (read
    from the first rows), then every row with numbers, percentages and dates as such."""
    worksheet = workbook.create_sheet(_sheet_title(sheet.name))
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = _column_widths(sheet.header, sample)
    if sheet.method and widths:
        widths[-1] = METHOD_TEXT_WIDTH
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append(
        [_styled(worksheet, _xlsx_text(str(name)), font=HEADER_FONT) for name in sheet.header]
    )
    for row in itertools.chain(sample, rows):
        worksheet.append([_xlsx_cell(worksheet, value, widths, i) for i, value in enumerate(row)])


def _sheet_title(name: str) -> str:
    """Excel refuses some characters in a sheet's name and any name over 31 characters."""
    return re.sub(r"[\\/*?:\[\]]", "-", name)[:SHEET_NAME_MAX] or "-"


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[float]:
    widths = [float(_display_width(name)) for name in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _display_width(value: Cell) -> int:
    if isinstance(value, Percent):
        return len(cell_text(value.value)) + 1
    if isinstance(value, dt.datetime):
        return len(DATETIME_FORMAT)
    return max((len(line) for line in cell_text(value).splitlines()), default=0)


def _styled(
    worksheet: Any,
    value: Any,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> XlsxCell:
    cell = WriteOnlyCell(worksheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _xlsx_cell(worksheet: Any, value: Cell, widths: Sequence[float], index: int) -> Any:
    """A cell as the spreadsheet should hold it: a number, a fraction shown as a percentage,
    a date, or inert text (wrapped when it holds lines or is wider than its column)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, Percent):
        fraction = Decimal(str(value.value)) / 100
        return _styled(worksheet, fraction, number_format=value.number_format)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        if value.time() == dt.time.min:
            return _styled(worksheet, value.date(), number_format=DATE_FORMAT)
        return _styled(worksheet, value, number_format=DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return _styled(worksheet, value, number_format=DATE_FORMAT)
    text = _xlsx_text(str(value))
    width = widths[index] if index < len(widths) else MAX_WIDTH
    if "\n" in text or len(text) > width:
        return _styled(worksheet, text, alignment=WRAP)
    return text


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
            lines = ([_read_cell(cell) for cell in line] for line in worksheet.iter_rows())
            header, rows = _read_worksheet(lines, already=count, max_rows=max_rows)
            count += len(rows)
            sheets[worksheet.title] = (header, rows)
    finally:
        workbook.close()
    return sheets


def _read_cell(cell: Any) -> Any:
    """A cell's value; a number in a percent format back on the 0-100 scale (0.35 shown as
    35% reads 35), as :class:`Percent` wrote it."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (cell.number_format or "")
    ):
        return (Decimal(str(value)) * 100).normalize()
    return value


def _read_worksheet(
    lines: Iterator[list[Any]], *, already: int, max_rows: int
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
