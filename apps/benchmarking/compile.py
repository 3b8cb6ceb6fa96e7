"""Compiling a period's benchmark snapshot.

Everything is aggregated in the database (counts with ``GROUP BY``, percentiles
with window functions, each adoption's state at the end of the period with
correlated subqueries); Python only arranges the grouped rows into cells and
applies the anonymisation rules. A compile is atomic and idempotent: a period
has at most one snapshot, and a crash leaves none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.organisations.models import Organisation
from apps.roadmap.models import BarrierCategory, Dimension, Edition

from .aggregates import as_decimal, grouped_percentiles
from .anonymisation import Cell, anonymise
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, ReportingPeriod, Subject

# Organisation fields behind each breakdown, as seen from an organisation row.
BREAKDOWNS = {
    Breakdown.ALL: None,
    Breakdown.STAKEHOLDER_GROUP: "stakeholder_group__slug",
    Breakdown.REGION: "region",
    Breakdown.COUNTRY: "country",
    Breakdown.LEVEL: "level",
}
# The adoption subjects: the code each adoption counts under.
ADOPTION_SUBJECTS = {
    Subject.ACTION: "action__code",
    Subject.INTERMEDIATE_GOAL: "action__intermediate_goal__code",
    Subject.END_GOAL: "action__intermediate_goal__end_goal__code",
    Subject.DIMENSION: "action__dimension__slug",
}
STATUSES = [s.value for s in AdoptionStatus]


def _org_field(breakdown: str, prefix: str = "") -> str | None:
    field = BREAKDOWNS[breakdown]
    return f"{prefix}{field}" if field else None


def adoptions_at_end(
    period: ReportingPeriod, edition: Edition, *, verified_only: bool = True
) -> QuerySet[Adoption]:
    """Adoptions as they stood on the period's last day: ``status_at`` and
    ``percent_at`` from the latest entries dated up to then. Benchmarks count
    verified organisations only; an organisation's own view of itself passes
    ``verified_only=False``."""
    entries = ProgressEntry.objects.filter(
        adoption=OuterRef("pk"), is_current=True, entry_date__lte=period.ends_on
    ).order_by("-entry_date", "-created_at", "-pk")
    status = entries.exclude(status_to="").values("status_to")[:1]
    percent = entries.filter(percent_complete__isnull=False).values("percent_complete")[:1]
    adoptions = Adoption.objects.filter(action__edition=edition, action_removed=False)
    if verified_only:
        adoptions = adoptions.filter(organisation__status=Organisation.Status.VERIFIED)
    return adoptions.annotate(
        status_at=Subquery(status), percent_at=Coalesce(Subquery(percent), 0)
    ).filter(status_at__isnull=False)


def _population() -> dict[tuple[str, str], int]:
    """Verified organisations per breakdown value."""
    sizes: dict[tuple[str, str], int] = {}
    verified = Organisation.objects.verified()
    for breakdown, field in BREAKDOWNS.items():
        if field is None:
            sizes[(breakdown, "")] = verified.count()
            continue
        for value, n in verified.values_list(field).annotate(n=Count("id")).order_by():
            sizes[(breakdown, str(value))] = n
    return sizes


def _rows_by_breakdown(queryset: QuerySet, key: str | None, breakdown: str, prefix: str, **agg):
    """Grouped aggregate rows as ``((subject code, breakdown value), row)``."""
    field = _org_field(breakdown, prefix)
    groups = [g for g in (key, field) if g]
    rows = (
        queryset.values(*groups).annotate(**agg).order_by()
        if groups
        else [queryset.aggregate(**agg)]
    )
    for row in rows:
        code = str(row[key]) if key else ""
        yield (code, str(row[field]) if field else ""), row


def _adoption_cells(period, edition, population) -> Iterator[Cell]:
    adoptions = adoptions_at_end(period, edition)
    codes = {
        Subject.ACTION: list(edition.actions.values_list("code", flat=True)),
        Subject.INTERMEDIATE_GOAL: list(edition.intermediate_goals.values_list("code", flat=True)),
        Subject.END_GOAL: list(edition.end_goals.values_list("code", flat=True)),
        Subject.DIMENSION: list(Dimension.objects.values_list("slug", flat=True)),
    }
    counts = {
        "adopting": Count(
            "organisation", distinct=True, filter=~Q(status_at=AdoptionStatus.DISCONTINUED)
        ),
        **{
            f"status_{s}": Count("organisation", distinct=True, filter=Q(status_at=s))
            for s in STATUSES
        },
    }
    for subject, key in ADOPTION_SUBJECTS.items():
        for breakdown in BREAKDOWNS:
            found = dict(_rows_by_breakdown(adoptions, key, breakdown, "organisation__", **counts))
            field = _org_field(breakdown, "organisation__")
            groups = [key, field] if field else [key]
            medians = grouped_percentiles(
                adoptions.values(*groups, "percent_at"), group_by=groups, value="percent_at"
            )
            for (b, value), pop in population.items():
                if b != breakdown:
                    continue
                for code in codes[subject]:
                    row = found.get((code, value), {})
                    adopting = row.get("adopting", 0)
                    base = {
                        "subject_type": subject,
                        "subject_code": code,
                        "breakdown": b,
                        "breakdown_value": value,
                    }
                    yield Cell(**base, measure="adopting", n=pop, value=adopting)
                    yield Cell(
                        **base,
                        measure="share_adopting",
                        n=pop,
                        additive=False,
                        value=round(100 * adopting / pop, 1) if pop else 0,
                    )
                    for status in STATUSES:
                        yield Cell(
                            **base,
                            measure=f"status_{status}",
                            n=pop,
                            value=row.get(f"status_{status}", 0),
                        )
                    median = medians.get((code, value) if field else (code,), {})
                    yield Cell(
                        **base,
                        measure="median_percent",
                        n=adopting,
                        additive=False,
                        value=median.get(0.5),
                    )


def _coverage_cells(period, edition, population) -> Iterator[Cell]:
    """Quartiles of how many of an end goal's (or dimension's) actions each organisation
    has adopted, zeros included: what an organisation's percentile band is read against."""
    adoptions = adoptions_at_end(period, edition).exclude(status_at=AdoptionStatus.DISCONTINUED)
    subjects = {
        Subject.END_GOAL: (
            "action__intermediate_goal__end_goal__code",
            edition.end_goals.values_list("code", flat=True),
        ),
        Subject.DIMENSION: (
            "action__dimension__slug",
            Dimension.objects.values_list("slug", flat=True),
        ),
    }
    for subject, (key, codes) in subjects.items():
        for code in codes:
            adopted = (
                adoptions.filter(organisation=OuterRef("pk"), **{key: code})
                .values("organisation")
                .annotate(c=Count("id"))
                .values("c")
            )
            orgs = Organisation.objects.verified().annotate(adopted=Coalesce(Subquery(adopted), 0))
            for breakdown in BREAKDOWNS:
                field = _org_field(breakdown)
                groups = [field] if field else []
                quartiles = grouped_percentiles(
                    orgs.values(*groups, "adopted"),
                    group_by=groups,
                    value="adopted",
                    percentiles=(0.25, 0.5, 0.75),
                )
                for group, result in quartiles.items():
                    base = {
                        "subject_type": subject,
                        "subject_code": code,
                        "breakdown": breakdown,
                        "breakdown_value": str(group[0]) if field else "",
                    }
                    for p, measure in (
                        (0.25, "coverage_q1"),
                        (0.5, "coverage_median"),
                        (0.75, "coverage_q3"),
                    ):
                        yield Cell(
                            **base,
                            measure=measure,
                            n=int(result["_n"]),
                            additive=False,
                            value=result.get(p),
                        )


