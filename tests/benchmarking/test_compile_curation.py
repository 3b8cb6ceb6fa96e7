"""The curators' figures of a snapshot (apps/benchmarking/compile_curation.py): computed in
SQL, the same on SQLite and PostgreSQL (run this module on both), and never from fewer
than k organisations."""

from decimal import Decimal

import pytest

from apps.benchmarking import compile as compiling
from apps.benchmarking.compile import compile_snapshot
from apps.benchmarking.compile_curation import withhold
from apps.benchmarking.models import BenchmarkCell, Subject
from apps.benchmarking.periods import period_get_or_create
from tests.curation.data import ACTION, curation_population

pytestmark = pytest.mark.django_db
K = 5


@pytest.fixture
def public_rules_off(monkeypatch):
    """The curators' own rules alone (the public ones on 35 organisations in one bundle
    are tested elsewhere: test_protection)."""
    monkeypatch.setattr(compiling, "anonymise", lambda cells, **_kwargs: cells)


def _figures(snapshot) -> dict[tuple[str, str], Decimal | None]:
    cells = BenchmarkCell.objects.filter(
        snapshot=snapshot,
        subject_type__in=[
            Subject.CURATION_ACTION,
            Subject.CURATION_BARRIER,
            Subject.CURATION_ASSUMPTION,
        ],
        subject_code__startswith=ACTION,
    )
    return {(c.subject_code, c.measure): c.value for c in cells}


def _compile(settings):
    settings.BENCHMARK_MIN_GROUP_QUANTILES = 10
    return compile_snapshot(period=period_get_or_create("2026-Q2"), k=K)


def test_status_counts_shares_medians_and_barriers(small_roadmap, public_rules_off, settings):
    curation_population(small_roadmap)
    figures = _figures(_compile(settings))
    assert figures[(ACTION, "dormant")] == 6
    assert figures[(ACTION, "implemented")] == 6
    assert figures[(ACTION, "embedded")] == 5
    assert figures[(ACTION, "discontinued")] == 6
    assert figures[(ACTION, "share_dormant")] == Decimal("26.1")  # 6 of 23 adopting
    assert figures[(ACTION, "share_discontinued")] == Decimal("20.7")  # 6 of 29 adopted
    # Reached implemented: 6 after 10..60 days, 5 (embedded since) after 5: median 10.
    assert figures[(ACTION, "days_implemented_median")] == 10
    # Only 5 reached embedded: fewer than BENCHMARK_MIN_GROUP_QUANTILES.
    assert figures[(ACTION, "days_embedded_median")] is None
    assert figures[(f"{ACTION}/lack-of-resources", "barrier_orgs")] == 7
    assert figures[(f"{ACTION}/lack-of-time", "barrier_orgs")] is None  # 3 < k
    # Assumptions challenged, by organisations: 7 on barrier reports; 6 discontinuing and 3
    # on barrier reports.
    assert figures[(f"{ACTION}/AS-EG1-1", "assumption_orgs")] == 7
    assert figures[(f"{ACTION}/AS-EG1-2", "assumption_orgs")] == 9


def test_an_assumption_challenged_by_fewer_than_k_or_all_but_fewer_is_withheld(
    small_roadmap, public_rules_off, settings
):
    # 6 adopted it; 3 discontinued it naming AS-EG1-2 (3 < k), 5 named AS-EG1-1 on a
    # barrier (only 1 did not: the rest is below k).
    layout = {"implemented": 3, "discontinued": 3, None: 30}
    curation_population(small_roadmap, layout, barriers=5, rare_barriers=0)
    figures = _figures(_compile(settings))
    assert figures[(f"{ACTION}/AS-EG1-2", "assumption_orgs")] is None
    assert figures[(f"{ACTION}/AS-EG1-1", "assumption_orgs")] is None


def test_no_figure_behind_fewer_than_k_organisations_is_stored(
    small_roadmap, public_rules_off, settings
):
    # 3 embedded; 1 in progress leaves a rest of 4 besides dormant and implemented (6 each);
    # 2 never adopted leave 2 beside 7 discontinued.
    layout = {
        "paused": 6,
        "implemented": 6,
        "embedded": 3,
        "in_progress": 1,
        "discontinued": 7,
        None: 2,
    }
    curation_population(small_roadmap, layout)
    snapshot = _compile(settings)
    figures = _figures(snapshot)
    assert figures[(ACTION, "embedded")] is None  # 3 < k
    assert figures[(ACTION, "dormant")] is None  # else the rest (1 + 3) would show
    assert figures[(ACTION, "implemented")] == 6
    assert figures[(ACTION, "share_dormant")] is None  # goes with its count
    assert figures[(ACTION, "discontinued")] is None  # never adopted: 2 < k
    assert figures[(ACTION, "share_discontinued")] is None
    published = BenchmarkCell.objects.filter(
        snapshot=snapshot,
        subject_type=Subject.CURATION_ACTION,
        measure__in=["dormant", "implemented", "embedded", "discontinued"],
        suppressed=False,
    )
    assert all(c.value >= K for c in published)
    withheld = BenchmarkCell.objects.get(
        snapshot=snapshot,
        subject_type=Subject.CURATION_ACTION,
        subject_code=ACTION,
        measure="embedded",
    )
    # The reason every withheld figure gives outside small bundles (anonymisation.py).
    assert (withheld.value, withheld.reason) == (None, "complementary")


@pytest.mark.parametrize(
    ("group", "counts", "withheld"),
    [
        (23, {"a": 6, "b": 6, "c": 5}, set()),  # rest 6
        (16, {"a": 6, "b": 6, "c": 3}, {"a", "c"}),  # rest 4: the smallest goes too
        (10, {"a": 10}, {"a"}),  # "all of them": rest 0
        (12, {"a": 4}, {"a"}),
    ],
)
def test_a_split_keeps_every_count_and_its_rest_at_least_k(group, counts, withheld) -> None:
    assert withhold(group, counts, K) == withheld


def test_the_public_rules_withhold_them_with_everything_below_k(small_roadmap, settings):
    curation_population(small_roadmap, {"paused": 2, None: 1}, barriers=2, rare_barriers=0)
    snapshot = _compile(settings)  # 3 organisations: the population itself is withheld
    cells = BenchmarkCell.objects.filter(
        snapshot=snapshot, subject_type__in=[Subject.CURATION_ACTION, Subject.CURATION_BARRIER]
    )
    assert cells.exists()
    assert not cells.filter(suppressed=False).exists()


def test_the_public_api_never_lists_them(small_roadmap, public_rules_off, settings, client):
    curation_population(small_roadmap)
    snapshot = _compile(settings)
    snapshot.published_at = snapshot.compiled_at
    snapshot.save()
    response = client.get("/api/v1/benchmarks/2026-Q2/", {"page_size": 1000})
    assert response.status_code == 200
    subjects = {c["subject_type"] for c in response.json()["results"]}
    assert "action" in subjects
    assert not subjects & {Subject.CURATION_ACTION, Subject.CURATION_BARRIER}
