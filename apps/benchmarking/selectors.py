"""Reads of benchmarks that the pages, the exports and the API share.

Public figures come only from snapshot cells, which the anonymisation rules
have already protected. An organisation's own position is computed from its
own adoptions, for its own members, and compared with those cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.adoption.models import AdoptionStatus
from apps.roadmap.models import Dimension

from .anonymisation import REASONS
from .compile import adoptions_at_end
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject

if TYPE_CHECKING:
    from apps.organisations.models import Organisation


@dataclass(frozen=True)
class Figure:
    """One published figure, or the reason it is withheld."""

    value: Decimal | None
    n: int
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def explain(self, k: int) -> str:
        return REASONS.get(self.reason, "").format(k=k)


MISSING = Figure(value=None, n=0, reason="no_data")


def snapshots() -> list[BenchmarkSnapshot]:
    """Every snapshot, newest first."""
    return list(BenchmarkSnapshot.objects.select_related("period", "edition"))


def latest_snapshot() -> BenchmarkSnapshot | None:
    return BenchmarkSnapshot.objects.select_related("period", "edition").first()


def snapshot_for(label: str) -> BenchmarkSnapshot | None:
    return (
        BenchmarkSnapshot.objects.select_related("period", "edition")
        .filter(period__label=label)
        .first()
    )


class CellTable:
    """A snapshot's cells for some subject types, indexed for lookup. One query."""

    def __init__(self, snapshot: BenchmarkSnapshot, subject_types: list[str]) -> None:
        self.snapshot = snapshot
        self._cells: dict[tuple, Figure] = {}
        rows = BenchmarkCell.objects.filter(
            snapshot=snapshot, subject_type__in=subject_types
        ).values_list(
            "subject_type",
            "subject_code",
            "breakdown",
            "breakdown_value",
            "measure",
            "value",
            "n",
            "reason",
        )
        for subject, code, breakdown, value, measure, figure, n, reason in rows:
            self._cells[(subject, code, breakdown, value, measure)] = Figure(figure, n, reason)

    def get(
        self, subject: str, code: str, measure: str, breakdown: str = "all", value: str = ""
    ) -> Figure:
        return self._cells.get((subject, code, breakdown, value, measure), MISSING)

    def breakdown_values(self, subject: str, breakdown: str) -> list[str]:
        return sorted({k[3] for k in self._cells if k[0] == subject and k[2] == breakdown})


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
        BenchmarkCell.objects.filter(
            subject_type=subject,
            subject_code=code,
            measure=measure,
            breakdown=breakdown,
            breakdown_value=value,
        )
        .select_related("snapshot__period")
        .order_by("snapshot__period__starts_on")
    )
    return [(r.snapshot.period.label, Figure(r.value, r.n, r.reason)) for r in rows]


def trends(*, subject: str, codes: list[str], measure: str) -> dict[str, Any]:
    """Several subjects' figure over every snapshot, shaped for a line chart. One query."""
    rows = (
        BenchmarkCell.objects.filter(
            subject_type=subject, subject_code__in=codes, measure=measure, breakdown="all"
        )
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
    code: str
    title: str
    adopted: int
    total: int
    group_median: Figure = MISSING
    everyone_median: Figure = MISSING
    band: str = ""
    band_basis: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.adopted / self.total) if self.total else 0


BANDS = [
    ("bottom", _("in the bottom quarter")),
    ("lower", _("in the second quarter")),
    ("upper", _("in the third quarter")),
    ("top", _("in the top quarter")),
]


def percentile_band(value: float, q1: Figure, median: Figure, q3: Figure) -> str:
    """Which quarter of the distribution ``value`` falls in; "" when it is withheld."""
    if q1.suppressed or median.suppressed or q3.suppressed:
        return ""
    if value < q1.value:
        return BANDS[0][1]
    if value < median.value:
        return BANDS[1][1]
    if value <= q3.value:
        return BANDS[2][1]
    return BANDS[3][1]


@dataclass
class OrganisationPosition:
    snapshot: BenchmarkSnapshot
    organisation: Organisation
    end_goals: list[Position] = field(default_factory=list)
    dimensions: list[Position] = field(default_factory=list)
    peer_actions: list[dict[str, Any]] = field(default_factory=list)
    trailing_goals: list[dict[str, Any]] = field(default_factory=list)


def _own_counts(organisation: Organisation, snapshot: BenchmarkSnapshot) -> dict[str, Any]:
    mine = (
        adoptions_at_end(snapshot.period, snapshot.edition, verified_only=False)
        .filter(organisation=organisation)
        .exclude(status_at=AdoptionStatus.DISCONTINUED)
    )
    return {
        "actions": set(mine.values_list("action__code", flat=True)),
        "goals": dict(
            mine.values_list("action__intermediate_goal__end_goal__code").annotate(n=Count("id"))
        ),
        "dimensions": dict(mine.values_list("action__dimension__slug").annotate(n=Count("id"))),
        "intermediate": dict(
            mine.values_list("action__intermediate_goal__code").annotate(n=Count("id"))
        ),
    }


def _position(table, subject, code, title, adopted, total, group) -> Position:
    row = Position(code=code, title=title, adopted=adopted, total=total)
    row.group_median = table.get(subject, code, "coverage_median", "stakeholder_group", group)
    row.everyone_median = table.get(subject, code, "coverage_median")
    for basis, breakdown, value in (
        (_("your stakeholder group"), "stakeholder_group", group),
        (_("all organisations"), "all", ""),
    ):
        quartiles = [
            table.get(subject, code, m, breakdown, value)
            for m in ("coverage_q1", "coverage_median", "coverage_q3")
        ]
        row.band = percentile_band(adopted, *quartiles)
        if row.band:
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
    table = CellTable(
        snapshot, [Subject.END_GOAL, Subject.DIMENSION, Subject.ACTION, Subject.INTERMEDIATE_GOAL]
    )
    own = _own_counts(organisation, snapshot)
    edition = snapshot.edition
    result = OrganisationPosition(snapshot=snapshot, organisation=organisation)
    goal_totals = dict(
        edition.actions.values_list("intermediate_goal__end_goal__code").annotate(n=Count("id"))
    )
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
            )
        )
    dimension_totals = dict(edition.actions.values_list("dimension__slug").annotate(n=Count("id")))
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
            )
        )
    result.peer_actions = _peer_actions(table, edition, group, own["actions"])
    result.trailing_goals = _trailing_goals(table, edition, group, own["intermediate"])
    return result


def _peer_actions(table, edition, group, mine) -> list[dict[str, Any]]:
    """The ten actions the group's organisations adopt most (published shares only)."""
    rows = []
    for action in edition.actions.all():
        share = table.get(Subject.ACTION, action.code, "share_adopting", "stakeholder_group", group)
        if not share.suppressed and share.value > 0:
            rows.append({"action": action, "share": share, "adopted": action.code in mine})
    rows.sort(key=lambda r: (-r["share"].value, r["action"].code))
    return rows[:10]


def _trailing_goals(table, edition, group, mine) -> list[dict[str, Any]]:
    """Intermediate goals where most of the group adopts something and the organisation nothing."""
    rows = []
    for goal in edition.intermediate_goals.select_related("end_goal"):
        share = table.get(
            Subject.INTERMEDIATE_GOAL, goal.code, "share_adopting", "stakeholder_group", group
        )
        if not share.suppressed and share.value >= 50 and not mine.get(goal.code):
            rows.append({"goal": goal, "share": share})
    return rows
