"""Peer uptake of the roadmap: the share of organisations adopting each action (for the
catalogue and the action pages) and each goal (for the uptake map, where a goal's share is
of organisations adopting at least one of its actions).

Read from the latest published snapshot only (a held one is for the admins), everyone
("all" breakdown), measure ``share_adopting``. A withheld figure stays withheld: it comes
with the reason the rules give, translated, and never with a value or its ``n``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .figures import footnote, text
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject

if TYPE_CHECKING:
    from apps.roadmap.models import Action, Edition, EndGoal, IntermediateGoal

MEASURE = "share_adopting"


@dataclass(frozen=True)
class Uptake:
    """The share of organisations adopting an action (percent), or why it is withheld."""

    share: Decimal | None
    period: str
    reason: str = ""

    @property
    def withheld(self) -> bool:
        return self.share is None

    @property
    def share_text(self) -> str:
        return text(self.share)


def action_uptake() -> dict[str, Uptake]:
    """``{action code: Uptake}`` from the latest published snapshot; empty when none is
    published. One query, however many actions."""
    return uptake_of(Subject.ACTION)


def roadmap_uptake() -> dict[str, Uptake]:
    """``{code: Uptake}`` of every action, intermediate goal and end goal (their codes never
    collide: A1.2.3, IG1.2, EG1), from the latest published snapshot. One query."""
    return uptake_of(Subject.ACTION, Subject.INTERMEDIATE_GOAL, Subject.END_GOAL)


def uptake_of(*subjects: Subject) -> dict[str, Uptake]:
    latest = BenchmarkSnapshot.objects.published().order_by("-period__starts_on").values("pk")[:1]
    cells = BenchmarkCell.objects.filter(
        snapshot__in=latest,
        subject_type__in=subjects,
        breakdown=Breakdown.ALL,
        measure=MEASURE,
    ).values_list(
        "subject_code",
        "value",
        "suppressed",
        "reason",
        "snapshot__min_group_size",
        "snapshot__period__label",
    )
    uptake = {}
    for code, value, suppressed, reason, k, period in cells:
        if suppressed or value is None:
            uptake[code] = Uptake(share=None, period=period, reason=footnote(reason, k))
        else:
            uptake[code] = Uptake(share=value, period=period)
    return uptake


# The uptake map's heat levels: the lowest share (percent) of each, from the lightest.
HEAT_LEVELS = (0, 10, 25, 50, 75)
WITHHELD = "withheld"


def heat_level(uptake: Uptake) -> str:
    """The heat level of a share ("0" to "4"), or ``WITHHELD``. The map draws a level as a
    fill and always writes the share beside it: the level is never read from colour alone."""
    if uptake.share is None:
        return WITHHELD
    level = sum(1 for lowest in HEAT_LEVELS[1:] if uptake.share >= lowest)
    return str(level)


def heat_ranges() -> list[tuple[str, Decimal, Decimal | None]]:
    """Each level with the shares it covers, [lowest, next lowest), for the legend."""
    uppers: list[int | None] = [*HEAT_LEVELS[1:], None]
    return [
        (str(i), Decimal(lowest), None if upper is None else Decimal(upper))
        for i, (lowest, upper) in enumerate(zip(HEAT_LEVELS, uppers, strict=True))
    ]


@dataclass(frozen=True)
class UptakeRow:
    """A line of the uptake map's table: an end goal, intermediate goal or action."""

    kind: str  # end-goal, goal or action
    code: str
    title: str
    url: str
    uptake: Uptake | None  # None: no figure for it in the snapshot (a newer item)


def uptake_layer(
    edition: Edition, uptake: Mapping[str, Uptake]
) -> tuple[dict[str, str], dict[str, str], list[UptakeRow]]:
    """The uptake map's notes and heat levels per code, and its table's rows in the roadmap's
    order. Reads only what ``with_goal_tree`` prefetched."""
    notes: dict[str, str] = {}
    heat: dict[str, str] = {}
    rows: list[UptakeRow] = []

    def add(kind: str, item: EndGoal | IntermediateGoal | Action) -> None:
        found = uptake.get(item.code)
        rows.append(UptakeRow(kind, item.code, item.title, item.get_absolute_url(), found))
        if found is not None:
            notes[item.code] = _("withheld") if found.withheld else f"{found.share_text}%"
            heat[item.code] = heat_level(found)

    for end_goal in edition.end_goals.all():
        add("end-goal", end_goal)
        for goal in end_goal.intermediate_goals.all():
            add("goal", goal)
            for action in goal.actions.all():
                add("action", action)
    return notes, heat, rows
