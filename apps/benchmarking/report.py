"""The benchmark pages' reads, shaped once for a chart, its table, its summary and its CSV.

Every figure comes from a snapshot's cells (through :class:`selectors.CellTable`),
which the anonymisation rules have already protected. A :class:`Chart` holds rows
(subjects, or periods for the trend) by columns (everyone, stakeholder groups,
regions…) of :class:`Shown` figures; the page draws the chart from it, prints the
same numbers in a table and a sentence, and the CSV writes the same numbers again,
so the three cannot disagree. A withheld figure keeps only its reason: the number of
organisations behind it is never shown.

The organisation page adds :func:`organisation_report`, which wraps
``selectors.organisation_position`` (the organisation's own figures, for its members).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.adoption.models import Metric
from apps.core.exporters import Rendered, Sheet, TabularExporter, cell_text
from apps.organisations.models import Organisation
from apps.organisations.regions import Region
from apps.roadmap.cache import cached_with_content
from apps.roadmap.models import BarrierCategory, Dimension, StakeholderGroup

from .anonymisation import COMPLEMENTARY, REASONS, SMALL_GROUP
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject
from .selectors import (
    CellTable,
    Figure,
    OrganisationPosition,
    Position,
    organisation_position,
    snapshot_key,
)

EVERYONE = "all"
# CEE and Western Europe always stand side by side, first, in every regional view.
REGIONS_FIRST = (Region.WESTERN, Region.CEE)
# Footnotes in this order: small groups, then every other reason the rules give.
REASON_ORDER = tuple(dict.fromkeys([SMALL_GROUP, COMPLEMENTARY, *REASONS]))
MATURITY_MAX = 5


def explain(reason: str, k: int) -> str:
    """The anonymisation rule's reason for withholding a figure, with ``k`` filled in.

    A figure with no cell at all (nobody in that group) reads as a small group: it is one."""
    key = reason if reason in REASONS else SMALL_GROUP
    return _(REASONS[key]).format(k=k)


def number(value: Decimal | float | None) -> str:
    """A figure as the pages write it: at most one decimal, none when whole."""
    return "" if value is None else str(floatformat(value, -1))


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
        return f"{self.code} {self.title}" if self.show_code else self.title

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
                c.label: [_float(r.cells[i].value) for r in self.rows]
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
                c.label: [_float(r.cells[i].value) for r in self.rows]
                for i, c in enumerate(self.columns)
            },
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _finish(chart: Chart, summary: str) -> Chart:
    """Number the reasons found in the chart, mark each withheld figure with its footnote."""
    reasons = [key for key in REASON_ORDER if _any_suppressed(chart, key)]
    markers = {key: i for i, key in enumerate(reasons, start=1)}
    for row in chart.rows:
        row.cells = [
            cell
            if not cell.suppressed
            else Shown(
                None,
                "",
                reason=cell.reason,
                explanation=cell.explanation,
                marker=markers[cell.reason],
            )
            for cell in row.cells
        ]
    chart.notes = [(markers[key], key, explain(key, chart.k)) for key in reasons]
    chart.summary = summary
    return chart


def _any_suppressed(chart: Chart, key: str) -> bool:
    return any(c.suppressed and c.reason == key for r in chart.rows for c in r.cells)


def shown(figure: Figure, k: int, unit: str = "") -> Shown:
    if figure.suppressed:
        reason = figure.reason if figure.reason in REASONS else SMALL_GROUP
        return Shown(None, "", reason=reason, explanation=explain(reason, k))
    return Shown(figure.value, f"{number(figure.value)}{unit}")


# --- The public page ---------------------------------------------------------------------


@dataclass
class Section:
    slug: str
    title: str
    intro: str
    charts: list[Chart]


@dataclass
class PublicReport:
    snapshot: BenchmarkSnapshot
    population: Shown
    sections: list[Section]
    trend: Chart

    def charts(self) -> Iterator[Chart]:
        for section in self.sections:
            yield from section.charts
        yield self.trend

    def chart(self, slug: str) -> Chart | None:
        return next((c for c in self.charts() if c.slug == slug), None)


@dataclass
class _Context:
    """What every chart of one snapshot reads: its cells and the labels of its columns."""

    snapshot: BenchmarkSnapshot
    table: CellTable
    groups: list[Column]
    regions: list[Column]

    @property
    def k(self) -> int:
        return self.snapshot.min_group_size


def _columns(ctx: _Context, breakdown: str) -> list[tuple[str, str, Column]]:
    everyone = (Breakdown.ALL, "", Column(EVERYONE, _("Everyone")))
    if breakdown == Breakdown.STAKEHOLDER_GROUP:
        return [everyone, *((breakdown, c.code, c) for c in ctx.groups)]
    if breakdown == Breakdown.REGION:
        return [everyone, *((breakdown, c.code, c) for c in ctx.regions)]
    return [everyone]


def _grid(
    ctx: _Context,
    *,
    subject: str,
    measure: str,
    subjects: list[tuple[str, str, str]],
    breakdown: str,
    unit: str = "",
) -> tuple[list[Column], list[Row]]:
    columns = _columns(ctx, breakdown)
    rows = [
        Row(
            code,
            title,
            [
                shown(ctx.table.get(subject, code, measure, b, v), ctx.k, unit)
                for b, v, _c in columns
            ],
            note,
            show_code=subject == Subject.END_GOAL,
        )
        for code, title, note in subjects
    ]
    return [c for _b, _v, c in columns], rows


def public_report(snapshot: BenchmarkSnapshot) -> PublicReport:
    """Everything ``/benchmarks/`` shows for one snapshot, in a constant number of queries."""
    table = CellTable(
        snapshot,
        [
            Subject.END_GOAL,
            Subject.DIMENSION,
            Subject.POPULATION,
            Subject.MATURITY_GOAL,
            Subject.MATURITY_DIMENSION,
            Subject.METRIC,
            Subject.BARRIER,
        ],
    )
    ctx = _Context(
        snapshot,
        table,
        _group_columns(table.breakdown_values(Subject.POPULATION, Breakdown.STAKEHOLDER_GROUP)),
        _region_columns(table.breakdown_values(Subject.POPULATION, Breakdown.REGION)),
    )
    edition = snapshot.edition
    goals = list(edition.end_goals.values_list("code", "title"))
    dimensions = list(Dimension.objects.values_list("slug", "name"))
    # order_by(): grouped by the code alone, whatever ordering the models' manager adds.
    goal_totals = dict(
        edition.actions.values_list("intermediate_goal__end_goal__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    dimension_totals = dict(
        edition.actions.values_list("dimension__slug").annotate(n=Count("id")).order_by()
    )
    sections = [
        Section(
            "end-goals",
            _("End goals"),
            _(
                "How many organisations adopt at least one action towards each end goal, and how "
                "many of its actions the typical (median) organisation has adopted."
            ),
            _subject_charts(ctx, Subject.END_GOAL, "end-goals", "end_goal", goals, goal_totals),
        ),
        Section(
            "dimensions",
            _("Dimensions"),
            _(
                "The same figures for the roadmap's dimensions: culture, processes and resources "
                "for patient engagement."
            ),
            _subject_charts(
                ctx, Subject.DIMENSION, "dimensions", "dimension", dimensions, dimension_totals
            ),
        ),
        Section(
            "maturity",
            _("Maturity"),
            _(
                "The median maturity level organisations give themselves, from 1 (ad hoc) to "
                "5 (embedded), in their latest self-assessment up to the end of the period."
            ),
            [_maturity_chart(ctx, goals, dimensions)],
        ),
        Section(
            "metrics",
            _("Metrics"),
            _(
                "Totals of the metrics organisations reported with their progress during the "
                "period. The units differ, so these figures are shown as a table only."
            ),
            [_metrics_chart(ctx)],
        ),
        Section(
            "barriers",
            _("Barriers"),
            _(
                "The share of organisations that reported meeting each kind of barrier during "
                "the period, for everyone and for Central and Eastern Europe against Western "
                "Europe."
            ),
            [_barriers_chart(ctx)],
        ),
    ]
    return PublicReport(
        snapshot=snapshot,
        population=shown(table.get(Subject.POPULATION, "", "organisations"), ctx.k),
        sections=sections,
        trend=_trend_chart(snapshot, goals),
    )


def cached_public_report(snapshot: BenchmarkSnapshot) -> PublicReport:
    """:func:`public_report`, kept in the cache: a compiled snapshot never changes, and the
    names and titles it shows are the roadmap's (kept per content version and language)."""
    name = f"benchmarks:public:{snapshot_key(snapshot)}"
    return cached_with_content(name, lambda: public_report(snapshot))


