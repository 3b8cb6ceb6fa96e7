"""Reads that the dashboard, the API and the exports share. Aggregation runs in the
database; Python only arranges the few grouped rows that come back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, Sum

from apps.roadmap.models import Action

from .evidence import size_label
from .models import Adoption, AdoptionStatus, Evidence, MaturityRating, ProgressEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.organisations.models import Organisation

# The organisation's adoptions that count towards coverage: everything but discontinued
# (``mine`` is the adoptions relation restricted to the organisation, see below).
COUNTING = ~Q(mine__status=AdoptionStatus.DISCONTINUED)


@dataclass
class Coverage:
    code: str
    title: str
    total: int = 0
    adopted: int = 0
    children: list[Coverage] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.adopted / self.total) if self.total else 0


def coverage_by_end_goal(*, organisation: Organisation) -> list[Coverage]:
    """For each end goal of the published edition: how many of its actions the
    organisation has adopted, with its intermediate goals rolled up. One query, which
    joins the organisation's adoptions only (not every organisation's)."""
    rows = (
        Action.objects.published()
        .annotate(
            mine=FilteredRelation("adoptions", condition=Q(adoptions__organisation=organisation))
        )
        .values(
            "intermediate_goal__end_goal__code",
            "intermediate_goal__end_goal__title",
            "intermediate_goal__end_goal__order",
            "intermediate_goal__code",
            "intermediate_goal__title",
            "intermediate_goal__order",
        )
        .annotate(
            total=Count("id", distinct=True),
            adopted=Count("mine", filter=COUNTING, distinct=True),
        )
        .order_by("intermediate_goal__end_goal__order", "intermediate_goal__order")
    )
    end_goals: dict[str, Coverage] = {}
    for row in rows:
        code = row["intermediate_goal__end_goal__code"]
        goal = end_goals.setdefault(
            code, Coverage(code=code, title=row["intermediate_goal__end_goal__title"])
        )
        goal.children.append(
            Coverage(
                code=row["intermediate_goal__code"],
                title=row["intermediate_goal__title"],
                total=row["total"],
                adopted=row["adopted"],
            )
        )
        goal.total += row["total"]
        goal.adopted += row["adopted"]
    return list(end_goals.values())


def status_counts(*, organisation: Organisation) -> list[tuple[str, StrOrPromise, int]]:
    """(status, label, count) for every status, zeros included, in workflow order."""
    counts = dict(
        Adoption.objects.for_organisation(organisation)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [(s.value, s.label, counts.get(s.value, 0)) for s in AdoptionStatus]


def recent_activity(*, organisation: Organisation, limit: int = 10) -> list[ProgressEntry]:
    return list(
        ProgressEntry.objects.current()
        .filter(adoption__organisation=organisation)
        .select_related("adoption__action", "author")
        .order_by("-entry_date", "-created_at", "-pk")[:limit]
    )


def maturity_trend(*, organisation: Organisation) -> dict[str, Any]:
    """Every assessment's levels, oldest first, as rows a chart and a table both read:
    ``{"dates": [...], "series": {label: [level or None per date]}}``."""
    ratings = list(
        MaturityRating.objects.filter(assessment__organisation=organisation)
        .select_related("end_goal", "dimension", "assessment")
        .order_by("assessment__assessed_on", "assessment__created_at")
    )
    assessments: list[Any] = []
    series: dict[str, dict[int, int]] = {}
    for rating in ratings:
        if rating.assessment_id not in assessments:
            assessments.append(rating.assessment_id)
        if rating.end_goal is not None:
            label = rating.end_goal.code
        else:
            assert rating.dimension is not None  # a rating is of a goal or a dimension
            label = rating.dimension.name
        series.setdefault(label, {})[rating.assessment_id] = rating.level
    dates = {r.assessment_id: r.assessment.assessed_on for r in ratings}
    return {
        "dates": [dates[a] for a in assessments],
        "series": {label: [levels.get(a) for a in assessments] for label, levels in series.items()},
    }


def evidence_bytes_used(*, organisation: Organisation) -> int:
    """Bytes of evidence files the organisation stored, every version of every entry it wrote
    (corrected entries keep their files), joint adoptions' included. One aggregate query."""
    total = Evidence.objects.filter(entry__organisation=organisation).aggregate(total=Sum("size"))[
        "total"
    ]
    return total or 0


@dataclass(frozen=True)
class EvidenceUsage:
    """The organisation's evidence storage: bytes used of its quota."""

    used: int
    quota: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100

    @property
    def used_label(self) -> str:
        return size_label(self.used)

    @property
    def quota_label(self) -> str:
        return size_label(self.quota)


def evidence_usage(*, organisation: Organisation) -> EvidenceUsage:
    return EvidenceUsage(
        used=evidence_bytes_used(organisation=organisation),
        quota=settings.EVIDENCE_QUOTA_BYTES_PER_ORGANISATION,
    )
