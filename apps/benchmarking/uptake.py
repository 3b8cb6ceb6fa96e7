"""Peer uptake of each action: the share of organisations adopting it, for the catalogue.

Read from the latest published snapshot only (a held one is for the admins), everyone
("all" breakdown), measure ``share_adopting``. A withheld figure stays withheld: it comes
with the reason the rules give, translated, and never with a value or its ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import footnote, text
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject

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
    latest = BenchmarkSnapshot.objects.published().order_by("-period__starts_on").values("pk")[:1]
    cells = BenchmarkCell.objects.filter(
        snapshot__in=latest,
        subject_type=Subject.ACTION,
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