def _group_columns(slugs: list[str]) -> list[Column]:
    groups = StakeholderGroup.objects.filter(slug__in=slugs).values_list("slug", "name")
    return [Column(slug, name) for slug, name in groups]


def _region_columns(present: list[str]) -> list[Column]:
    others = [r for r in Region if r in present and r not in REGIONS_FIRST]
    return [Column(r.value, str(r.label)) for r in (*REGIONS_FIRST, *others)]


def _subject_charts(
    ctx: _Context,
    subject: str,
    prefix: str,
    row_field: str,
    subjects: list[tuple[str, str]],
    totals: dict[str, int],
) -> list[Chart]:
    adopted = [(code, title, "") for code, title in subjects]
    covered = [
        (code, title, _("of %(total)s actions") % {"total": totals.get(code, 0)})
        for code, title in subjects
    ]
    scale = max([totals.get(code, 0) for code, _t in subjects] or [1]) or 1
    subject_name = _("end goal") if subject == Subject.END_GOAL else _("dimension")
    row_label = _("End goal") if subject == Subject.END_GOAL else _("Dimension")
    charts = []
    for breakdown, slug, column_field, by in (
        (Breakdown.STAKEHOLDER_GROUP, "by-group", "stakeholder_group", _("by stakeholder group")),
        (Breakdown.REGION, "by-region", "region", _("by region")),
    ):
        columns, rows = _grid(
            ctx,
            subject=subject,
            measure="share_adopting",
            subjects=adopted,
            breakdown=breakdown,
            unit="%",
        )
        charts.append(
            _finish(
                Chart(
                    slug=f"{prefix}-share-{slug}",
                    title=_("Share of organisations adopting, per %(subject)s, %(by)s")
                    % {"subject": subject_name, "by": by},
                    value_label=_("Share of organisations adopting (%)"),
                    measure="share_adopting_percent",
                    row_field=row_field,
                    column_field=column_field,
                    columns=columns,
                    rows=rows,
                    k=ctx.k,
                    row_label=row_label,
                ),
                _summary(rows, columns, breakdown, unit="%"),
            )
        )
        columns, rows = _grid(
            ctx, subject=subject, measure="coverage_median", subjects=covered, breakdown=breakdown
        )
        charts.append(
            _finish(
                Chart(
                    slug=f"{prefix}-coverage-{slug}",
                    title=_("Median number of actions adopted, per %(subject)s, %(by)s")
                    % {"subject": subject_name, "by": by},
                    value_label=_("Median number of actions adopted"),
                    measure="median_actions_adopted",
                    row_field=row_field,
                    column_field=column_field,
                    columns=columns,
                    rows=rows,
                    k=ctx.k,
                    unit="",
                    scale_max=scale,
                    row_label=row_label,
                ),
                _summary(rows, columns, breakdown),
            )
        )
    return charts


