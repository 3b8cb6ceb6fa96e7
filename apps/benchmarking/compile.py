"""Compiling a period's benchmark snapshot.

Each adoption's state at the end of the period (its status and percent complete from the
latest current entries dated up to the period's last day) is computed **once**, into a
temporary table, with the verified organisations' breakdown values beside it; every
aggregate then reads that table (or the few other temporary tables built from it:
:mod:`.compile_tables`). On
PostgreSQL each aggregate is one statement that groups by every breakdown at once
(``GROUPING SETS``) and takes its percentiles with ``percentile_cont``; on other databases
(SQLite: ``make run`` and part of CI) the same figures come from one ``GROUP BY`` per
breakdown, and the percentiles are interpolated in Python exactly as ``percentile_cont``
does, so both databases give identical cells. Python only arranges the grouped rows into
cells and applies the anonymisation rules. A compile is atomic and idempotent: a period
has at most one snapshot, and a crash leaves none (the temporary tables are created in
the compile's transaction, and go with it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
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
from apps.roadmap.models import (
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
)

from .aggregates import as_decimal
from .anonymisation import Cell, anonymise, public_reason, small_bundles
from .compile_curation import after_anonymise, curation_cells
from .compile_partnerships import (
    earlier_figures,
    partnership_cells,
    partnership_counts,
    withhold_rests,
)
from .compile_pulse import pulse_answers, pulse_cells
from .compile_pulse import withhold_rests as withhold_pulse_rests
from .compile_tables import ADOPTION_SUBJECTS, BREAKDOWNS, Tables, table_name, unpivot
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, ReportingPeriod, Subject
from .protection import earlier_published, roadmap_structure

# reader shows either (measurements in bench/README.md, "Protection").
QUARTILES = (0.25, 0.5, 0.75)


def adoptions_at_end(
    period: ReportingPeriod, edition: Edition, *, verified_only: bool = True
) -> QuerySet[Adoption]:
    """Adoptions as they stood on the period's last day: ``status_at`` and
    ``percent_at`` from the latest entries dated up to then. Benchmarks count
    verified organisations only; an organisation's own view of itself passes
    ``verified_only=False``. (The compile computes the same state for every
    adoption at once: see :class:`Tables`.)"""
    entries = ProgressEntry.objects.filter(
        adoption=OuterRef("pk"), is_current=True, entry_date__lte=period.ends_on
    ).order_by("-entry_date", "-created_at", "-pk")
    status = entries.exclude(status_to="").values("status_to")[:1]
    percent = entries.filter(percent_complete__isnull=False).values("percent_complete")[:1]
    adoptions = Adoption.objects.filter(action__edition=edition, action_removed=False)
    if verified_only:
        adoptions = adoptions.filter(
            organisation__in=Organisation.objects.verified_on(period.ends_on)
        )
    return adoptions.annotate(
        status_at=Subquery(status), percent_at=Coalesce(Subquery(percent), 0)
    ).filter(status_at__isnull=False)


# --- Cells ----------------------------------------------------------------------------------

# Verified organisations per bundle (breakdown, value).
Population = dict[tuple[str, str], int]


class _Where(TypedDict):
    """What a cell is of: its subject and bundle (the rest of a :class:`Cell`)."""

    subject_type: str
    subject_code: str
    breakdown: str
    breakdown_value: str


def _population(tables: Tables) -> Population:
    """Verified organisations per breakdown value."""
    rows = tables.grouped("benchmark_orgs", [], ["COUNT(*)"])
    return {(b, value): n for b, found in rows.items() for (value,), (n,) in found.items()}


def _bundles(population: Population, breakdown: str) -> Iterator[tuple[str, int]]:
    for (b, value), n in population.items():
        if b == breakdown:
            yield value, n


def _adoption_cells(tables: Tables, edition: Edition, population: Population) -> Iterator[Cell]:
    codes: dict[str, list[str]] = {
        Subject.ACTION: list(edition.actions.values_list("code", flat=True)),
        Subject.INTERMEDIATE_GOAL: list(edition.intermediate_goals.values_list("code", flat=True)),
        Subject.END_GOAL: list(edition.end_goals.values_list("code", flat=True)),
        Subject.DIMENSION: list(Dimension.objects.values_list("slug", flat=True)),
    }
    measures = ["adopting"]
    counts = tables.grouped(
        "benchmark_per_org", ["subject", "code"], [f"SUM({m})" for m in measures]
    )
    medians = tables.percentiles(
        f"({unpivot(list(ADOPTION_SUBJECTS))})", ["subject", "code"], "percent", (0.5,)
    )
    for subject in ADOPTION_SUBJECTS:
        for breakdown in BREAKDOWNS:
            for value, pop in _bundles(population, breakdown):
                for code in codes[subject]:
                    found = counts[breakdown].get((subject, code, value))
                    row = dict(zip(measures, found, strict=True)) if found else {}
                    adopting = int(row.get("adopting") or 0)
                    base: _Where = {
                        "subject_type": subject,
                        "subject_code": code,
                        "breakdown": breakdown,
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
                    _n, median = medians[breakdown].get((subject, code, value), (0, {}))
                    yield Cell(
                        **base,
                        measure="median_percent",
                        n=adopting,
                        additive=False,
                        value=median.get(0.5),
                    )


def _quartile_cells(
    base: _Where, prefix: str, n: int, quartiles: dict[float, float]
) -> Iterator[Cell]:
    for p, name in zip(QUARTILES, ("q1", "median", "q3"), strict=True):
        yield Cell(
            **base, measure=f"{prefix}_{name}", n=int(n), additive=False, value=quartiles.get(p)
        )


def _coverage_cells(tables: Tables, edition: Edition) -> Iterator[Cell]:
    """Quartiles of how many of an end goal's (or dimension's) actions each organisation
    has adopted, zeros included: what an organisation's percentile band is read against."""
    adopted = (
        "SELECT subject, code, org, COUNT(*) AS adopted "
        f"FROM ({unpivot([Subject.END_GOAL, Subject.DIMENSION])}) u "
        f"WHERE status <> '{AdoptionStatus.DISCONTINUED}' GROUP BY subject, code, org"
    )
    source = (
        "(SELECT c.subject, c.code, o.grp, o.region, o.country, o.level, "
        "COALESCE(n.adopted, 0) AS adopted FROM benchmark_orgs o CROSS JOIN benchmark_codes c "
        f"LEFT JOIN ({adopted}) n ON n.org = o.id AND n.subject = c.subject AND n.code = c.code)"
    )
    quartiles = tables.percentiles(source, ["subject", "code"], "adopted", QUARTILES)
    subjects = {
        Subject.END_GOAL: list(edition.end_goals.values_list("code", flat=True)),
        Subject.DIMENSION: list(Dimension.objects.values_list("slug", flat=True)),
    }
    for subject, codes in subjects.items():
        for code in codes:
            for breakdown in BREAKDOWNS:
                for (s, c, value), (n, found) in quartiles[breakdown].items():
                    if (s, c) != (subject, code):
                        continue
                    base: _Where = {
                        "subject_type": subject,
                        "subject_code": code,
                        "breakdown": breakdown,
                        "breakdown_value": value,
                    }
                    yield from _quartile_cells(base, "coverage", n, found)


