"""The reason a reader sees for a withheld figure says no more than the protection allows.

Told apart, "withheld because it is none, one, all but one or all of its group" would pin the
figure by itself. Only a bundle of fewer than k organisations is named as such (its own
population says so); every other withheld figure gives one reason, whichever rule withheld it.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.benchmarking.anonymisation import COMPLEMENTARY, SMALL_GROUP
from apps.benchmarking.compile import compile_snapshot
from apps.benchmarking.models import BenchmarkCell, Subject
from tests.benchmarking.conftest import WESTERN

pytestmark = pytest.mark.django_db


def test_a_count_of_all_of_its_group_gives_the_common_reason(
    bench_population: dict[str, Any], settings: Any
) -> None:
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 0  # the six Belgian organisations are listed
    snapshot = compile_snapshot(period=bench_population["period"])
    # Every Belgian organisation (six of the first six) adopts A1.1.1: "all of them".
    cell = snapshot.cells.get(
        subject_type=Subject.ACTION,
        subject_code="A1.1.1",
        breakdown="country",
        breakdown_value=WESTERN,
        measure="adopting",
    )
    assert cell.suppressed
    assert cell.reason == COMPLEMENTARY


def test_only_the_figures_of_a_small_bundle_are_said_to_be_small(
    bench_population: dict[str, Any],
) -> None:
    snapshot = compile_snapshot(period=bench_population["period"])
    cells = BenchmarkCell.objects.filter(snapshot=snapshot)
    assert set(cells.filter(suppressed=True).values_list("reason", flat=True)) <= {
        SMALL_GROUP,
        COMPLEMENTARY,
    }
    small = set(
        cells.filter(subject_type=Subject.POPULATION, reason=SMALL_GROUP).values_list(
            "breakdown", "breakdown_value"
        )
    )
    said_small = set(cells.filter(reason=SMALL_GROUP).values_list("breakdown", "breakdown_value"))
    assert said_small == small


def test_a_country_below_the_threshold_has_no_figures_but_counts_in_its_region(
    bench_population: dict[str, Any], settings: Any
) -> None:
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 1_000  # rule 6: no country is big enough
    snapshot = compile_snapshot(period=bench_population["period"])
    cells = BenchmarkCell.objects.filter(snapshot=snapshot)
    population = cells.filter(subject_type=Subject.POPULATION)

    assert not cells.filter(breakdown="country").exists()
    regions = population.filter(breakdown="region", suppressed=False)
    assert regions.exists()
    everyone = population.get(breakdown="all")
    assert not everyone.suppressed
    assert regions.count() == population.filter(breakdown="region").count()
    assert sum(r.value for r in regions) == everyone.value
