"""A figure, as every output shows it: its value, its text and, when it is withheld, the
reason in the reader's language.

The pages (:mod:`.report`), the reports (PDF, XLSX and CSV, :mod:`.exports.exporters`) and
the API (:mod:`.api.serializers`) all shape figures here, so no output can write a figure
another way or give a reason untranslated. The reasons themselves are the rules' own
(:data:`.anonymisation.REASONS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, gettext_lazy

from .anonymisation import COMPLEMENTARY, REASONS, SMALL_GROUP

# A figure the snapshot holds no cell for (nobody in that group, or not compiled).
NO_DATA = "no_data"
NO_DATA_TEXT = gettext_lazy("No figure was compiled for this group in this period.")
# Footnotes in this order: small groups, then every other reason the rules give.
REASON_ORDER = tuple(dict.fromkeys([SMALL_GROUP, COMPLEMENTARY, *REASONS]))


@dataclass(frozen=True)
class Figure:
    """One published figure, or the reason it is withheld. A withheld figure has no ``n``
    (the size of its group is what is withheld): build figures from cells with
    :meth:`of_cell`."""

    value: Decimal | None
    n: int | None
    reason: str = ""

    @classmethod
    def of_cell(cls, value: Decimal | None, n: int | None, reason: str) -> Figure:
        return cls(value, None if value is None else n, reason)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def explain(self, k: int) -> str:
        return reason_text(self.reason, k)


MISSING = Figure(value=None, n=None, reason=NO_DATA)


def reason_text(reason: str, k: int) -> str:
    """Why a figure is withheld, translated, with the snapshot's *k*; empty when the
    reason is not one of the rules' (a figure that was never compiled has its own text:
    :func:`reason_or_no_data`)."""
    template = REASONS.get(reason)
    return gettext(template).format(k=k) if template else ""


def reason_or_no_data(reason: str, k: int) -> str:
    """:func:`reason_text`, or the text of a figure that was never compiled."""
    if reason == NO_DATA:
        return str(NO_DATA_TEXT)
    return reason_text(reason, k)


def footnote(reason: str, k: int) -> str:
    """A withheld figure's footnote on the pages. A figure with no cell at all (nobody in
    that group) reads as a small group: it is one."""
    return reason_text(reason if reason in REASONS else SMALL_GROUP, k)


def text(value: Decimal | float | None) -> str:
    """A figure as the pages write it: at most one decimal, none when whole."""
    return "" if value is None else str(floatformat(value, -1))


def number(value: Decimal | float | int | None) -> Decimal | int | None:
    """A figure as a spreadsheet holds it: 83.3 not 83.30, 100 not 100.00."""
    if value is None:
        return None
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
