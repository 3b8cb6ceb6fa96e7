"""The public benchmark page (``/benchmarks/``): its sections of charts, read from a
snapshot's cells in a constant number of queries, and each chart's CSV.

Every figure comes from a snapshot's cells (through :class:`selectors.CellTable`), which
the anonymisation rules have already protected; :mod:`.charts` shapes them, and
:mod:`.organisation_report` shapes an organisation's own page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from apps.adoption.models import Metric
from apps.core.exporters import Rendered
from apps.organisations.permissions import Role
from apps.organisations.regions import Region
from apps.roadmap.cache import cached_with_content
from apps.roadmap.models import BarrierCategory, Dimension, StakeholderGroup

from .anonymisation import SMALL_GROUP
from .charts import Chart, ChartCSV, Column, Row, Shown, finish, shown, summary, trend_summary
from .compile_partnerships import CROSS_GROUP
from .compile_partnerships import MEASURE as PARTNERSHIP_MEASURE
from .compile_pulse import AGREE as PULSE_MEASURE
from .figures import Figure
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject
from .selectors import CellTable, snapshot_key

EVERYONE = "all"
# CEE and Western Europe always stand side by side, first, in every regional view.
REGIONS_FIRST = (Region.WESTERN, Region.CEE)
MATURITY_MAX = 5


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
    roles: list[Column]  # the roles the pulse was answered in (``compile_pulse``)

    @property
    def k(self) -> int:
        return self.snapshot.min_group_size


def _columns(ctx: _Context, breakdown: str) -> list[tuple[str, str, Column]]:
    everyone = (Breakdown.ALL, "", Column(EVERYONE, _("Everyone")))
    if breakdown == Breakdown.STAKEHOLDER_GROUP:
        return [everyone, *((breakdown, c.code, c) for c in ctx.groups)]
    if breakdown == Breakdown.REGION:
        return [everyone, *((breakdown, c.code, c) for c in ctx.regions)]
    if breakdown == Breakdown.ROLE:
        return [everyone, *((breakdown, c.code, c) for c in ctx.roles)]
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
            Subject.PARTNERSHIP,
            Subject.PULSE,
        ],
    )
    ctx = _Context(
        snapshot,
        table,
        _group_columns(table.breakdown_values(Subject.POPULATION, Breakdown.STAKEHOLDER_GROUP)),
        _region_columns(table.breakdown_values(Subject.POPULATION, Breakdown.REGION)),
        _role_columns(table.breakdown_values(Subject.PULSE, Breakdown.ROLE)),
    )
    edition = snapshot.edition
    goals = list(edition.end_goals.values_list("code", "title"))
    dimensions = list(Dimension.objects.values_list("slug", "name"))
    # Actions per end goal and per dimension: one grouped query (a dozen rows, one per pair),
    # added up here. order_by(): grouped by the codes alone, whatever the manager orders by.
    goal_totals: dict[str, int] = defaultdict(int)
    dimension_totals: dict[str, int] = defaultdict(int)
    for goal, dimension, n in (
        edition.actions.values_list("intermediate_goal__end_goal__code", "dimension__slug")
        .annotate(n=Count("id"))
        .order_by()
    ):
        goal_totals[goal] += n
        dimension_totals[dimension] += n
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
            "joint-commitments",
            _("Joint commitments"),
            _(
                "The share of adoptions that have a confirmed partner from another stakeholder "
                "group at the end of the period: a partner organisation that accepted to act on "
                "the adoption together and had not withdrawn."
            ),
            _partnership_charts(ctx),
        ),
        Section(
            "pulse",
            _("Attitudes to patient engagement"),
            _(
                "The share of answers that agree or strongly agree with each statement of the "
                "attitude pulse, which members answer once per period for themselves. Only "
                "shares compiled from enough organisations are published, none that one "
                "organisation dominates, and never an answer."
            ),
            _pulse_charts(ctx, list(edition.pulse_statements.values_list("code", "text"))),
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
        sections=[s for s in sections if s.charts],  # (no pulse where none is asked)
        trend=trend_chart(snapshot, goals),
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


def _role_columns(present: list[str]) -> list[Column]:
    return [Column(role.value, str(role.label)) for role in Role if role.value in present]


def _breakdowns() -> list[tuple[str, str, str, str]]:
    """The charts' breakdowns: (breakdown, slug suffix, CSV column, "by …" in words)."""
    return [
        (Breakdown.STAKEHOLDER_GROUP, "by-group", "stakeholder_group", _("by stakeholder group")),
        (Breakdown.REGION, "by-region", "region", _("by region")),
    ]


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
    for breakdown, slug, column_field, by in _breakdowns():
        columns, rows = _grid(
            ctx,
            subject=subject,
            measure="share_adopting",
            subjects=adopted,
            breakdown=breakdown,
            unit="%",
        )
        charts.append(
            finish(
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
                summary(rows, columns, breakdown, unit="%"),
            )
        )
        columns, rows = _grid(
            ctx, subject=subject, measure="coverage_median", subjects=covered, breakdown=breakdown
        )
        charts.append(
            finish(
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
                summary(rows, columns, breakdown),
            )
        )
    return charts


