"""Reads of benchmarks that the pages, the exports and the API share.

Public figures come only from snapshot cells, which the anonymisation rules
have already protected. An organisation's own position is computed from its
own adoptions, for its own members, and compared with those cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.adoption.models import AdoptionStatus
from apps.core.cache import fail_open, remember, renew_tokens
from apps.roadmap.cache import cached_with_versions
from apps.roadmap.models import Dimension

from .compile import adoptions_at_end
from .figures import MISSING, Figure
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.organisations.models import Organisation
    from apps.roadmap.models import Action


def snapshot_key(snapshot: BenchmarkSnapshot) -> str:
    """What names a snapshot in cache keys: its id and when it was compiled (an id alone
    could come back after the database is made again, with another snapshot)."""
    return f"{snapshot.pk}-{snapshot.compiled_at.timestamp():.6f}"


def published_snapshots() -> QuerySet[BenchmarkSnapshot]:
    """Published snapshots, newest first: every read of snapshots for pages, the API and
    exports starts here (a snapshot held back by its audit is for the admin only)."""
    return BenchmarkSnapshot.objects.published().select_related("period", "edition")


def snapshots() -> list[BenchmarkSnapshot]:
    """Every published snapshot, newest first (the period choosers): kept in the cache,
    stamped with the snapshots' version (renewed whenever a snapshot is saved or deleted)
    and the roadmap content's (an edition edited), so a page reads it at no query."""
    every: list[BenchmarkSnapshot] = cached_with_versions(
        "benchmarking:snapshots",
        lambda: list(published_snapshots()),
        tokens=[SNAPSHOTS_VERSION_KEY],
        timeout=SNAPSHOT_INDEX_SECONDS,
    )
    return every


SNAPSHOT_INDEX_KEY = "benchmarking:snapshots"
SNAPSHOT_INDEX_SECONDS = 5 * 60
# A version token (apps/core/cache.py) of the snapshots there are, renewed with the index:
# what is cached with the latest snapshot's figures (an organisation's overlay) is stamped
# with it, at no query.
SNAPSHOTS_VERSION_KEY = "benchmarking:snapshots-version"


def snapshot_index() -> list[tuple[str, str]]:
    """``(period label, snapshot_key)`` of every snapshot, newest first: what a cached page
    is keyed on. Kept in the cache; forgotten whenever a snapshot is saved or deleted."""
    index: list[tuple[str, str]] = remember(
        SNAPSHOT_INDEX_KEY,
        lambda: [(s.period.label, snapshot_key(s)) for s in snapshots()],
        SNAPSHOT_INDEX_SECONDS,
    )
    return index


def forget_snapshot_index(**kwargs: Any) -> None:
    """Receiver of a snapshot's saves and deletions: for the transaction's next read, and
    after the commit."""

    def forget() -> None:
        fail_open(cache.delete, SNAPSHOT_INDEX_KEY)

    forget()
    transaction.on_commit(forget, robust=True)
    renew_tokens([SNAPSHOTS_VERSION_KEY])


def latest_snapshot() -> BenchmarkSnapshot | None:
    return published_snapshots().first()


def snapshot_for(label: str) -> BenchmarkSnapshot | None:
    """The published snapshot of the period ``label``, or None."""
    return published_snapshots().filter(period__label=label).first()


# A cell's key: subject type and code, breakdown and its value, measure.
CellKey = tuple[str, str, str, str, str]


