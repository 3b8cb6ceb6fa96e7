"""Compiling a period's snapshot from the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.adoption.models import MaturityAssessment, MaturityRating, Metric, MetricValue
from apps.benchmarking import compile as compiling
from apps.benchmarking.aggregates import percentile_cont
from apps.benchmarking.compile import compile_snapshot
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot, ReportingPeriod
from apps.benchmarking.periods import parse_label, period_get_or_create
from apps.benchmarking.services import compile_closed_periods
from apps.organisations.models import Organisation
from apps.organisations.querysets import verified_before
from apps.organisations.services import organisation_verify
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db

IN_Q2 = dt.date(2026, 5, 10)
AFTER_Q2 = dt.date(2026, 8, 1)


@pytest.fixture
def period():
    return period_get_or_create("2026-Q2")


@pytest.fixture
def population(small_roadmap):
    """Six verified patient organisations in Belgium, two in Poland, one pending."""
    group = StakeholderGroupFactory(slug="patient-organisations")
    belgium = [
        OrganisationFactory(verified=True, country="BE", stakeholder_group=group) for _ in range(6)
    ]
    poland = [
        OrganisationFactory(verified=True, country="PL", stakeholder_group=group) for _ in range(2)
    ]
    pending = OrganisationFactory(country="BE", stakeholder_group=group)
    action = small_roadmap.actions.get(code="A1.1.1")
    for i, org in enumerate([*belgium[:4], *poland, pending]):
        adoption = AdoptionFactory(organisation=org, action=action)
        ProgressEntryFactory(
            adoption=adoption,
            entry_date=IN_Q2,
            status_to="in_progress",
            percent_complete=10 * (i + 1),
        )
    # A change after the period ends does not count in it.
    late = belgium[0].adoptions.get()
    ProgressEntryFactory(
        adoption=late, entry_date=AFTER_Q2, status_to="embedded", percent_complete=100
    )
    return {"belgium": belgium, "poland": poland, "pending": pending, "action": action}


@pytest.fixture
def figures_only(monkeypatch):
    """The compile's arithmetic alone: these few organisations are too few for the rules
    (tests/benchmarking/test_protection.py), which would withhold nearly every figure."""
    monkeypatch.setattr(compiling, "anonymise", lambda cells, **_kwargs: cells)


def _value(snapshot, measure, code="A1.1.1", subject="action", breakdown="all", value=""):
    return BenchmarkCell.objects.get(
        snapshot=snapshot,
        subject_type=subject,
        subject_code=code,
        breakdown=breakdown,
        breakdown_value=value,
        measure=measure,
    )


def test_counts_as_things_stood_at_the_end_of_the_period(population, period, figures_only) -> None:
    snapshot = compile_snapshot(period=period)
    assert snapshot.organisation_count == 8  # the pending organisation does not count
    assert _value(snapshot, "adopting").value == 6
    assert _value(snapshot, "share_adopting").value == Decimal("75.0")
    # No count per status (anonymisation.py: nearly all of them would be withheld).
    assert not snapshot.cells.filter(measure__startswith="status_").exists()
    assert _value(snapshot, "median_percent").value == Decimal("35.00")  # 10..60


def test_small_groups_are_suppressed_with_their_reason(population, period, settings) -> None:
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 0  # Poland (2 organisations) is listed
    snapshot = compile_snapshot(period=period)
    poland = _value(snapshot, "adopting", breakdown="country", value="PL")
    assert poland.suppressed
    assert poland.value is None
    assert poland.reason == "small_group"
    # CEE holds only Poland, so the region is as small; Western Europe holds Belgium only.
    assert _value(snapshot, "adopting", breakdown="region", value="cee").suppressed
    published = BenchmarkCell.objects.filter(snapshot=snapshot, suppressed=False)
    assert not published.filter(n__lt=5).exists()


def _every_cell(snapshot: BenchmarkSnapshot) -> list[tuple]:
    """Every cell of the snapshot: its key, n, value, whether it is withheld and why."""
    return sorted(snapshot.cells.values_list(*BenchmarkCell.FIGURE_FIELDS))


def test_compiling_twice_gives_one_identical_snapshot(bench_population) -> None:
    """A period is compiled once; compiled again from scratch (its snapshot deleted), it
    gives the same cells, whatever happened after its end: a new adoption, a later entry,
    and an organisation verified after the period's end (it counts from its verification
    on: organisations count by their verification state at the period's end)."""
    period, orgs = bench_population["period"], bench_population["orgs"]
    action = bench_population["edition"].actions.get(code="A1.1.1")
    first = compile_snapshot(period=period)
    cells = _every_cell(first)
    assert any(not suppressed for *_key, suppressed, _reason in cells)
    late = OrganisationFactory(country="BE", stakeholder_group=orgs[0].stakeholder_group)
    organisation_verify(organisation=late, by=UserFactory(is_staff=True))  # after 2026-Q2
    ProgressEntryFactory(
        adoption=AdoptionFactory(organisation=late, action=action),
        entry_date=IN_Q2,
        status_to="in_progress",
    )
    ProgressEntryFactory(
        adoption=AdoptionFactory(organisation=orgs[11], action=action),
        entry_date=AFTER_Q2,
        status_to="in_progress",
    )
    assert compile_snapshot(period=period) == first  # never twice
    BenchmarkSnapshot.objects.filter(pk=first.pk).delete()
    second = compile_snapshot(period=period)
    assert second.pk != first.pk
    assert BenchmarkSnapshot.objects.count() == 1
    assert _every_cell(second) == cells


