"""Grouped percentiles computed in the database with window functions.

Portable across PostgreSQL and SQLite: each group's rows are numbered by value
(``ROW_NUMBER``) and counted (``COUNT`` over the partition); only the one or two
rows that bracket each percentile come back, so memory stays bounded by the
number of groups, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, F, FloatField, QuerySet, Window
from django.db.models.functions import Cast, Ceil, Floor, RowNumber


def grouped_percentiles(
    queryset: QuerySet,
    *,
    group_by: Sequence[str],
    value: str,
    percentiles: Sequence[float] = (0.5,),
) -> dict[tuple, dict[float, float]]:
    """``{group key: {p: value}}`` by linear interpolation between closest ranks.

    ``queryset`` yields one row per observation with the ``group_by`` fields and
    ``value`` (which may be an aggregate annotation, e.g. a per-organisation sum).
    """
    partition = [F(name) for name in group_by] or None
    ranked = queryset.annotate(
        _rn=Window(RowNumber(), partition_by=partition, order_by=F(value).asc()),
        _cnt=Window(Count("*"), partition_by=partition),
    )
    results: dict[tuple, dict[float, float]] = defaultdict(dict)
    for p in percentiles:
        # Position of the percentile among 1..cnt, as a float expression.
        position = Cast(F("_cnt") - 1, FloatField()) * p + 1
        rows = (
            ranked.filter(_rn__gte=Floor(position), _rn__lte=Ceil(position))
            .values_list(*group_by, value, "_rn", "_cnt")
            .order_by()
        )
        picked: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
        for *key, observed, rn, cnt in rows:
            picked[tuple(key)].append((rn, float(observed)))
            picked[tuple(key)].sort()
            results[tuple(key)]["_n"] = cnt
        for key, bracket in picked.items():
            cnt = results[key]["_n"]
            position = (cnt - 1) * p + 1
            low_rank, low = bracket[0]
            high = bracket[-1][1]
            results[key][p] = low + (high - low) * (position - low_rank)
    return dict(results)


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))