class CellTable:
    """A snapshot's cells for some subject types, indexed for lookup. One query.

    ``measures`` and ``bundles`` (``(breakdown, value)`` pairs) narrow what is read to
    what the page shows: a snapshot holds tens of thousands of cells."""

    def __init__(
        self,
        snapshot: BenchmarkSnapshot,
        subject_types: Sequence[str],
        *,
        measures: Sequence[str] | None = None,
        bundles: Sequence[tuple[str, str]] | None = None,
        cells: dict[CellKey, Figure] | None = None,
    ) -> None:
        """``cells``: the figures read before (see :attr:`cells`); no query then."""
        self.snapshot = snapshot
        self.cells: dict[CellKey, Figure] = {}
        if cells is not None:
            self.cells = cells
            return
        rows = BenchmarkCell.objects.filter(snapshot=snapshot, subject_type__in=subject_types)
        if measures is not None:
            rows = rows.filter(measure__in=measures)
        if bundles is not None:  # the breakdowns first: they are in the index
            rows = rows.filter(breakdown__in={b for b, _v in bundles}).filter(
                reduce(or_, [Q(breakdown=b, breakdown_value=v) for b, v in bundles])
            )
        values = rows.values_list(
            "subject_type",
            "subject_code",
            "breakdown",
            "breakdown_value",
            "measure",
            "value",
            "n",
            "reason",
        )
        for subject, code, breakdown, value, measure, figure, n, reason in values:
            key = (subject, code, breakdown, value, measure)
            self.cells[key] = Figure.of_cell(figure, n, reason)

    def get(
        self, subject: str, code: str, measure: str, breakdown: str = "all", value: str = ""
    ) -> Figure:
        return self.cells.get((subject, code, breakdown, value, measure), MISSING)

    def breakdown_values(self, subject: str, breakdown: str) -> list[str]:
        return sorted({k[3] for k in self.cells if k[0] == subject and k[2] == breakdown})


# --- The public view -----------------------------------------------------------------------


def public_overview(snapshot: BenchmarkSnapshot) -> dict[str, Any]:
    """End goals and dimensions for everyone, by stakeholder group and by region,
    plus maturity, metrics and barriers for everyone. Figures may be suppressed."""
    table = CellTable(
        snapshot,
        [
            Subject.END_GOAL,
            Subject.DIMENSION,
            Subject.POPULATION,
            Subject.MATURITY_GOAL,
            Subject.METRIC,
            Subject.BARRIER,
        ],
    )
    edition = snapshot.edition
    goals = [(g.code, g.title) for g in edition.end_goals.all()]
    dimensions = [(d.slug, d.name) for d in Dimension.objects.all()]
    return {
        "snapshot": snapshot,
        "population": table.get(Subject.POPULATION, "", "organisations"),
        "end_goals": goals,
        "dimensions": dimensions,
        "table": table,
        "breakdowns": {
            b: table.breakdown_values(Subject.POPULATION, b)
            for b in (Breakdown.STAKEHOLDER_GROUP, Breakdown.REGION, Breakdown.LEVEL)
        },
    }


def trend(
    *, subject: str, code: str, measure: str, breakdown: str = "all", value: str = ""
) -> list[tuple[str, Figure]]:
    """A figure over every snapshot, oldest first: (period label, figure)."""
    rows = (
        BenchmarkCell.objects.published()
        .filter(
            subject_type=subject,
            subject_code=code,
            measure=measure,
            breakdown=breakdown,
            breakdown_value=value,
        )
        .select_related("snapshot__period")
        .order_by("snapshot__period__starts_on")
    )
    return [(r.snapshot.period.label, Figure.of_cell(r.value, r.n, r.reason)) for r in rows]


def trends(*, subject: str, codes: list[str], measure: str) -> dict[str, Any]:
    """Several subjects' figure over every snapshot, shaped for a line chart. One query."""
    rows = (
        BenchmarkCell.objects.published()
        .filter(subject_type=subject, subject_code__in=codes, measure=measure, breakdown="all")
        .values_list(
            "snapshot__period__label", "snapshot__period__starts_on", "subject_code", "value"
        )
        .order_by("snapshot__period__starts_on")
    )
    labels: list[str] = []
    series: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for label, _start, code, figure in rows:
        if label not in labels:
            labels.append(label)
        series[code][label] = figure
    return {
        "dates": labels,
        "series": {c: [series[c].get(label) for label in labels] for c in codes if c in series},
    }


# --- An organisation's position ------------------------------------------------------------


@dataclass
class Position:
    """An organisation's coverage of an end goal or a dimension, against its peers.

    ``band_key`` is a key of :data:`BANDS`: where the coverage falls in the distribution of
    its stakeholder group (or of everyone), never a rank; :data:`NO_DATA` when the
    organisation had recorded nothing by the period's end (it is not placed at all); ""
    when the quartiles are withheld. Pages, the API and the exports all read it from here.
    """

    code: str
    title: str
    adopted: int
    total: int
    group_median: Figure = MISSING
    everyone_median: Figure = MISSING
    band_key: str = ""
    band_basis: StrOrPromise = ""

    @property
    def percent(self) -> int:
        return round(100 * self.adopted / self.total) if self.total else 0

    @property
    def has_data(self) -> bool:
        return self.band_key != NO_DATA

    @property
    def band(self) -> StrOrPromise:
        """The band in words ("around the median"); "" when the quartiles are withheld."""
        return BANDS.get(self.band_key, "")