def _maturity_cells(period, population) -> Iterator[Cell]:
    latest = (
        MaturityAssessment.objects.filter(
            organisation=OuterRef("assessment__organisation"), assessed_on__lte=period.ends_on
        )
        .order_by("-assessed_on", "-created_at")
        .values("pk")[:1]
    )
    ratings = MaturityRating.objects.filter(
        assessment__organisation__status=Organisation.Status.VERIFIED,
        assessment=Subquery(latest),
    )
    subjects = {
        Subject.MATURITY_GOAL: "end_goal__code",
        Subject.MATURITY_DIMENSION: "dimension__slug",
    }
    for subject, key in subjects.items():
        rows = ratings.filter(**{f"{key}__isnull": False})
        for breakdown in BREAKDOWNS:
            field = _org_field(breakdown, "assessment__organisation__")
            groups = [key, field] if field else [key]
            quartiles = grouped_percentiles(
                rows.values(*groups, "level"),
                group_by=groups,
                value="level",
                percentiles=(0.25, 0.5, 0.75),
            )
            for group, result in quartiles.items():
                code, value = str(group[0]), str(group[1]) if field else ""
                base = {
                    "subject_type": subject,
                    "subject_code": code,
                    "breakdown": breakdown,
                    "breakdown_value": value,
                }
                for p, measure in (
                    (0.25, "maturity_q1"),
                    (0.5, "maturity_median"),
                    (0.75, "maturity_q3"),
                ):
                    yield Cell(
                        **base,
                        measure=measure,
                        n=int(result["_n"]),
                        additive=False,
                        value=result.get(p),
                    )


