"""Published benchmark figures of actions' uptake, for the tests of the pages that show them
(the catalogue, the public action page, an organisation's roadmap)."""

from __future__ import annotations

from django.utils import timezone

from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.benchmarking.periods import period_get_or_create
from apps.roadmap.models import Edition


def snapshot(edition: Edition, label: str, *, published: bool = True, k: int = 5):
    """A snapshot of the period ``label`` (published now, or held)."""
    return BenchmarkSnapshot.objects.create(
        period=period_get_or_create(label),
        edition=edition,
        min_group_size=k,
        organisation_count=40,
        published_at=timezone.now() if published else None,
    )


def share(
    of: BenchmarkSnapshot,
    code: str,
    value: str | None,
    reason: str = "small_group",
    *,
    breakdown: str = "all",
    breakdown_value: str = "",
    subject: str = "action",
) -> BenchmarkCell:
    """The share of organisations adopting action ``code`` (or another ``subject``: an
    intermediate_goal, an end_goal) (None: withheld for ``reason``)."""
    return BenchmarkCell.objects.create(
        snapshot=of,
        subject_type=subject,
        subject_code=code,
        breakdown=breakdown,
        breakdown_value=breakdown_value,
        measure="share_adopting",
        n=None if value is None else 40,
        value=value,
        suppressed=value is None,
        reason=reason if value is None else "",
    )