def _maturity_cells(tables: Tables, edition: Edition, population: Population) -> Iterator[Cell]:
    """Quartiles of the levels of each organisation's latest assessment up to the period's
    end, per end goal and per dimension, and how many organisations rated it (``rated``,
    a count like any other: the quartiles' ``n``)."""
    assessment = table_name(MaturityAssessment)
    tables.execute("CREATE TEMPORARY TABLE benchmark_latest (id bigint, org bigint)")
    tables.execute(
        "INSERT INTO benchmark_latest (id, org) SELECT m.id, m.organisation_id "
        f"FROM {assessment} m JOIN benchmark_orgs o ON o.id = m.organisation_id "
        f"WHERE m.id = (SELECT l.id FROM {assessment} l "
        "WHERE l.organisation_id = m.organisation_id AND l.assessed_on <= %s "
        "ORDER BY l.assessed_on DESC, l.created_at DESC, l.id DESC LIMIT 1)",
        [tables.period.ends_on],
    )
    tables.analyse("benchmark_latest")
    rated = (
        "SELECT '{subject}' AS subject, x.{code} AS code, r.level AS value, "
        "o.grp, o.region, o.country, o.level "
        f"FROM {table_name(MaturityRating)} r "
        "JOIN benchmark_latest l ON l.id = r.assessment_id "
        "JOIN benchmark_orgs o ON o.id = l.org JOIN {table} x ON x.id = r.{column}"
    )
    source = " UNION ALL ".join(
        rated.format(subject=subject, code=code, table=table_name(model), column=column)
        for subject, code, model, column in (
            (Subject.MATURITY_GOAL, "code", EndGoal, "end_goal_id"),
            (Subject.MATURITY_DIMENSION, "slug", Dimension, "dimension_id"),
        )
    )
    quartiles = tables.percentiles(f"({source})", ["subject", "code"], "value", QUARTILES)
    subjects = {
        Subject.MATURITY_GOAL: sorted(edition.end_goals.values_list("code", flat=True)),
        Subject.MATURITY_DIMENSION: sorted(Dimension.objects.values_list("slug", flat=True)),
    }
    for subject, codes in subjects.items():
        for code in codes:
            for breakdown in BREAKDOWNS:
                for value, pop in sorted(_bundles(population, breakdown)):
                    base: _Where = {
                        "subject_type": subject,
                        "subject_code": code,
                        "breakdown": breakdown,
                        "breakdown_value": value,
                    }
                    n, found = quartiles[breakdown].get((subject, code, value), (0, None))
                    yield Cell(**base, measure="rated", n=pop, value=int(n))
                    if found is not None:
                        yield from _quartile_cells(base, "maturity", n, found)


