"""Report compile: ``compile_snapshot`` against the same aggregates in plain SQL
(``bench/baseline.sql``), on the same database in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pe_bench \\
        .venv/bin/python -m bench.compile --label 10000

Each measurement runs in its own process, so that its peak memory (``ru_maxrss``) is its
own: the baseline once to warm the database's cache (not counted), then the compile of
the last ended period (its snapshot deleted first: scratch databases only), then the
baseline. Prints both times, their ratio, the peak memory, and the growth across every
``compile-*.json`` result so far (run it at 1,000 and at 10,000 organisations).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    RESULTS,
    ROOT,
    bench_period_label,
    drop_snapshot,
    environment,
    require_synthetic_data,
    setup_django,
    table,
    write_result,
)

BASELINE_SQL = Path(__file__).with_name("baseline.sql")
RATIO_BUDGET, MEMORY_BUDGET_MB = 2.0, 300


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def statements() -> list[str]:
    text = "\n".join(
        line for line in BASELINE_SQL.read_text().splitlines() if not line.startswith("--")
    )
    return [s.strip() for s in text.split(";\n\n") if s.strip()]


def run_baseline(label: str) -> dict[str, Any]:
    from django.db import connection, transaction

    from apps.benchmarking.periods import parse_label
    from apps.roadmap.models import Edition

    _label, start, end = parse_label(label)
    params = {"edition": Edition.objects.current().pk, "start": start, "end": end}
    rows: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements():
            cursor.execute(sql, params)
            if cursor.description:
                rows += cursor.fetchall()
    adopting = {(r[1], r[2:6]): r[6] for r in rows if r[0] == "action"}
    return {"rows": len(rows), "action_all_adopting": _all_only(adopting)}


def _all_only(adopting: dict) -> dict[str, int]:
    return {code: n for (code, breakdown), n in adopting.items() if breakdown == (None,) * 4}


def run_compile(label: str) -> dict[str, Any]:
    from apps.benchmarking.compile import compile_snapshot
    from apps.benchmarking.periods import period_get_or_create

    drop_snapshot(label)
    snapshot = compile_snapshot(period=period_get_or_create(label))
    cells = snapshot.cells.filter(subject_type="action", breakdown="all", measure="adopting")
    return {
        "rows": snapshot.cells.count(),
        "action_all_adopting": {
            c.subject_code: int(c.value) for c in cells.exclude(value=None).order_by()
        },
    }


def worker(kind: str, label: str) -> None:
    """In the child process: one measurement, printed as one JSON line."""
    setup_django()
    before = peak_mb()
    started = time.perf_counter()
    result = run_compile(label) if kind == "compile" else run_baseline(label)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "start_mb": before, **result}))


def measure(kind: str, label: str, timeout: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.compile", "--worker", kind, "--period", label]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode:
        sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth_table() -> list[list[Any]]:
    """Every compile result so far by size, each with its growth from the one before."""
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("compile-*.json"))]
    results.sort(key=lambda r: r["organisations"])
    rows, previous = [], None
    for r in results:
        size = r["organisations"] / previous["organisations"] if previous else 1.0
        growth = r["compile"]["seconds"] / previous["compile"]["seconds"] if previous else 1.0
        linear = "-" if previous is None else ("yes" if growth <= size * 1.1 else "NO")
        rows.append([r["label"], f"{r['organisations']:,}", f"{r['compile']['seconds']:.1f}",
                     f"{r['baseline']['seconds']:.1f}", f"{r['ratio']:.2f}",
                     f"{r['compile']['peak_mb']:.0f}", f"×{size:.0f}", f"×{growth:.1f}",
                     linear])  # fmt: skip
        previous = r
    return rows


def report(label: str, organisations: int, baseline: dict, compiled: dict) -> None:
    ratio = compiled["seconds"] / baseline["seconds"]
    published = compiled["action_all_adopting"]  # suppressed cells hold no value
    agree = published == {
        k: v for k, v in baseline["action_all_adopting"].items() if k in published
    }
    rows = [
        ["compile_snapshot", f"{compiled['seconds']:.1f}", f"{compiled['peak_mb']:.0f}",
         f"{compiled['rows']:,} cells"],
        ["plain SQL baseline", f"{baseline['seconds']:.1f}", f"{baseline['peak_mb']:.0f}",
         f"{baseline['rows']:,} rows"],
    ]  # fmt: skip
    print(f"Compile at {organisations:,} organisations ({label}), period {bench_period_label()}")
    print(table(["what", "seconds", "peak MB", "output"], rows))
    memory_ok = compiled["peak_mb"] < MEMORY_BUDGET_MB
    print(f"ratio compile/baseline: {ratio:.2f} (budget ≤ {RATIO_BUDGET}: "
          f"{'met' if ratio <= RATIO_BUDGET else 'MISSED'}); peak memory budget "
          f"< {MEMORY_BUDGET_MB} MB: {'met' if memory_ok else 'MISSED'}")  # fmt: skip
    print(f"baseline and compile agree on every published action count: {agree}")
    result = {"label": label, "organisations": organisations, "ratio": round(ratio, 3),
              "agree": agree, "compile": compiled, "baseline": baseline,
              "environment": environment()}  # fmt: skip
    write_result("compile", label, result)
    print("\nGrowth from the size before (compile time should grow no faster than the size)")
    headers = ["label", "orgs", "compile s", "baseline s", "ratio", "peak MB", "size", "time"]
    print(table([*headers, "linear"], growth_table()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label")
    parser.add_argument("--period", help="Default: the last ended period.")
    parser.add_argument("--timeout", type=int, default=3600, help="Per measurement, seconds.")
    parser.add_argument("--worker", choices=["compile", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.period)
    if not args.label:
        parser.error("--label is required")
    setup_django()
    organisations = require_synthetic_data()
    label = args.period or bench_period_label()
    measure("baseline", label, args.timeout)  # warm-up: the database's cache, not counted
    compiled = measure("compile", label, args.timeout)
    baseline = measure("baseline", label, args.timeout)
    report(args.label, organisations, baseline, compiled)


if __name__ == "__main__":
    main()