NO_DATA = "no_data"
# Bands, from the bottom up. A value equal to a quartile belongs to the band nearer the
# median: at the first quartile it is in the second quarter, at the third quartile in the
# third, and at the median (whatever the ties around it) "around the median".
BANDS: dict[str, StrOrPromise] = {
    "bottom": _("in the bottom quarter"),
    "lower": _("in the second quarter"),
    "median": _("around the median"),
    "upper": _("in the third quarter"),
    "top": _("in the top quarter"),
    NO_DATA: _("no data for this period"),
}


def percentile_band(value: float, q1: Figure, median: Figure, q3: Figure) -> str:
    """The key of the band (:data:`BANDS`) ``value`` falls in; "" when a quartile is
    withheld. The one place the band rule is written."""
    if q1.value is None or median.value is None or q3.value is None:  # withheld
        return ""
    if value == median.value:
        return "median"
    if value < median.value:
        return "bottom" if value < q1.value else "lower"
    return "top" if value > q3.value else "upper"


@dataclass
class OrganisationPosition:
    snapshot: BenchmarkSnapshot
    organisation: Organisation
    # Whether the organisation had recorded any adoption by the period's end: when not, its
    # positions say "no data for this period" and place it in no band.
    recorded: bool = True
    end_goals: list[Position] = field(default_factory=list)
    dimensions: list[Position] = field(default_factory=list)
    peer_actions: list[dict[str, Any]] = field(default_factory=list)
    trailing_goals: list[dict[str, Any]] = field(default_factory=list)


def _own_counts(organisation: Organisation, snapshot: BenchmarkSnapshot) -> dict[str, Any]:
    """The organisation's adoptions (not discontinued) at the period's end: the actions,
    and how many per end goal, dimension and intermediate goal; ``recorded``: whether it
    had recorded any adoption by then (discontinued ones too). One query."""
    rows = list(
        adoptions_at_end(snapshot.period, snapshot.edition, verified_only=False)
        .filter(organisation=organisation)
        .values_list(
            F("status_at"),  # the queryset's annotation, which the model's fields do not list
            "action__code",
            "action__intermediate_goal__end_goal__code",
            "action__dimension__slug",
            "action__intermediate_goal__code",
        )
    )
    mine = [row[1:] for row in rows if row[0] != AdoptionStatus.DISCONTINUED]
    return {
        "recorded": bool(rows),
        "actions": {action for action, _goal, _dimension, _intermediate in mine},
        "goals": Counter(goal for _action, goal, _dimension, _intermediate in mine),
        "dimensions": Counter(dimension for _action, _goal, dimension, _intermediate in mine),
        "intermediate": Counter(intermediate for *_rest, intermediate in mine),
    }


# The cells an organisation's position reads, for everyone and for its stakeholder group.
POSITION_SUBJECTS = [Subject.END_GOAL, Subject.DIMENSION, Subject.ACTION, Subject.INTERMEDIATE_GOAL]
POSITION_MEASURES = ["coverage_q1", "coverage_median", "coverage_q3", "share_adopting"]
PEERS_SECONDS = 24 * 60 * 60


def peer_table(snapshot: BenchmarkSnapshot, group: str) -> CellTable:
    """The published figures an organisation of ``group`` is compared with (everyone's and
    its group's). A compiled snapshot never changes: kept in the cache per snapshot and
    group (a recompiled period is a new snapshot)."""
    bundles = [(Breakdown.ALL, ""), (Breakdown.STAKEHOLDER_GROUP, group)]
    cells = remember(
        f"benchmarking:peers:{snapshot_key(snapshot)}:{group}",
        lambda: (
            CellTable(
                snapshot, POSITION_SUBJECTS, measures=POSITION_MEASURES, bundles=bundles
            ).cells
        ),
        PEERS_SECONDS,
    )
    return CellTable(snapshot, POSITION_SUBJECTS, cells=cells)


