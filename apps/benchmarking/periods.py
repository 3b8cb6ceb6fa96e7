"""Reporting periods: quarters by default, or months, halves or years
(``BENCHMARK_PERIOD_MONTHS`` = 1, 3, 6 or 12)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils import timezone

from .models import ReportingPeriod

_PREFIX = {1: "M", 3: "Q", 6: "H"}


def _months() -> int:
    months = settings.BENCHMARK_PERIOD_MONTHS
    if months not in (1, 3, 6, 12):
        raise ValueError("BENCHMARK_PERIOD_MONTHS must be 1, 3, 6 or 12")
    return months


def bounds_for(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The label, first and last day of the period that contains ``day``."""
    months = _months()
    index = (day.month - 1) // months
    start = dt.date(day.year, index * months + 1, 1)
    end_month = start.month + months
    end = (
        dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)
    ) - dt.timedelta(days=1)
    label = str(day.year) if months == 12 else f"{day.year}-{_PREFIX[months]}{index + 1}"
    return label, start, end


def parse_label(label: str) -> tuple[str, dt.date, dt.date]:
    """Bounds of a label such as 2026-Q3, 2026-H1, 2026-M07 or 2026."""
    match = re.fullmatch(r"(\d{4})(?:-([MQH])(\d{1,2}))?", label.strip().upper())
    if not match:
        raise ValueError(f"Not a period: {label!r} (use for example 2026-Q3)")
    year, kind, number = int(match[1]), match[2], int(match[3] or 1)
    months = {None: 12, "M": 1, "Q": 3, "H": 6}[kind]
    if months != _months():
        raise ValueError(f"Periods here last {_months()} months: {label!r} does not fit")
    if not 1 <= number <= 12 // months:
        raise ValueError(f"Not a period: {label!r}")
    return bounds_for(dt.date(year, (number - 1) * months + 1, 1))


def period_get_or_create(label: str) -> ReportingPeriod:
    label, start, end = parse_label(label)
    period, _ = ReportingPeriod.objects.get_or_create(
        label=label, defaults={"starts_on": start, "ends_on": end}
    )
    return period


def closed_periods(*, since: dt.date, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Every period from the one containing ``since`` to the last one that has ended."""
    today = today or timezone.localdate()
    periods = []
    label, start, end = bounds_for(since)
    while end < today:
        period, _ = ReportingPeriod.objects.get_or_create(
            label=label, defaults={"starts_on": start, "ends_on": end}
        )
        periods.append(period)
        label, start, end = bounds_for(end + dt.timedelta(days=1))
    return periods