def _maturity_chart(
    ctx: _Context, goals: list[tuple[str, str]], dimensions: list[tuple[str, str]]
) -> Chart:
    columns = [Column(EVERYONE, _("Everyone"))]
    rows = [
        Row(
            code,
            title,
            [shown(ctx.table.get(subject, code, "maturity_median"), ctx.k)],
            show_code=subject == Subject.MATURITY_GOAL,
        )
        for subject, items in (
            (Subject.MATURITY_GOAL, goals),
            (Subject.MATURITY_DIMENSION, dimensions),
        )
        for code, title in items
    ]
    chart = Chart(
        slug="maturity",
        title=_("Median maturity level, everyone"),
        value_label=_("Median maturity level (1 to 5)"),
        measure="median_maturity_level",
        row_field="subject",
        column_field="breakdown",
        columns=columns,
        rows=rows,
        k=ctx.k,
        unit="",
        scale_max=MATURITY_MAX,
        row_label=_("End goal or dimension"),
    )
    return _finish(chart, _summary(rows, columns, Breakdown.ALL))


def _metrics_chart(ctx: _Context) -> Chart:
    columns = [Column(EVERYONE, _("Everyone"))]
    rows = [
        Row(
            slug,
            name,
            [shown(ctx.table.get(Subject.METRIC, slug, "metric_total"), ctx.k)],
            unit,
            show_code=False,
        )
        for slug, name, unit in Metric.objects.filter(is_active=True).values_list(
            "slug", "name", "unit"
        )
    ]
    chart = Chart(
        slug="metrics",
        title=_("Metric totals, everyone"),
        value_label=_("Total reported in the period"),
        measure="total",
        row_field="metric",
        column_field="breakdown",
        columns=columns,
        rows=rows,
        k=ctx.k,
        unit="",
        kind="table",
        row_label=_("Metric"),
    )
    return _finish(chart, _summary(rows, columns, Breakdown.ALL))


