"""Numbers as the compile computes and stores them.

:func:`percentile_cont` is PostgreSQL's ``percentile_cont`` (linear interpolation between
the closest ranks) in Python, computed the same way, so that a compile on SQLite gives the
same figures as one on PostgreSQL (``compile.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal


def percentile_cont(values: Sequence[float], p: float) -> float:
    """The ``p`` percentile of sorted ``values``, as PostgreSQL's ``percentile_cont``."""
    position = p * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return values[low]
    return values[low] + (values[high] - values[low]) * (position - low)


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))
