"""Query budgets (issue 8): every page and API list endpoint of ``bench/queries_per_page.py``
needs at most 15 queries (a page listed in ``OVER_BUDGET`` there, with its reason, a few
more), and as many with a larger population as with a small one.

The counts come from the benchmark's own code (``bench.queries_per_page.run``: each
address with an empty cache, anonymously, as the admin of ``syn-00001`` or as portal
staff) on synthetic data (``seed_synthetic``, as ``make bench-seed`` writes it) at two
sizes, so that an N+1 query fails here, in CI, and not only in a benchmark run. The same
code posts two progress entries through the API (issue 18: at most 12 queries, the same
with one metric and barrier as with five and four).
Organisation ``syn-00001`` is the same at both sizes; what grows is everyone else (and the
snapshot compiled from them). No timings are checked. The larger population's snapshot
also stands for ``seed_synthetic``'s promise that a benchmark compiles on its data (the last
test).

The roadmap, both populations and their measurements are made once for the module,
inside a transaction rolled back at its end (``module_db``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Max

from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.devdata.synthetic import seed_synthetic, synthetic_clear, synthetic_organisations
from apps.roadmap.loader import load_roadmap
from bench.common import bench_period_label, drop_snapshot, ensure_snapshot
from bench.queries_per_page import (
    budget_for,
    member_urls,
    public_urls,
    run,
    run_writes,
    staff_urls,
    write_names,
    write_verdict,
)

pytestmark = pytest.mark.django_db

# Large enough that the snapshot passes its audit and is published (at a handful of
# organisations nothing can be protected, and the snapshot is rightly held back).
SMALL, LARGE = 100, 300
SLUG = "syn-00001"
PAGES = [*public_urls(), *member_urls(), *staff_urls()]


def _measure(organisations: int) -> dict[str, dict[str, Any]]:
    synthetic_clear()
    seed_synthetic(organisations=organisations, seed=1)
    drop_snapshot(bench_period_label())
    ensure_snapshot()
    return run(SLUG) | run_writes(SLUG)


@pytest.fixture(scope="module")
def counts(module_db: None) -> dict[int, dict[str, dict]]:
    """``{population: {address template: result}}`` (see ``bench.queries_per_page``)."""
    load_roadmap()
    return {size: _measure(size) for size in (SMALL, LARGE)}


# Not "page": that name is Playwright's fixture, whose browser parameter would sort these
# tests among the browser journeys (which empty the database) and split the module.
@pytest.mark.parametrize("address", PAGES)
def test_the_page_stays_within_the_query_budget(counts, address: str) -> None:
    small, large = counts[SMALL][address], counts[LARGE][address]
    assert small["status"] == large["status"] == 200, (small["url"], small["status"])
    assert large["queries"] <= budget_for(address), large["sql"]
    assert large["queries"] == small["queries"], large["repeated"] or large["sql"]


def test_every_benchmarked_page_is_checked(counts) -> None:
    assert set(counts[SMALL]) == set(counts[LARGE]) == {*PAGES, *write_names()}


def test_a_progress_entry_stays_within_the_write_budget(counts) -> None:
    for size in (SMALL, LARGE):
        writes = {name: counts[size][name] for name in write_names()}
        assert write_verdict(writes) == "ok", writes
    assert {counts[SMALL][n]["queries"] for n in write_names()} == {
        counts[LARGE][n]["queries"] for n in write_names()
    }


def test_a_benchmark_compiles_on_the_synthetic_data(counts) -> None:
    """``seed_synthetic``'s organisations make a snapshot that is published, with figures the
    protection lets through and none from more organisations than there are. Checked here,
    on the larger population the module has compiled, rather than by compiling a second
    snapshot in ``tests/devdata`` (a compile's audit is its longest part)."""
    snapshot = BenchmarkSnapshot.objects.get(period__label=bench_period_label())
    assert snapshot.audited_at is not None
    assert snapshot.organisation_count == synthetic_organisations().count() == LARGE
    cells = BenchmarkCell.objects.filter(snapshot=snapshot)
    assert cells.get(subject_type="population", breakdown="all").n == LARGE
    published = cells.filter(suppressed=False)
    assert published.filter(subject_type="action").exists()
    assert published.aggregate(n=Max("n"))["n"] <= LARGE