def _barriers_chart(ctx: _Context) -> Chart:
    regions = [c for c in ctx.regions if c.code in REGIONS_FIRST]
    columns = [Column(EVERYONE, _("Everyone")), *regions]
    where = [(Breakdown.ALL, ""), *((Breakdown.REGION, c.code) for c in regions)]
    rows = [
        Row(
            slug,
            name,
            [
                shown(ctx.table.get(Subject.BARRIER, slug, "share_reporting", b, v), ctx.k, "%")
                for b, v in where
            ],
            show_code=False,
        )
        for slug, name in BarrierCategory.objects.values_list("slug", "name")
    ]
    chart = Chart(
        slug="barriers",
        title=_("Share of organisations reporting each barrier, everyone and by region"),
        value_label=_("Share of organisations reporting the barrier (%)"),
        measure="share_reporting_percent",
        row_field="barrier",
        column_field="region",
        columns=columns,
        rows=rows,
        k=ctx.k,
        row_label=_("Barrier"),
    )
    return _finish(chart, _summary(rows, columns, Breakdown.REGION, unit="%"))


def _trend_chart(snapshot: BenchmarkSnapshot, goals: list[tuple[str, str]]) -> Chart:
    """Share adopting per end goal, everyone, in every snapshot up to this one. One query.

    Like ``selectors.trends``, but it keeps each withheld figure's reason for the table."""
    codes = [code for code, _t in goals]
    cells = (
        BenchmarkCell.objects.published()
        .filter(
            subject_type=Subject.END_GOAL,
            subject_code__in=codes,
            measure="share_adopting",
            breakdown=Breakdown.ALL,
            snapshot__period__starts_on__lte=snapshot.period.starts_on,
        )
        .values_list("snapshot__period__label", "subject_code", "value", "n", "reason")
        .order_by("snapshot__period__starts_on")
    )
    k = snapshot.min_group_size
    found: dict[str, dict[str, Figure]] = {}
    for label, code, value, n, reason in cells:
        found.setdefault(label, {})[code] = Figure.of_cell(value, n, reason)
    missing = Figure(None, None, SMALL_GROUP)
    rows = [
        Row(
            label,
            label,
            [shown(figures.get(code, missing), k, "%") for code in codes],
            show_code=False,
        )
        for label, figures in found.items()
    ]
    columns = [Column(code, f"{code} {title}") for code, title in goals]
    chart = Chart(
        slug="trend",
        title=_("Share of organisations adopting each end goal, over time"),
        value_label=_("Share of organisations adopting (%)"),
        measure="share_adopting_percent",
        row_field="period",
        column_field="end_goal",
        columns=columns,
        rows=rows,
        k=k,
        kind="line",
        row_label=_("Period"),
    )
    return _finish(chart, _trend_summary(rows, columns))


# --- Text summaries ------------------------------------------------------------------------


def _published(rows: list[Row], columns: list[Column]) -> list[tuple[Decimal, Row, Column]]:
    return [
        (cell.value, row, column)
        for row in rows
        for cell, column in zip(row.cells, columns, strict=True)
        if cell.value is not None
    ]


def _summary(rows: list[Row], columns: list[Column], breakdown: str, unit: str = "") -> str:
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
            % {"value": f"{number(value)}{unit}", "row": row.title, "column": column.label}
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
                "high": f"{number(high[0])}{unit}",
                "high_row": high[1].title,
                "high_col": high[2].label,
                "low": f"{number(low[0])}{unit}",
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


