"""A chart's figures, shaped once for the chart, its table, its summary and its CSV.

A :class:`Chart` holds rows (subjects, or periods for the trend) by columns (everyone,
stakeholder groups, regions…) of :class:`Shown` figures; the page draws the chart from it,
prints the same numbers in a table and a sentence, and the CSV writes the same numbers
again, so the three cannot disagree. A withheld figure keeps only its reason and footnote
(:mod:`.figures`): the number of organisations behind it is never shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exporters import Cell, Sheet, TabularExporter
from apps.organisations.regions import Region

from .anonymisation import SMALL_GROUP
from .figures import REASON_ORDER, Figure, footnote, text
from .models import BenchmarkSnapshot, Breakdown


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class Shown:
    """One figure on a page: its text, or the reason it is withheld and its footnote."""

    value: Decimal | None
    text: str
    reason: str = ""
    explanation: str = ""
    marker: int = 0

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class Row:
    code: str
    title: str
    cells: list[Shown] = field(default_factory=list)
    note: str = ""
    show_code: bool = True  # dimensions and barriers are known by name; their code is a slug

    @property
    def label(self) -> str:
        return subject_label(self.code, self.title, show_code=self.show_code)

    @property
    def short(self) -> str:
        return self.code if self.show_code else self.title


@dataclass
class Chart:
    """One chart's data. ``kind`` is ``bar``, ``line`` (rows are periods) or ``table``
    (no chart: the rows' units differ)."""

    slug: str
    title: str
    value_label: str
    measure: str
    row_field: str
    column_field: str
    columns: list[Column]
    rows: list[Row]
    k: int
    unit: str = "%"
    scale_max: float = 100
    kind: str = "bar"
    row_label: str = ""
    summary: str = ""
    notes: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def has_chart(self) -> bool:
        return self.kind != "table" and bool(self.rows)

    def bar_data(self) -> dict[str, Any]:
        """The shape ``{% bar_chart %}`` draws: a group of bars per row, one per column."""
        return {
            "categories": [r.label for r in self.rows],
            "series": {
                c.label: [as_float(r.cells[i].value) for r in self.rows]
                for i, c in enumerate(self.columns)
            },
            "max": self.scale_max,
            "unit": self.unit,
        }

    def line_data(self) -> dict[str, Any]:
        """The shape ``{% line_chart %}`` draws: one line per column, a point per row."""
        return {
            "dates": [r.title for r in self.rows],
            "series": {
                c.label: [as_float(r.cells[i].value) for r in self.rows]
                for i, c in enumerate(self.columns)
            },
        }


def subject_label(code: str, title: str, *, show_code: bool = True, limit: int = 0) -> str:
    """How a chart or a table names a subject: "EG1 Establish …" for a roadmap code, the
    title alone for a taxonomy's slug (a dimension coded "culture" must not read "culture
    Culture"), and at most ``limit`` characters of the title, cut at a word (0: all)."""
    short = clip_words(title, limit) if limit else title
    if not show_code or not code or code.casefold() in (title.casefold(), slugify(title)):
        return short
    return f"{code} {short}"


def clip_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word's end, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.-") + "…"


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def mark_withheld(
    cells: Sequence[Shown], k: int
) -> tuple[dict[int, Shown], list[tuple[int, str, str]]]:
    """Number the reasons found among ``cells``, in :data:`REASON_ORDER`: each withheld
    cell (by its index) with its footnote's number, and the footnotes."""
    reasons = [key for key in REASON_ORDER if any(c.suppressed and c.reason == key for c in cells)]
    markers = {key: i for i, key in enumerate(reasons, start=1)}
    marked = {
        i: Shown(None, "", c.reason, c.explanation, markers[c.reason])
        for i, c in enumerate(cells)
        if c.suppressed
    }
    return marked, [(markers[key], key, footnote(key, k)) for key in reasons]


def finish(chart: Chart, summary: str) -> Chart:
    """Mark each withheld figure of the chart with its footnote, and add the summary."""
    cells = [cell for row in chart.rows for cell in row.cells]
    marked, chart.notes = mark_withheld(cells, chart.k)
    at = 0
    for row in chart.rows:
        row.cells = [marked.get(at + i, cell) for i, cell in enumerate(row.cells)]
        at += len(row.cells)
    chart.summary = summary
    return chart


def shown(figure: Figure, k: int, unit: str = "") -> Shown:
    if figure.suppressed:
        reason = figure.reason if figure.reason in REASON_ORDER else SMALL_GROUP
        return Shown(None, "", reason=reason, explanation=footnote(reason, k))
    return Shown(figure.value, f"{text(figure.value)}{unit}")


# --- Text summaries ------------------------------------------------------------------------


def _published(rows: list[Row], columns: list[Column]) -> list[tuple[Decimal, Row, Column]]:
    return [
        (cell.value, row, column)
        for row in rows
        for cell, column in zip(row.cells, columns, strict=True)
        if cell.value is not None
    ]


def summary(rows: list[Row], columns: list[Column], breakdown: str, unit: str = "") -> str:
    """One sentence: the highest and lowest published figures, CEE against Western Europe
    for a regional view, and how many figures are withheld."""
    published = _published(rows, columns)
    withheld = sum(1 for row in rows for cell in row.cells if cell.suppressed)
    parts = []
    if not published:
        parts.append(_("No figure is published"))
    elif len(published) == 1:
        value, row, column = published[0]
        parts.append(
            _("The only published figure is %(value)s (%(row)s, %(column)s)")
            % {"value": f"{text(value)}{unit}", "row": row.title, "column": column.label}
        )
    else:
        high = max(published, key=lambda p: p[0])
        low = min(published, key=lambda p: p[0])
        parts.append(
            _(
                "The highest figure is %(high)s (%(high_row)s, %(high_col)s) and the lowest "
                "%(low)s (%(low_row)s, %(low_col)s)"
            )
            % {
                "high": f"{text(high[0])}{unit}",
                "high_row": high[1].title,
                "high_col": high[2].label,
                "low": f"{text(low[0])}{unit}",
                "low_row": low[1].title,
                "low_col": low[2].label,
            }
        )
    if breakdown == Breakdown.REGION:
        parts.append(_regions_compared(rows, columns))
    if withheld:
        parts.append(_("%(count)s withheld under the anonymisation rules") % {"count": withheld})
    return "; ".join(p for p in parts if p) + "."


def _regions_compared(rows: list[Row], columns: list[Column]) -> str:
    index = {c.code: i for i, c in enumerate(columns)}
    if Region.CEE not in index or Region.WESTERN not in index:
        return ""
    pairs = []
    for row in rows:
        cee, west = row.cells[index[Region.CEE]], row.cells[index[Region.WESTERN]]
        pairs.append(
            _("%(row)s %(cee)s against %(west)s")
            % {
                "row": row.short,
                "cee": cee.text or _("withheld"),
                "west": west.text or _("withheld"),
            }
        )
    return _("Central and Eastern Europe against Western Europe: %(pairs)s") % {
        "pairs": ", ".join(pairs)
    }


def trend_summary(rows: list[Row], columns: list[Column]) -> str:
    if not rows:
        return _("No period has been compiled yet.")
    first, last = rows[0], rows[-1]
    changes = [
        _("%(goal)s from %(start)s to %(end)s")
        % {
            "goal": column.code,
            "start": first.cells[i].text or _("withheld"),
            "end": last.cells[i].text or _("withheld"),
        }
        for i, column in enumerate(columns)
    ]
    if first is last:
        return _("Only %(period)s has been compiled so far.") % {"period": first.title}
    return _("From %(first)s to %(last)s, the share adopting went: %(changes)s.") % {
        "first": first.title,
        "last": last.title,
        "changes": "; ".join(changes),
    }


# --- CSV of one chart ------------------------------------------------------------------------


class ChartCSV(TabularExporter):
    """One chart's figures, one line per figure; a withheld figure has an empty value and
    its reason in ``suppressed_reason``."""

    identifier = "benchmark-chart"
    verbose_name = gettext_lazy("Benchmark chart data")
    permission = ""  # public: the figures are the published, anonymised ones

    def __init__(self, chart: Chart, snapshot: BenchmarkSnapshot) -> None:
        self.chart = chart
        self.snapshot = snapshot

    def filename_stem(self) -> str:
        return f"benchmark-{self.snapshot.period.label}-{self.chart.slug}"

    def header(self) -> list[str]:
        c = self.chart
        if c.row_field == "period":
            lead = ["period"]
        else:
            lead = ["period", f"{c.row_field}_code", c.row_field]
        return [*lead, f"{c.column_field}_code", c.column_field, c.measure, "suppressed_reason"]

    def rows(self) -> Iterator[list[Cell]]:
        c = self.chart
        for row in c.rows:
            lead = (
                [row.code]
                if c.row_field == "period"
                else [self.snapshot.period.label, row.code, row.title]
            )
            for column, cell in zip(c.columns, row.cells, strict=True):
                yield [
                    *lead,
                    column.code,
                    column.label,
                    cell.value,
                    cell.explanation if cell.suppressed else "",
                ]

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(self.chart.slug, self.header(), self.rows())