def _metric_cells(tables: Tables, population: Population) -> Iterator[Cell]:
    """Per metric: how many organisations reported it in the period, their total, and the
    median of their own totals."""
    tables.execute(
        "CREATE TEMPORARY TABLE benchmark_metric_totals (metric bigint, total decimal(20, 2), "
        "grp text, region text, country text, level text)"
    )
    # ROUND keeps SQLite's floating-point sums on the two decimals PostgreSQL keeps exactly.
    tables.execute(
        "INSERT INTO benchmark_metric_totals "
        "SELECT t.metric_id, t.total, o.grp, o.region, o.country, o.level FROM ("
        "SELECT v.metric_id, a.organisation_id AS org, ROUND(SUM(v.value), 2) AS total "
        f"FROM {table_name(MetricValue)} v "
        f"JOIN {table_name(ProgressEntry)} e ON e.id = v.entry_id "
        f"JOIN {table_name(Adoption)} a ON a.id = e.adoption_id "
        "WHERE e.is_current AND e.entry_date >= %s AND e.entry_date <= %s "
        "GROUP BY v.metric_id, a.organisation_id"
        ") t JOIN benchmark_orgs o ON o.id = t.org",
        [tables.period.starts_on, tables.period.ends_on],
    )
    sums = tables.grouped("benchmark_metric_totals", ["metric"], ["SUM(total)", "COUNT(*)"])
    medians = tables.percentiles("benchmark_metric_totals", ["metric"], "total", (0.5,))
    for metric_id, slug in Metric.objects.values_list("pk", "slug"):
        for breakdown in BREAKDOWNS:
            for value, pop in _bundles(population, breakdown):
                total, reporting = sums[breakdown].get((metric_id, value), (None, 0))
                base: _Where = {
                    "subject_type": Subject.METRIC,
                    "subject_code": slug,
                    "breakdown": breakdown,
                    "breakdown_value": value,
                }
                yield Cell(**base, measure="reporting", n=pop, value=reporting)
                yield Cell(**base, measure="metric_total", n=reporting, value=float(total or 0))
                _n, median = medians[breakdown].get((metric_id, value), (0, {}))
                yield Cell(
                    **base,
                    measure="metric_median",
                    n=reporting,
                    additive=False,
                    value=median.get(0.5),
                )


