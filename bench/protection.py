"""Protection: the share of cells withheld per family, and the compile with its audit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pe_bench \\
        .venv/bin/python -m bench.protection --label 1000 [--periods 2026-Q2,2026-Q3]

Recompiles each period (its snapshot deleted first: scratch databases only), oldest first so
that each one is protected against the ones before it, then audits it. Prints, per family
(subject type), how many cells there are and the share withheld, with the reasons; the
compile and audit times; and the process's peak memory. Writes
``bench/results/protection-<label>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections import Counter, defaultdict
from typing import Any

from bench.common import (
    bench_period_label,
    drop_snapshot,
    environment,
    require_synthetic_data,
    setup_django,
    table,
    write_result,
)

TIME_BUDGET_S, MEMORY_BUDGET_MB = 300, 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def shares(snapshot: Any) -> dict[str, dict[str, Any]]:
    """Per subject type: cells, withheld, the share withheld and the reasons."""
    found: dict[str, Counter] = defaultdict(Counter)
    for subject, suppressed, reason in snapshot.cells.values_list(
        "subject_type", "suppressed", "reason"
    ).iterator(chunk_size=20000):
        for key in (subject, "(all)"):
            found[key]["cells"] += 1
            if suppressed:
                found[key]["withheld"] += 1
                found[key][f"reason:{reason}"] += 1
    result = {}
    for subject, counts in sorted(found.items()):
        result[subject] = {
            **counts,
            "withheld": counts["withheld"],
            "withheld_pct": round(100 * counts["withheld"] / counts["cells"], 1),
        }
    return result


def previous_labels(label: str, count: int) -> list[str]:
    from apps.benchmarking.periods import parse_label

    labels = [label]
    while len(labels) < count:
        _l, start, _e = parse_label(labels[0])
        labels.insert(0, parse_label_of(start - dt.timedelta(days=1)))
    return labels


def parse_label_of(day: dt.date) -> str:
    from apps.benchmarking.periods import bounds_for

    return bounds_for(day)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="names the result file (e.g. 1000)")
    parser.add_argument("--periods", help="comma-separated, oldest first (default: last two)")
    parser.add_argument("--no-audit", action="store_true", help="compile only")
    args = parser.parse_args()
    setup_django()
    organisations = require_synthetic_data()

    from apps.benchmarking.compile import compile_snapshot
    from apps.benchmarking.periods import period_get_or_create

    labels = args.periods.split(",") if args.periods else previous_labels(bench_period_label(), 2)
    for label in reversed(labels):  # newest first: nothing later protects against them
        drop_snapshot(label)
    runs = []
    for label in labels:
        started = time.perf_counter()
        snapshot = compile_snapshot(period=period_get_or_create(label))
        compiled = time.perf_counter() - started
        findings: list = []
        audited = 0.0
        if not args.no_audit:
            from apps.benchmarking.services import snapshot_audit

            # The audit, and the publication of a clean snapshot: the next period is
            # protected against what this one publishes.
            started = time.perf_counter()
            findings = snapshot_audit(snapshot=snapshot)
            audited = time.perf_counter() - started
        runs.append(
            {
                "period": label,
                "compile_s": round(compiled, 1),
                "audit_s": round(audited, 1),
                "findings": len(findings),
                "finding_kinds": dict(Counter(f["kind"] for f in findings)),
                "finding_examples": [
                    f"{f['kind']} {f['key']} {f['detail']}" for f in findings[:10]
                ],
                "families": shares(snapshot),
            }
        )
    peak = peak_mb()
    for run in runs:
        print(
            f"\n{run['period']}: compile {run['compile_s']} s, audit {run['audit_s']} s, "
            f"findings {run['findings']} {run['finding_kinds']}"
        )
        rows = [
            [
                subject,
                f"{f['cells']:,}",
                f"{f['withheld']:,}",
                f"{f['withheld_pct']}%",
                ", ".join(
                    f"{k.split(':')[1]} {v:,}" for k, v in f.items() if k.startswith("reason:")
                ),
            ]
            for subject, f in run["families"].items()
        ]
        print(table(["family", "cells", "withheld", "share withheld", "reasons"], rows))
    total = sum(r["compile_s"] + r["audit_s"] for r in runs)
    print(
        f"\npeak memory {peak:.0f} MB (budget {MEMORY_BUDGET_MB}); {organisations:,} organisations"
    )
    last = runs[-1]
    print(
        f"last period: compile + audit {last['compile_s'] + last['audit_s']:.1f} s "
        f"(budget {TIME_BUDGET_S})"
    )
    write_result(
        "protection",
        args.label,
        {
            "environment": environment(),
            "organisations": organisations,
            "runs": runs,
            "total_s": round(total, 1),
            "peak_mb": round(peak),
        },
    )


if __name__ == "__main__":
    main()
