"""Rule 3's exception (``BENCHMARK_QUANTILE_HIDDEN_N``): a median or quartile of a withheld
count stays published without its n when that count is at least the quantile threshold."""

from __future__ import annotations

from typing import Any

from apps.benchmarking.anonymisation import Cell, anonymise
from apps.benchmarking.protection import audit_cells


def test_a_median_of_a_withheld_count_stays_published_without_its_n(settings: Any) -> None:
    """Rule 3's exception: 19 of 20 adopt (withheld: all but one); the median of those 19
    is published without its n, and the audit finds nothing, as the reader only learns
    "at least 10 adopt". Switched off, the median goes with its count."""
    everyone = ("all", "")

    def cells() -> list[Cell]:
        return [
            Cell("population", "", *everyone, "organisations", 20, 20.0),
            Cell("action", "A1.1.1", *everyone, "adopting", 20, 19.0),
            Cell("action", "A1.1.1", *everyone, "median_percent", 19, 50.0, additive=False),
        ]

    shown = {c.measure: c for c in anonymise(cells(), k=5, p=3, k_quantiles=10)}
    assert shown["adopting"].suppressed
    assert not shown["median_percent"].suppressed
    assert shown["median_percent"].n is None
    assert audit_cells(shown.values(), k=5, p=3, k_quantiles=10) == []

    settings.BENCHMARK_QUANTILE_HIDDEN_N = False
    withheld = {c.measure: c for c in anonymise(cells(), k=5, p=3, k_quantiles=10)}
    assert withheld["median_percent"].suppressed