def test_organisations_count_by_their_verification_at_the_period_end(period) -> None:
    """Verified before midnight after the period's last day (local time): counted."""
    end = period.ends_on
    midnight = verified_before(end)
    on_time = OrganisationFactory(verified=True, decided_at=midnight - dt.timedelta(seconds=1))
    too_late = OrganisationFactory(verified=True, decided_at=midnight)
    loaded = OrganisationFactory(verified=True, decided_at=None)
    rejected = OrganisationFactory(status=Organisation.Status.REJECTED, decided_at=None)
    counted = set(Organisation.objects.verified_on(end))
    assert counted == {on_time, loaded}
    assert too_late not in counted
    assert rejected not in counted
    assert midnight == timezone.make_aware(
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
    )


def test_a_crash_leaves_no_partial_snapshot(population, period, monkeypatch) -> None:
    def crash(*args, **kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(compiling.BenchmarkCell.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        compile_snapshot(period=period)
    assert not BenchmarkSnapshot.objects.exists()
    assert not BenchmarkCell.objects.exists()


def test_maturity_metrics_and_barriers(population, period, small_roadmap, figures_only) -> None:
    eg1 = small_roadmap.end_goals.get(code="EG1")
    metric = Metric.objects.get(slug="patients-involved")
    for level, org in enumerate(population["belgium"][:5], start=1):
        assessment = MaturityAssessment.objects.create(organisation=org, assessed_on=IN_Q2)
        MaturityRating.objects.create(assessment=assessment, end_goal=eg1, level=level)
    for value, org in enumerate(population["belgium"][:4], start=1):
        entry = ProgressEntryFactory(adoption=org.adoptions.get(), entry_date=IN_Q2)
        MetricValue.objects.create(entry=entry, metric=metric, value=value * 10)
    snapshot = compile_snapshot(period=period)
    median = _value(snapshot, "maturity_median", code="EG1", subject="maturity_goal")
    assert (median.value, median.n) == (3, 5)
    assert _value(snapshot, "maturity_q1", code="EG1", subject="maturity_goal").value == 2
    # The quartiles' n is a count of its own, published with them: how many rated it.
    assert _value(snapshot, "rated", code="EG1", subject="maturity_goal").value == 5
    total = _value(snapshot, "metric_total", code="patients-involved", subject="metric")
    assert (total.value, total.n) == (100, 4)
    reporting = _value(snapshot, "reporting", code="patients-involved", subject="metric")
    assert (reporting.value, reporting.n) == (4, 8)  # a count: its n is the population


def test_the_command_compiles_a_named_period(population, clean_gate) -> None:
    call_command("compile_benchmarks", "--period", "2026-Q2")
    assert BenchmarkSnapshot.objects.get().period.label == "2026-Q2"
    with pytest.raises(CommandError, match="Not a period"):
        call_command("compile_benchmarks", "--period", "2026-Q7")


def test_closed_periods_since_the_first_entry_are_compiled(population, clean_gate) -> None:
    snapshots = compile_closed_periods(today=dt.date(2026, 11, 24))
    assert [s.period.label for s in snapshots] == ["2026-Q2", "2026-Q3"]
    assert len(compile_closed_periods(today=dt.date(2026, 11, 24))) == 2
    assert ReportingPeriod.objects.count() == 2


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_period_labels(label, start, end) -> None:
    assert parse_label(label) == (label, start, end)


def test_other_period_lengths(settings) -> None:
    settings.BENCHMARK_PERIOD_MONTHS = 6
    assert parse_label("2026-H2")[1:] == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError, match="6 months"):
        parse_label("2026-Q1")


def test_coverage_quartiles_count_organisations_that_adopted_nothing(
    population, period, figures_only
):
    snapshot = compile_snapshot(period=period)
    # 6 of 8 verified organisations adopted the one EG1 action, 2 adopted nothing.
    q1 = _value(snapshot, "coverage_q1", code="EG1", subject="end_goal")
    median = _value(snapshot, "coverage_median", code="EG1", subject="end_goal")
    assert (q1.n, median.value) == (8, 1)
    assert q1.value == Decimal("0.75")


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1, 2, 3, 4], 0.25, 1.75),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.75, 3.25),
        ([10, 20, 30], 0.5, 20),
        ([7], 0.75, 7),
    ],
)
def test_percentiles_interpolate_between_the_closest_ranks(values, p, expected) -> None:
    # What PostgreSQL's percentile_cont gives: SQLite's compile computes it in Python.
    assert percentile_cont([float(v) for v in values], p) == expected


def test_an_organisation_counts_once_per_goal(population, period, figures_only) -> None:
    """Two adoptions under one intermediate goal: the organisation adopts it once, and both
    adoptions make the median."""
    second = AdoptionFactory(
        organisation=population["belgium"][0],
        action=population["action"].intermediate_goal.actions.get(code="A1.1.2"),
    )
    ProgressEntryFactory(
        adoption=second, entry_date=IN_Q2, status_to="planned", percent_complete=90
    )
    snapshot = compile_snapshot(period=period)

    def goal(measure: str) -> Decimal | None:
        return _value(snapshot, measure, code="IG1.1", subject="intermediate_goal").value

    assert goal("adopting") == 6
    assert goal("median_percent") == 40  # 10, 20, 30, 40, 50, 60 and 90
    assert _value(snapshot, "adopting", code="A1.1.2").value == 1


def test_corrected_entries_no_longer_count(population, period, figures_only) -> None:
    entry = population["belgium"][1].adoptions.get().entries.get()
    entry.is_current = False  # replaced by a correction (here: none, so no state at all)
    entry.save()
    snapshot = compile_snapshot(period=period)
    assert _value(snapshot, "adopting").value == 5
