"""What the benchmark scripts share: Django set-up, the scratch-database guard, the
benchmark period and snapshot, tables and JSON results.

The scripts run against the database in ``DATABASE_URL`` and refuse to run without it, or
on a database without synthetic organisations (``make bench-seed``): they compile and
delete benchmark snapshots, which only a scratch database may lose.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django(*, debug: bool = False) -> None:
    """Django with the local settings (DEBUG off by default, as in production)."""
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (see bench/README.md).")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings.local")
    os.environ["DEBUG"] = "True" if debug else "False"
    import django

    django.setup()


def require_synthetic_data() -> int:
    """How many synthetic organisations there are; exits when there are none."""
    from apps.devdata.synthetic import synthetic_organisations
    from apps.organisations.models import Organisation

    count = synthetic_organisations().count()
    if not count:
        sys.exit("No synthetic organisations here: run `make bench-seed` first.")
    return Organisation.objects.verified().count()


def bench_period_label(today: dt.date | None = None) -> str:
    """The last period that has ended: the one the benchmarks compile and read."""
    from django.utils import timezone

    from apps.benchmarking.periods import bounds_for

    _label, start, _end = bounds_for(today or timezone.localdate())
    return bounds_for(start - dt.timedelta(days=1))[0]


def drop_snapshot(label: str) -> None:
    """Delete the period's snapshot (cells and export jobs go with it). Scratch data only:
    the caller has checked for synthetic data."""
    from apps.benchmarking.models import BenchmarkSnapshot, ExportJob

    snapshots = BenchmarkSnapshot.objects.filter(period__label=label)
    ExportJob.objects.filter(snapshot__in=snapshots).delete()
    snapshots.delete()


def ensure_snapshot(label: str | None = None) -> tuple[Any, float]:
    """The bench period's snapshot, compiled now if there is none. A snapshot compiled on
    fewer organisations is kept (the pages read about as many cells at every size, and a
    compile at 10,000 organisations is long): ``bench.compile`` recompiles it. Returns the
    snapshot and the compile time (0 when it existed)."""
    from apps.benchmarking.models import BenchmarkSnapshot
    from apps.benchmarking.periods import period_get_or_create
    from apps.benchmarking.services import snapshot_compile_and_publish

    label = label or bench_period_label()
    existing = BenchmarkSnapshot.objects.filter(period__label=label).first()
    if existing is not None and existing.audited_at is not None:
        return existing, 0.0
    started = time.perf_counter()
    # Compiled and audited: the pages show a snapshot only once its audit published it.
    snapshot = snapshot_compile_and_publish(period=period_get_or_create(label))
    return snapshot, time.perf_counter() - started


def environment() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        version = str(cursor.fetchone()[0]).split(",")[0]
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "database": f"{connection.vendor} {connection.settings_dict.get('NAME')}",
        "database_version": version,
    }


def write_result(name: str, label: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{label}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nWritten: {path.relative_to(ROOT)}")
    return path


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table, columns padded to their widest cell (Markdown-compatible)."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