def _metric_cells(period, population) -> Iterator[Cell]:
    for metric in Metric.objects.all():
        per_org = (
            MetricValue.objects.filter(
                metric=metric,
                entry__adoption__organisation=OuterRef("pk"),
                entry__is_current=True,
                entry__entry_date__range=(period.starts_on, period.ends_on),
            )
            .values("entry__adoption__organisation")
            .annotate(total=Sum("value"))
            .values("total")
        )
        orgs = (
            Organisation.objects.verified()
            .annotate(
                total=Subquery(per_org, output_field=DecimalField(max_digits=16, decimal_places=2))
            )
            .filter(total__isnull=False)
        )
        for breakdown in BREAKDOWNS:
            field = _org_field(breakdown)
            sums = dict(
                _rows_by_breakdown(
                    orgs, None, breakdown, "", total_sum=Sum("total"), reporting=Count("id")
                )
            )
            medians = grouped_percentiles(
                orgs.values(*([field] if field else []), "total"),
                group_by=[field] if field else [],
                value="total",
            )
            for (b, value), _pop in population.items():
                if b != breakdown:
                    continue
                row = sums.get(("", value), {})
                reporting = row.get("reporting") or 0
                base = {
                    "subject_type": Subject.METRIC,
                    "subject_code": metric.slug,
                    "breakdown": b,
                    "breakdown_value": value,
                }
                yield Cell(**base, measure="reporting", n=reporting, value=reporting)
                yield Cell(
                    **base,
                    measure="metric_total",
                    n=reporting,
                    value=float(row.get("total_sum") or 0),
                )
                median = medians.get((value,) if field else (), {})
                yield Cell(
                    **base,
                    measure="metric_median",
                    n=reporting,
                    additive=False,
                    value=median.get(0.5),
                )


def _barrier_cells(period, population) -> Iterator[Cell]:
    reports = BarrierReport.objects.filter(
        entry__is_current=True,
        entry__entry_date__range=(period.starts_on, period.ends_on),
        entry__adoption__organisation__status=Organisation.Status.VERIFIED,
    )
    categories = list(BarrierCategory.objects.values_list("slug", flat=True))
    for breakdown in BREAKDOWNS:
        found = dict(
            _rows_by_breakdown(
                reports,
                "category__slug",
                breakdown,
                "entry__adoption__organisation__",
                reporting=Count("entry__adoption__organisation", distinct=True),
            )
        )
        for (b, value), pop in population.items():
            if b != breakdown:
                continue
            for slug in categories:
                count = found.get((slug, value), {}).get("reporting", 0)
                base = {
                    "subject_type": Subject.BARRIER,
                    "subject_code": slug,
                    "breakdown": b,
                    "breakdown_value": value,
                }
                yield Cell(**base, measure="reporting", n=pop, value=count)
                yield Cell(
                    **base,
                    measure="share_reporting",
                    n=pop,
                    additive=False,
                    value=round(100 * count / pop, 1) if pop else 0,
                )


def _population_cells(population) -> Iterator[Cell]:
    for (breakdown, value), n in population.items():
        yield Cell(Subject.POPULATION, "", breakdown, value, "organisations", n, n)


def build_cells(period: ReportingPeriod, edition: Edition, *, k: int) -> list[Cell]:
    population = _population()
    cells = [
        *_population_cells(population),
        *_adoption_cells(period, edition, population),
        *_coverage_cells(period, edition, population),
        *_maturity_cells(period, population),
        *_metric_cells(period, population),
        *_barrier_cells(period, population),
    ]
    return anonymise(cells, k=k)


def compile_snapshot(*, period: ReportingPeriod, k: int | None = None) -> BenchmarkSnapshot:
    """The period's snapshot: compiled now, or the one compiled before (never twice)."""
    k = k or settings.BENCHMARK_MIN_GROUP
    with transaction.atomic():
        # Lock the period: two workers compiling it at once queue here.
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        existing = BenchmarkSnapshot.objects.filter(period=period).first()
        if existing is not None:
            return existing
        edition = Edition.objects.current()
        cells = build_cells(period, edition, k=k)
        population = next(
            c.n for c in cells if c.subject_type == Subject.POPULATION and c.breakdown == "all"
        )
        snapshot = BenchmarkSnapshot.objects.create(
            period=period, edition=edition, min_group_size=k, organisation_count=population
        )
        BenchmarkCell.objects.bulk_create((_to_row(snapshot, c) for c in cells), batch_size=2000)
    return snapshot


def _to_row(snapshot: BenchmarkSnapshot, cell: Cell) -> BenchmarkCell:
    return BenchmarkCell(
        snapshot=snapshot,
        subject_type=cell.subject_type,
        subject_code=cell.subject_code,
        breakdown=cell.breakdown,
        breakdown_value=cell.breakdown_value,
        measure=cell.measure,
        n=cell.n,
        value=None if cell.suppressed else as_decimal(cell.value),
        suppressed=cell.suppressed,
        reason=cell.reason,
    )


def cells_by_key(snapshot: BenchmarkSnapshot) -> dict[tuple, Decimal | None]:
    """All of a snapshot's published values by (subject type, code, breakdown, value, measure)."""
    rows = snapshot.cells.values_list(
        "subject_type", "subject_code", "breakdown", "breakdown_value", "measure", "value"
    )
    result: dict[tuple, Decimal | None] = defaultdict(lambda: None)
    for *key, value in rows:
        result[tuple(key)] = value
    return result
