"""Three published snapshots of the curation population (tests/curation/data.py):
2025-Q4 (nothing reported yet), 2026-Q1 and 2026-Q2, compiled with the small-group rule
only (tests/benchmarking/conftest.py: ``compile_published``), so the figures are known:

- A1.1.1 in 2026-Q2: uptake 65.7 (23 of 35), dormant 26.1 % (flag: stalled),
  discontinued 20.7 % (flag: often discontinued), 10 median days to implemented, days to
  embedded withheld (5 adoptions), "Lack of resources" reported by 7;
- every other action: uptake 0 in all three periods (flag: low uptake).
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import User
from apps.roadmap.models import Edition
from tests.benchmarking.conftest import compile_published
from tests.curation.data import curation_population
from tests.personas import curator as make_curator

PERIODS = ("2025-Q4", "2026-Q1", "2026-Q2")


@pytest.fixture
def curation_data(small_roadmap: Edition, settings: Any) -> Edition:
    settings.BENCHMARK_MIN_GROUP_QUANTILES = 10
    curation_population(small_roadmap)
    for label in PERIODS:
        compile_published(label)
    return small_roadmap


@pytest.fixture
def curator(db: None) -> User:
    return make_curator()