def _position(
    table: CellTable,
    subject: str,
    code: str,
    title: str,
    adopted: int,
    total: int,
    group: str,
    *,
    recorded: bool = True,
) -> Position:
    """``recorded``: whether the organisation had recorded anything by the period's end.
    When it had not, it is told so and placed in no band (its zeros are no data)."""
    row = Position(code=code, title=title, adopted=adopted, total=total)
    row.group_median = table.get(subject, code, "coverage_median", "stakeholder_group", group)
    row.everyone_median = table.get(subject, code, "coverage_median")
    if not recorded:
        row.band_key = NO_DATA
        return row
    for basis, breakdown, value in (
        (_("your stakeholder group"), "stakeholder_group", group),
        (_("all organisations"), "all", ""),
    ):
        quartiles = [
            table.get(subject, code, m, breakdown, value)
            for m in ("coverage_q1", "coverage_median", "coverage_q3")
        ]
        row.band_key = percentile_band(adopted, *quartiles)
        if row.band_key:
            row.band_basis = basis
            break
    return row


def organisation_position(
    *, organisation: Organisation, snapshot: BenchmarkSnapshot
) -> OrganisationPosition:
    """Where the organisation stands in a snapshot's period: its own coverage of each
    end goal and dimension against its group's and everyone's (medians and a percentile
    band, never a rank), the actions its peers adopt most, and the intermediate goals
    where it trails its group. The organisation's own figures are shown to it alone."""
    group = organisation.stakeholder_group.slug
    table = peer_table(snapshot, group)
    own = _own_counts(organisation, snapshot)
    edition = snapshot.edition
    result = OrganisationPosition(
        snapshot=snapshot, organisation=organisation, recorded=own["recorded"]
    )
    # The edition's actions, once: the totals per end goal and dimension, the peers' most
    # adopted actions, and the intermediate goals (every one that has an action).
    actions = list(edition.actions.select_related("intermediate_goal__end_goal", "dimension"))
    goal_totals = Counter(a.intermediate_goal.end_goal.code for a in actions)
    for goal in edition.end_goals.all():
        result.end_goals.append(
            _position(
                table,
                Subject.END_GOAL,
                goal.code,
                goal.title,
                own["goals"].get(goal.code, 0),
                goal_totals.get(goal.code, 0),
                group,
                recorded=own["recorded"],
            )
        )
    dimension_totals = Counter(a.dimension.slug for a in actions)
    for dimension in Dimension.objects.all():
        result.dimensions.append(
            _position(
                table,
                Subject.DIMENSION,
                dimension.slug,
                dimension.name,
                own["dimensions"].get(dimension.slug, 0),
                dimension_totals.get(dimension.slug, 0),
                group,
                recorded=own["recorded"],
            )
        )
    result.peer_actions = _peer_actions(table, actions, group, own["actions"])
    result.trailing_goals = _trailing_goals(table, actions, group, own["intermediate"])
    return result


def _peer_actions(
    table: CellTable, actions: list[Action], group: str, mine: set[str]
) -> list[dict[str, Any]]:
    """The ten actions the group's organisations adopt most (published shares only)."""
    rows: list[dict[str, Any]] = []
    for action in actions:
        share = table.get(Subject.ACTION, action.code, "share_adopting", "stakeholder_group", group)
        if share.value is not None and share.value > 0:
            rows.append({"action": action, "share": share, "adopted": action.code in mine})
    rows.sort(key=lambda r: (-r["share"].value, r["action"].code))
    return rows[:10]


def _trailing_goals(
    table: CellTable, actions: list[Action], group: str, mine: Counter[str]
) -> list[dict[str, Any]]:
    """Intermediate goals where most of the group adopts something and the organisation nothing.
    (A goal with no action has no one adopting it: only the actions' goals are read.)"""
    goals = {a.intermediate_goal.pk: a.intermediate_goal for a in actions}
    rows: list[dict[str, Any]] = []
    for goal in sorted(goals.values(), key=lambda g: (g.order, g.code)):
        share = table.get(
            Subject.INTERMEDIATE_GOAL, goal.code, "share_adopting", "stakeholder_group", group
        )
        if share.value is not None and share.value >= 50 and not mine.get(goal.code):
            rows.append({"goal": goal, "share": share})
    return rows