def _trend_summary(rows: list[Row], columns: list[Column]) -> str:
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

    def rows(self) -> Iterator[list[str]]:
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
                    cell_text(cell.value),
                    cell.explanation if cell.suppressed else "",
                ]

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(self.chart.slug, self.header(), self.rows())


def chart_csv(snapshot: BenchmarkSnapshot, slug: str) -> Rendered | None:
    """The CSV of one chart of the public page, or None when there is no such chart."""
    chart = cached_public_report(snapshot).chart(slug)
    return None if chart is None else ChartCSV(chart, snapshot).render("csv")


# --- The organisation page -----------------------------------------------------------------


@dataclass
class PositionRow:
    """One end goal or dimension: the organisation's own coverage and the two medians."""

    position: Position
    group: Shown
    everyone: Shown


@dataclass
class PositionTable:
    rows: list[PositionRow]
    chart: dict[str, Any]
    summary: str
    notes: list[tuple[int, str, str]]


@dataclass
class OrganisationReport:
    position: OrganisationPosition
    group_name: str
    counted: bool
    goals: PositionTable
    dimensions: PositionTable


def organisation_report(
    *, organisation: Organisation, snapshot: BenchmarkSnapshot
) -> OrganisationReport:
    """The organisation's position (its own figures: for its members only) shaped for the
    page: a "you, your stakeholder group, everyone" chart per subject, and its sentence."""
    position = organisation_position(organisation=organisation, snapshot=snapshot)
    group_name = organisation.stakeholder_group.name
    goals, dims = position.end_goals, position.dimensions
    k = snapshot.min_group_size
    return OrganisationReport(
        position=position,
        group_name=group_name,
        counted=Organisation.objects.verified_on(snapshot.period.ends_on)
        .filter(pk=organisation.pk)
        .exists(),
        goals=_position_table(goals, k, show_code=True),
        dimensions=_position_table(dims, k, show_code=False),
    )


def _position_table(positions: list[Position], k: int, *, show_code: bool) -> PositionTable:
    cells = [(shown(p.group_median, k), shown(p.everyone_median, k)) for p in positions]
    reasons = [key for key in REASON_ORDER if any(c.reason == key for pair in cells for c in pair)]
    markers = {key: i for i, key in enumerate(reasons, start=1)}

    def marked(cell: Shown) -> Shown:
        if not cell.suppressed:
            return cell
        return Shown(None, "", cell.reason, cell.explanation, markers[cell.reason])

    return PositionTable(
        rows=[
            PositionRow(p, marked(group), marked(everyone))
            for p, (group, everyone) in zip(positions, cells, strict=True)
        ],
        chart=_position_chart(positions, show_code),
        summary=_position_summary(positions, show_code),
        notes=[(markers[key], key, explain(key, k)) for key in reasons],
    )


def _position_chart(positions: list[Position], show_code: bool) -> dict[str, Any]:
    return {
        "categories": [f"{p.code} {p.title}" if show_code else p.title for p in positions],
        "series": {
            _("You"): [float(p.adopted) for p in positions],
            _("Your stakeholder group (median)"): [_float(p.group_median.value) for p in positions],
            _("Everyone (median)"): [_float(p.everyone_median.value) for p in positions],
        },
        "max": max([p.total for p in positions] or [1]) or 1,
        "unit": "",
    }


def _position_summary(positions: list[Position], show_code: bool) -> str:
    """One sentence: where the organisation is ahead of its group's median and where behind."""

    def name(p: Position) -> str:
        return p.code if show_code else p.title

    published = [p for p in positions if not p.group_median.suppressed]
    ahead = [name(p) for p in published if p.adopted > p.group_median.value]
    behind = [name(p) for p in published if p.adopted < p.group_median.value]
    unknown = [name(p) for p in positions if p.group_median.suppressed]
    parts = [
        _("You are ahead of your stakeholder group's median in %(list)s")
        % {"list": ", ".join(ahead) or _("none")},
        _("behind it in %(list)s") % {"list": ", ".join(behind) or _("none")},
    ]
    if unknown:
        parts.append(
            _("your group's median is withheld for %(list)s") % {"list": ", ".join(unknown)}
        )
    return "; ".join(parts) + "."
