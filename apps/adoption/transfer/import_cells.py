"""An imported file's sheets, rows and cells, read for the checks in ``import_checks``.

Each ``as_…`` parser reads one cell or raises :class:`CellError` saying why it cannot;
:class:`ImportRow` reads a row's cells through them and records every error with the row's
number, so the import can report all problems at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from apps.core.exporters import TabularRow

from .. import rules
from ..models import AdoptionStatus

MAX_ID = 2**63 - 1  # the largest value of an id column
# Model fields named differently from the file's columns, for error messages.
COLUMN_OF_FIELD = {"url": "evidence_links", "is_urgent": "urgent", "is_important": "important"}
TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}

Sheets = dict[str, tuple[list[str], list[TabularRow]]]


def rows_of(sheets: Sheets, name: str) -> list[TabularRow]:
    return sheets.get(name, ([], []))[1]


def split_list(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value) if part]


def is_id(ref: str) -> bool:
    """Digits that int() reads (isdigit() alone also accepts "²"), and no larger than an id
    can be (SQLite cannot even compare a larger number)."""
    return ref.isascii() and ref.isdigit() and int(ref) <= MAX_ID


class CellError(Exception):
    """A cell that cannot be read; the message says why."""


def as_date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CellError(
            _("%(column)s “%(value)s” is not a date (use YYYY-MM-DD)")
            % {"column": column, "value": value}
        ) from exc


def as_flag(value: str, column: str) -> bool | None:
    if not value:
        return None
    if value.lower() in TRUE | FALSE:
        return value.lower() in TRUE
    raise CellError(
        _("%(column)s “%(value)s” is not yes or no") % {"column": column, "value": value}
    )


def as_percent(value: str, column: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise CellError(
            _("%(column)s “%(value)s” is not a whole number") % {"column": column, "value": value}
        ) from exc
    if not rules.is_percentage(number):
        raise CellError(_("%(column)s must be from 0 to 100") % {"column": column})
    return number


def as_status(value: str, column: str) -> str:
    if value and not rules.is_status(value.lower()):
        raise CellError(
            _("%(column)s “%(value)s” is not one of %(codes)s")
            % {"column": column, "value": value, "codes": ", ".join(AdoptionStatus.values)}
        )
    return value.lower()


def as_number(value: str, column: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellError(
            _("%(column)s “%(value)s” is not a number") % {"column": column, "value": value}
        )
    if not rules.is_metric_value(number):
        raise CellError(_("%(column)s cannot be negative") % {"column": column})
    return number


# --- Checking rows ------------------------------------------------------------------------


class ImportRow:
    """One row being checked: reads cells and records its errors with its row number."""

    def __init__(self, sheet: str, row: TabularRow, errors: list[str]) -> None:
        self.sheet, self.row, self.errors = sheet, row, errors
        self.bad = False

    def text(self, column: str) -> str:
        return self.row.values.get(column, "") or ""

    def code(self, column: str) -> str:
        return self.text(column).strip()

    def error(self, message: str) -> None:
        self.errors.append(row_error(self.sheet, self.row.number, message))
        self.bad = True

    def read(self, parse: Callable[[str, str], Any], column: str) -> Any:
        try:
            return parse(self.code(column), column)
        except CellError as exc:
            self.error(str(exc))
            return None

    def clean(self, obj: models.Model, exclude: list[str]) -> None:
        """``full_clean`` without the queries: relations and constraints are checked here."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.error(f"{COLUMN_OF_FIELD.get(name, name)}: {message}")


def row_error(sheet: str, number: int, message: str) -> str:
    return _("Row %(row)s (%(sheet)s): %(message)s") % {
        "row": number,
        "sheet": sheet,
        "message": message,
    }