def _share_charts(
    ctx: _Context,
    *,
    subject: str,
    measure: str,
    subjects: list[tuple[str, str, str]],
    breakdowns: list[tuple[str, str, str, str]],
    slug: str,
    title: str,
    value_label: str,
    row_field: str,
    row_label: str,
) -> list[Chart]:
    """One chart of a share per breakdown (``title`` has ``%(by)s``), Everyone beside it."""
    charts = []
    for breakdown, suffix, column_field, by in breakdowns:
        columns, rows = _grid(
            ctx, subject=subject, measure=measure, subjects=subjects, breakdown=breakdown, unit="%"
        )
        chart = Chart(
            slug=f"{slug}-{suffix}",
            title=title % {"by": by},
            value_label=value_label,
            measure=measure,
            row_field=row_field,
            column_field=column_field,
            columns=columns,
            rows=rows,
            k=ctx.k,
            row_label=row_label,
        )
        charts.append(finish(chart, summary(rows, columns, breakdown, unit="%")))
    return charts


def _partnership_charts(ctx: _Context) -> list[Chart]:
    """The share of adoptions with a confirmed partner from another stakeholder group, by
    group and by region (one row each: the figure, ``compile_partnerships``)."""
    return _share_charts(
        ctx,
        subject=Subject.PARTNERSHIP,
        measure=PARTNERSHIP_MEASURE,
        subjects=[(CROSS_GROUP, _("Adoptions with a partner from another group"), "")],
        breakdowns=_breakdowns(),
        slug="joint-commitments",
        title=_("Share of adoptions with a confirmed partner from another group, %(by)s"),
        value_label=_("Share of adoptions with a partner from another group (%)"),
        row_field="adoptions",
        row_label=_("Adoptions"),
    )


def _pulse_charts(ctx: _Context, statements: list[tuple[str, str]]) -> list[Chart]:
    """The share of answers agreeing with each statement of the pulse, by group, region and
    the role people answered in (``compile_pulse``); none when the edition asks none."""
    if not statements:
        return []
    by_role = (Breakdown.ROLE, "by-role", "role", _("by the role people answered in"))
    return _share_charts(
        ctx,
        subject=Subject.PULSE,
        measure=PULSE_MEASURE,
        subjects=[(code, text, "") for code, text in statements],
        breakdowns=[*_breakdowns(), by_role],
        slug="pulse",
        title=_("Share of answers agreeing with each statement of the pulse, %(by)s"),
        value_label=_("Share of answers that agree or strongly agree (%)"),
        row_field="statement",
        row_label=_("Statement"),
    )


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
    return finish(chart, summary(rows, columns, Breakdown.ALL))


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
    return finish(chart, summary(rows, columns, Breakdown.ALL))


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
    return finish(chart, summary(rows, columns, Breakdown.REGION, unit="%"))


def trend_chart(
    snapshot: BenchmarkSnapshot,
    goals: list[tuple[str, str]],
    *,
    breakdown: str = Breakdown.ALL,
    value: str = "",
    slug: str = "trend",
    title: str = "",
) -> Chart:
    """Share adopting per end goal, of everyone (or of one ``breakdown`` ``value``: a
    country's page), in every snapshot up to this one. One query.

    Like ``selectors.trends``, but it keeps each withheld figure's reason for the table."""
    codes = [code for code, _t in goals]
    cells = (
        BenchmarkCell.objects.published()
        .filter(
            subject_type=Subject.END_GOAL,
            subject_code__in=codes,
            measure="share_adopting",
            breakdown=breakdown,
            breakdown_value=value,
            snapshot__period__starts_on__lte=snapshot.period.starts_on,
        )
        .values_list("snapshot__period__label", "subject_code", "value", "n", "reason")
        .order_by("snapshot__period__starts_on")
    )
    k = snapshot.min_group_size
    found: dict[str, dict[str, Figure]] = {}
    for label, code, figure, n, reason in cells:
        found.setdefault(label, {})[code] = Figure.of_cell(figure, n, reason)
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
        slug=slug,
        title=title or _("Share of organisations adopting each end goal, over time"),
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
    return finish(chart, trend_summary(rows, columns))


def chart_csv(snapshot: BenchmarkSnapshot, slug: str) -> Rendered | None:
    """The CSV of one chart of the public page, or None when there is no such chart."""
    chart = cached_public_report(snapshot).chart(slug)
    return None if chart is None else ChartCSV(chart, snapshot).render("csv")
