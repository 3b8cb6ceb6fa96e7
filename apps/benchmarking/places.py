"""Country and region pages (``/countries/<iso>/``, ``/regions/<slug>/``): a place's
published figures beside Europe's (everyone), their trend over the periods, and a readiness
summary naming the barriers most reported there and the roadmap actions that address them.

Every figure is a published cell of a snapshot (the compile makes them per country and per
region, protected and audited): nothing here computes a figure of its own. A country below
``BENCHMARK_MIN_GROUP_COUNTRY`` has no cell at all; its page says that no figure is
published for it, never how many organisations it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from apps.core.exporters import Rendered
from apps.organisations.regions import COUNTRY_REGION, Region
from apps.roadmap.cache import cached_with_content
from apps.roadmap.models import Action, BarrierCategory, Edition

from .charts import Chart, ChartCSV, Column, Row, Shown, finish, shown, summary
from .compile_pulse import AGREE as PULSE_MEASURE
from .models import BenchmarkSnapshot, Breakdown, Subject
from .report import trend_chart
from .selectors import CellTable, latest_snapshot, snapshot_key

EVERYONE = "all"
MATURITY_MAX = 5
READINESS_TOP = 3
# Countries django-countries does not list, by their user-assigned code.
EXTRA_NAMES = {"XK": gettext_lazy("Kosovo")}


@dataclass(frozen=True)
class Place:
    """A country (``breakdown`` country, ``value`` its ISO code in capitals) or a region."""

    breakdown: str
    value: str
    name: str

    @property
    def slug(self) -> str:
        return self.value.lower()

    @property
    def is_country(self) -> bool:
        return self.breakdown == Breakdown.COUNTRY

    @property
    def region(self) -> str:
        return COUNTRY_REGION.get(self.value, Region.OUTSIDE) if self.is_country else self.value

    @property
    def region_name(self) -> str:
        return str(Region(self.region).label)


def country_name(code: str) -> str:
    """The country's name in the reader's language, or "" when the portal does not know it."""
    code = code.upper()
    return str(EXTRA_NAMES.get(code) or countries.name(code) or "")


def country_place(iso: str) -> Place:
    """The country of an ISO 3166-1 alpha-2 code, any case; 404 when the portal knows none."""
    code = iso.upper()
    name = country_name(code) if re.fullmatch(r"[A-Z]{2}", code) else ""
    if not name:
        raise Http404("No such country.")
    return Place(Breakdown.COUNTRY, code, name)


def region_place(slug: str) -> Place:
    if slug not in Region.values:
        raise Http404("No such region.")
    return Place(Breakdown.REGION, slug, str(Region(slug).label))


@dataclass
class Readiness:
    """A barrier category among the most reported in the place, and the actions (of the
    published edition, by code) that address it."""

    slug: str
    name: str
    share: Shown
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # code, title, url


@dataclass
class PlaceReport:
    place: Place
    snapshot: BenchmarkSnapshot
    published: bool  # whether the place has a published population in the snapshot
    charts: list[Chart]
    trend: Chart
    readiness: list[Readiness]
    # The attitude pulse's share agreeing per statement (``compile_pulse``); None when the
    # snapshot's edition asks no statement.
    pulse: Chart | None = None

    def all_charts(self) -> list[Chart]:
        return [*self.charts, self.trend, *([self.pulse] if self.pulse else [])]

    def chart(self, slug: str) -> Chart | None:
        return next((c for c in self.all_charts() if c.slug == slug), None)


def _pair(
    table: CellTable, place: Place, subject: str, code: str, measure: str, unit: str
) -> list[Shown]:
    k = table.snapshot.min_group_size
    return [
        shown(table.get(subject, code, measure, place.breakdown, place.value), k, unit),
        shown(table.get(subject, code, measure), k, unit),
    ]


def _side_by_side(
    table: CellTable,
    place: Place,
    *,
    slug: str,
    title: str,
    value_label: str,
    measure: str,
    row_field: str,
    row_label: str,
    subject: str,
    cell_measure: str,
    items: list[tuple[str, str]],
    unit: str = "%",
    scale_max: float = 100,
) -> Chart:
    columns = [Column(place.value, place.name), Column(EVERYONE, _("Europe (everyone)"))]
    show_code = subject in (Subject.END_GOAL, Subject.MATURITY_GOAL)
    rows = [
        Row(code, name, _pair(table, place, subject, code, cell_measure, unit), show_code=show_code)
        for code, name in items
    ]
    chart = Chart(
        slug=f"{place.slug}-{slug}",
        title=title,
        value_label=value_label,
        measure=measure,
        row_field=row_field,
        column_field="place",
        columns=columns,
        rows=rows,
        k=table.snapshot.min_group_size,
        unit=unit,
        scale_max=scale_max,
        row_label=row_label,
    )
    return finish(chart, summary(rows, columns, Breakdown.ALL, unit=unit))


def place_report(place: Place, snapshot: BenchmarkSnapshot) -> PlaceReport:
    """Everything a country's or region's page shows from one snapshot: a constant number
    of queries (the cells, the end goals, the barriers, the pulse's statements, the trend,
    the readiness)."""
    bundles = [(Breakdown.ALL, ""), (place.breakdown, place.value)]
    table = CellTable(
        snapshot,
        [
            Subject.POPULATION,
            Subject.END_GOAL,
            Subject.MATURITY_GOAL,
            Subject.BARRIER,
            Subject.PULSE,
        ],
        measures=[
            "organisations",
            "share_adopting",
            "maturity_median",
            "share_reporting",
            PULSE_MEASURE,
        ],
        bundles=bundles,
    )
    population = table.get(Subject.POPULATION, "", "organisations", place.breakdown, place.value)
    goals = list(snapshot.edition.end_goals.values_list("code", "title"))
    barriers = list(BarrierCategory.objects.values_list("slug", "name"))
    statements = list(snapshot.edition.pulse_statements.values_list("code", "text"))
    name = place.name
    charts = [
        _side_by_side(
            table,
            place,
            slug="end-goals",
            title=_("Share of organisations adopting, per end goal: %(place)s and Europe")
            % {"place": name},
            value_label=_("Share of organisations adopting (%)"),
            measure="share_adopting_percent",
            row_field="end_goal",
            row_label=_("End goal"),
            subject=Subject.END_GOAL,
            cell_measure="share_adopting",
            items=goals,
        ),
        _side_by_side(
            table,
            place,
            slug="maturity",
            title=_("Median maturity level, per end goal: %(place)s and Europe") % {"place": name},
            value_label=_("Median maturity level (1 to 5)"),
            measure="median_maturity_level",
            row_field="end_goal",
            row_label=_("End goal"),
            subject=Subject.MATURITY_GOAL,
            cell_measure="maturity_median",
            items=goals,
            unit="",
            scale_max=MATURITY_MAX,
        ),
        _side_by_side(
            table,
            place,
            slug="barriers",
            title=_("Share of organisations reporting each barrier: %(place)s and Europe")
            % {"place": name},
            value_label=_("Share of organisations reporting the barrier (%)"),
            measure="share_reporting_percent",
            row_field="barrier",
            row_label=_("Barrier"),
            subject=Subject.BARRIER,
            cell_measure="share_reporting",
            items=barriers,
        ),
    ]
    return PlaceReport(
        place=place,
        snapshot=snapshot,
        published=not population.suppressed,
        charts=charts,
        trend=trend_chart(
            snapshot,
            goals,
            breakdown=place.breakdown,
            value=place.value,
            slug=f"{place.slug}-trend",
            title=_("Share of organisations adopting each end goal over time: %(place)s")
            % {"place": name},
        ),
        readiness=_readiness(table, place, barriers, _addressing_actions()),
        pulse=_side_by_side(
            table,
            place,
            slug="pulse",
            title=_(
                "Share of answers agreeing with each statement of the pulse: %(place)s and Europe"
            )
            % {"place": name},
            value_label=_("Share of answers that agree or strongly agree (%)"),
            measure=PULSE_MEASURE,
            row_field="statement",
            row_label=_("Statement"),
            subject=Subject.PULSE,
            cell_measure=PULSE_MEASURE,
            items=statements,
        )
        if statements
        else None,
    )


def cached_place_report(place: Place, snapshot: BenchmarkSnapshot) -> PlaceReport:
    """:func:`place_report`, kept per snapshot (a compiled snapshot never changes) and
    roadmap content version and language (the names it shows)."""
    name = f"benchmarks:place:{place.breakdown}:{place.value}:{snapshot_key(snapshot)}"
    return cached_with_content(name, lambda: place_report(place, snapshot))


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", code))


def _readiness(
    table: CellTable,
    place: Place,
    barriers: list[tuple[str, str]],
    addressing: list[tuple[str, Action]],
) -> list[Readiness]:
    """The barrier categories with the highest published shares in the place (at most
    three, none withheld, none at 0), each with the published edition's actions that
    address it (``addressing``: (category slug, action)), by code."""
    k = table.snapshot.min_group_size
    published = []
    for slug, name in barriers:
        figure = table.get(Subject.BARRIER, slug, "share_reporting", place.breakdown, place.value)
        if figure.value is not None and figure.value > 0:
            published.append(Readiness(slug, name, shown(figure, k, "%")))
    published.sort(key=lambda r: (-(r.share.value or 0), r.name))
    top = published[:READINESS_TOP]
    if not top:
        return []
    by_slug = {r.slug: r for r in top}
    for slug, action in addressing:
        if slug in by_slug:
            by_slug[slug].actions.append((action.code, action.title, action.get_absolute_url()))
    for row in top:
        row.actions.sort(key=lambda a: _code_key(a[0]))
    return top


def _addressing_actions() -> list[tuple[str, Action]]:
    """(barrier category slug, action) for every action of the published edition that
    addresses a barrier: one query, whatever the figures (so the page's count is too)."""
    links = Action.addresses_barriers.through.objects.filter(
        action__edition__in=Edition.objects.published()
    ).select_related("action", "barriercategory")
    return [(link.barriercategory.slug, link.action) for link in links]


def place_csv(place: Place, slug: str) -> Rendered | None:
    """One chart of the place's page as CSV (the latest snapshot), or None."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return None
    chart = cached_place_report(place, snapshot).chart(slug)
    return None if chart is None else ChartCSV(chart, snapshot).render("csv")
