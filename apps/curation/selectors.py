"""The curators' learning report: per action, across the published snapshots.

Read from snapshot cells only, never from progress rows: uptake is the public
``share_adopting`` (everyone), the rest the curators' figures the compile adds
(:mod:`apps.benchmarking.compile_curation`), all already anonymised. **Published
snapshots only**, like every other reader: a held snapshot's audit found something (or
has not run), and the curators' proposals should rest on figures that passed it. A
withheld figure stays withheld, with its reason; flags are raised from published figures
only (a withheld share raises none).

Flags (thresholds in settings, defaults in ``roadmap_portal/settings/base.py``):

- **low uptake**: ``share_adopting`` below ``CURATION_LOW_UPTAKE_PERCENT`` in each of the
  last ``CURATION_LOW_UPTAKE_PERIODS`` (at least 3) published snapshots;
- **stalled**: in the latest snapshot, ``share_dormant`` at least
  ``CURATION_STALLED_PERCENT``;
- **often discontinued**: in the latest snapshot, ``share_discontinued`` at least
  ``CURATION_DISCONTINUED_PERCENT``.

The assumptions challenged: per action, the assumptions of the theory of change that
organisations said did not hold for them (on a barrier report or when discontinuing), with
how many organisations said so, in the latest snapshot, most named first; only counts the
rules publish.

Five queries whatever the number of actions and periods: the snapshots, their cells, the
actions, the barrier categories and the assumptions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from apps.benchmarking.compile_curation import ASSUMPTION_MEASURE, BARRIER_MEASURE
from apps.benchmarking.figures import NO_DATA, footnote, text
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject
from apps.roadmap.models import Action, Assumption, BarrierCategory, Edition

from .models import Flag

# The most periods the report reads (the latest ones).
PERIODS = 8
TOP_BARRIERS = 3
UPTAKE = "share_adopting"


@dataclass(frozen=True)
class Value:
    """A figure as the report shows it: its value, or why it is withheld."""

    value: Decimal | None
    reason: str = ""  # the withheld figure's reason, translated

    @property
    def withheld(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return text(self.value)


@dataclass(frozen=True)
class Period:
    label: str
    k: int


@dataclass(frozen=True)
class Barrier:
    slug: str
    name: str
    organisations: Decimal


@dataclass(frozen=True)
class Challenged:
    """An assumption organisations said did not hold for their adoptions of an action."""

    code: str
    text: str
    organisations: Decimal


@dataclass
class ActionRow:
    code: str
    title: str
    end_goal: str
    end_goal_title: str
    uptake: list[Value] = field(default_factory=list)  # one per period of the report
    dormant: Value = Value(None)  # share of adopters, latest period
    discontinued: Value = Value(None)  # share of those who adopted it, latest period
    days_implemented: Value = Value(None)  # median days, latest period
    days_embedded: Value = Value(None)
    barriers: list[Barrier] = field(default_factory=list)  # the most reported, latest period
    assumptions: list[Challenged] = field(default_factory=list)  # most named first, latest
    flags: list[Flag] = field(default_factory=list)

    @property
    def trend(self) -> Decimal | None:
        """Uptake's change from the previous period to the latest (percentage points), when
        both are published."""
        if len(self.uptake) < 2:
            return None
        last, before = self.uptake[-1].value, self.uptake[-2].value
        if last is None or before is None:
            return None
        return last - before

    @property
    def trend_text(self) -> str:
        trend = self.trend
        if trend is None:
            return ""
        return ("+" if trend > 0 else "") + text(trend)


@dataclass
class CurationReport:
    periods: list[Period]
    rows: list[ActionRow]

    @property
    def latest(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    def end_goals(self) -> list[tuple[str, str]]:
        return sorted({(r.end_goal, r.end_goal_title) for r in self.rows})

    def filtered(self, *, flag: str = "", end_goal: str = "") -> list[ActionRow]:
        return [
            r
            for r in self.rows
            if (not flag or flag in r.flags) and (not end_goal or r.end_goal == end_goal)
        ]


def curation_report(codes: Iterable[str] | None = None) -> CurationReport:
    """Every action of the published edition (or those of ``codes``), across the latest
    published snapshots, oldest first."""
    snapshots = list(
        BenchmarkSnapshot.objects.published()
        .order_by("-period__starts_on")
        .values_list("pk", "period__label", "min_group_size")[:PERIODS]
    )[::-1]
    periods = [Period(label, k) for _pk, label, k in snapshots]
    index = {pk: i for i, (pk, _label, _k) in enumerate(snapshots)}
    actions = Action.objects.published().select_related("intermediate_goal__end_goal")
    if codes is not None:
        actions = actions.filter(code__in=list(codes))
    rows = {
        a.code: ActionRow(
            a.code,
            a.title,
            a.intermediate_goal.end_goal.code,
            a.intermediate_goal.end_goal.title,
            uptake=[Value(None, footnote(NO_DATA, p.k)) for p in periods],
        )
        for a in actions.order_by("code")
    }
    if periods and rows:
        _read_cells(rows, periods, index)
    for row in rows.values():
        row.flags = flags_of(row)
    return CurationReport(periods, list(rows.values()))


def _read_cells(rows: dict[str, ActionRow], periods: list[Period], index: dict[int, int]) -> None:
    latest = len(periods) - 1
    cells = BenchmarkCell.objects.filter(snapshot__in=list(index), breakdown=Breakdown.ALL).filter(
        Q(subject_type=Subject.ACTION, measure=UPTAKE, subject_code__in=list(rows))
        | Q(subject_type=Subject.CURATION_ACTION, subject_code__in=list(rows))
        # Barriers and assumptions are read for the latest period only.
        | Q(
            subject_type__in=[Subject.CURATION_BARRIER, Subject.CURATION_ASSUMPTION],
            snapshot=next(pk for pk, at in index.items() if at == latest),
        )
    )
    names = dict(BarrierCategory.objects.values_list("slug", "name"))
    texts = dict(
        Assumption.objects.filter(edition__in=Edition.objects.published()).values_list(
            "code", "text"
        )
    )
    barriers: dict[str, list[Barrier]] = defaultdict(list)
    challenged: dict[str, list[Challenged]] = defaultdict(list)
    rows_of = cells.values_list(
        "snapshot_id", "subject_type", "subject_code", "measure", "value", "reason"
    )
    for snapshot, subject, code, measure, value, reason in rows_of:
        at = index[snapshot]
        shown = Value(value, "" if value is not None else footnote(reason, periods[at].k))
        if subject == Subject.ACTION:
            rows[code].uptake[at] = shown
        elif at != latest:
            continue
        elif subject == Subject.CURATION_ACTION:
            _set_latest(rows[code], measure, shown)
        elif value is None:
            continue
        elif measure == BARRIER_MEASURE:
            action, _slash, slug = code.partition("/")
            if action in rows:
                barriers[action].append(Barrier(slug, names.get(slug, slug), value))
        elif measure == ASSUMPTION_MEASURE:
            action, _slash, assumption = code.partition("/")
            if action in rows:
                text = texts.get(assumption, "")
                challenged[action].append(Challenged(assumption, text, value))
    for code, found in barriers.items():
        found.sort(key=lambda b: (-b.organisations, b.name))
        rows[code].barriers = found[:TOP_BARRIERS]
    for code, named in challenged.items():
        rows[code].assumptions = sorted(named, key=lambda a: (-a.organisations, a.code))


_LATEST_FIELDS = {
    "share_dormant": "dormant",
    "share_discontinued": "discontinued",
    "days_implemented_median": "days_implemented",
    "days_embedded_median": "days_embedded",
}


def _set_latest(row: ActionRow, measure: str, shown: Value) -> None:
    name = _LATEST_FIELDS.get(measure)
    if name is not None:
        setattr(row, name, shown)


def flags_of(row: ActionRow) -> list[Flag]:
    """The flags the rules of the module docstring raise for an action."""
    flags = []
    periods = max(3, settings.CURATION_LOW_UPTAKE_PERIODS)
    last = row.uptake[-periods:]
    if len(last) == periods and all(
        v.value is not None and v.value < settings.CURATION_LOW_UPTAKE_PERCENT for v in last
    ):
        flags.append(Flag.LOW_UPTAKE)
    if row.dormant.value is not None and row.dormant.value >= settings.CURATION_STALLED_PERCENT:
        flags.append(Flag.STALLED)
    discontinued = row.discontinued.value
    if discontinued is not None and discontinued >= settings.CURATION_DISCONTINUED_PERCENT:
        flags.append(Flag.DISCONTINUED)
    return flags