def _barrier_cells(tables: Tables, population: Population) -> Iterator[Cell]:
    """Per barrier category: how many organisations reported it in the period."""
    source = (
        "(SELECT c.slug AS category, a.organisation_id AS org, o.grp, o.region, o.country, "
        f"o.level FROM {table_name(BarrierReport)} b "
        f"JOIN {table_name(ProgressEntry)} e ON e.id = b.entry_id "
        f"JOIN {table_name(Adoption)} a ON a.id = e.adoption_id "
        "JOIN benchmark_orgs o ON o.id = a.organisation_id "
        f"JOIN {table_name(BarrierCategory)} c ON c.id = b.category_id "
        "WHERE e.is_current AND e.entry_date >= %s AND e.entry_date <= %s)"
    )
    counts = tables.grouped(
        source,
        ["category"],
        ["COUNT(DISTINCT org)"],
        [tables.period.starts_on, tables.period.ends_on],
    )
    categories = list(BarrierCategory.objects.values_list("slug", flat=True))
    for breakdown in BREAKDOWNS:
        for value, pop in _bundles(population, breakdown):
            for slug in categories:
                (count,) = counts[breakdown].get((slug, value), (0,))
                base: _Where = {
                    "subject_type": Subject.BARRIER,
                    "subject_code": slug,
                    "breakdown": breakdown,
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


def _population_cells(population: Population) -> Iterator[Cell]:
    for (breakdown, value), n in population.items():
        yield Cell(Subject.POPULATION, "", breakdown, value, "organisations", n, n)


def build_cells(period: ReportingPeriod, edition: Edition, *, k: int) -> list[Cell]:
    """Every cell of the period's snapshot (the curators' figures too:
    :mod:`.compile_curation`; the joint commitments' and the pulse's:
    :mod:`.compile_partnerships`, :mod:`.compile_pulse`), anonymised against the snapshots
    of earlier periods. Run it in a transaction (as :func:`compile_snapshot` does): the
    temporary tables it reads are made in it."""
    with connection.cursor() as cursor:
        tables = Tables(cursor, period, edition)
        tables.create()
        population = _population(tables)
        partnered = partnership_counts(tables)
        answers = pulse_answers(tables)
        cells = [
            *_population_cells(population),
            *_adoption_cells(tables, edition, population),
            *_coverage_cells(tables, edition),
            *_maturity_cells(tables, edition, population),
            *_metric_cells(tables, population),
            *_barrier_cells(tables, population),
            *partnership_cells(partnered, population, k=k),
            *pulse_cells(answers, population, k=k),
            *curation_cells(tables, edition, population.get((Breakdown.ALL, ""), 0), k=k),
        ]
        tables.drop()
    threshold = getattr(settings, "BENCHMARK_MIN_GROUP_COUNTRY", 0)
    if threshold:  # rule 6: no figures at all for a country below the threshold
        cells = [
            c for c in cells if c.breakdown != "country" or population.get(c.bundle, 0) >= threshold
        ]
    anonymise(
        cells,
        k=k,
        earlier=earlier_published(None, before=period.starts_on),
        roadmap=roadmap_structure(edition),
    )
    after_anonymise(cells)
    withhold_rests(
        cells, partnered, population, k=k, earlier=earlier_figures(before=period.starts_on)
    )
    withhold_pulse_rests(cells, answers, k=k)
    return cells


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
        assert edition is not None, "a snapshot is of the published edition"
        cells = build_cells(period, edition, k=k)
        population = next(
            c.n for c in cells if c.subject_type == Subject.POPULATION and c.breakdown == "all"
        )
        assert population is not None, "a population's n is never hidden"
        snapshot = BenchmarkSnapshot.objects.create(
            period=period, edition=edition, min_group_size=k, organisation_count=population
        )
        small = small_bundles(cells)
        BenchmarkCell.objects.bulk_create(
            (_to_row(snapshot, c, small) for c in cells), batch_size=2000, copy=True
        )
    return snapshot


def _to_row(snapshot: BenchmarkSnapshot, cell: Cell, small: set[tuple[str, str]]) -> BenchmarkCell:
    # Positional: the model's fields in their order (id first), as Django's from_db does;
    # twice as fast as keywords for a snapshot's tens of thousands of cells. (The stubs'
    # plugin checks positional arguments against other fields than Django's order: ignored.)
    return BenchmarkCell(  # type: ignore[misc]
        None,
        snapshot.pk,
        cell.subject_type,
        cell.subject_code,
        cell.breakdown,
        cell.breakdown_value,
        cell.measure,
        cell.n,
        None if cell.suppressed else as_decimal(cell.value),
        cell.suppressed,
        public_reason(cell, small),
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
