"""Writes about benchmarks: compiling snapshots for closed periods."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone

from apps.adoption.models import ProgressEntry

from .compile import compile_snapshot
from .models import BenchmarkSnapshot
from .periods import closed_periods


def compile_closed_periods(*, today: dt.date | None = None) -> list[BenchmarkSnapshot]:
    """Compile every ended period since the first progress entry that has no snapshot.

    Idempotent: periods compiled before are returned untouched.
    """
    first = ProgressEntry.objects.aggregate(first=Min("entry_date"))["first"]
    if first is None:
        return []
    today = today or timezone.localdate()
    return [compile_snapshot(period=p) for p in closed_periods(since=first, today=today)]
