"""Exports: an organisation's benchmark report as PDF, XLSX and CSV, and the full aggregate
XLSX, timed at the current data size with each one's peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pe_bench \\
        .venv/bin/python -m bench.exports --label 10000

Each export is rendered in its own process (``export_render`` of
``apps.benchmarking.exports.services``, as the Celery task does, without storing the
file), so that its ``ru_maxrss`` is its own. Without that module it says so and exits 0.
Budgets: every organisation report under 10 s; peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from typing import Any

from bench.common import (
    ROOT,
    ensure_snapshot,
    environment,
    require_synthetic_data,
    setup_django,
    table,
    write_result,
)

MODULE = "apps.benchmarking.exports.services"
SECONDS_BUDGET, MEMORY_BUDGET_MB = 10.0, 300
KINDS = {  # name: (organisation report?, format)
    "report-pdf": (True, "pdf"),
    "report-xlsx": (True, "xlsx"),
    "report-csv": (True, "csv"),
    "aggregate-xlsx": (False, "xlsx"),
}


def worker(kind: str, slug: str) -> None:
    """In the child process: render one export, print one JSON line."""
    setup_django()
    from apps.benchmarking.exports.services import export_render
    from apps.benchmarking.models import ExportJob
    from apps.organisations.models import Organisation

    snapshot, _ = ensure_snapshot()
    for_organisation, file_format = KINDS[kind]
    organisation = Organisation.objects.get(slug=slug) if for_organisation else None
    job = ExportJob(organisation=organisation, snapshot=snapshot, format=file_format)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    rendered = export_render(job)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = len(rendered.content)
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "start_mb": before, "bytes": size}))


def measure(kind: str, slug: str, timeout: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.exports", "--worker", kind, "--slug", slug]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(kind: str, result: dict[str, Any]) -> list[Any]:
    if "error" in result:
        return [kind, "-", "-", "-", f"ERROR: {result['error'][:80]}"]
    fast = result["seconds"] < SECONDS_BUDGET or not KINDS[kind][0]
    small = result["peak_mb"] < MEMORY_BUDGET_MB
    verdict = "met" if fast and small else "MISSED"
    return [kind, f"{result['seconds']:.2f}", f"{result['peak_mb']:.0f}",
            f"{result['bytes']:,}", verdict]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label")
    parser.add_argument("--slug", default="syn-00001")
    parser.add_argument("--timeout", type=int, default=600, help="Per export, seconds.")
    parser.add_argument("--worker", choices=list(KINDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.slug)
    if not args.label:
        parser.error("--label is required")
    setup_django()
    if importlib.util.find_spec(MODULE) is None:
        print(f"{MODULE} does not exist yet: nothing to time.")
        return None
    organisations = require_synthetic_data()
    snapshot, _ = ensure_snapshot()
    results = {kind: measure(kind, args.slug, args.timeout) for kind in KINDS}
    print(f"Exports at {organisations:,} organisations ({args.label}), snapshot {snapshot.period} "
          f"(budgets: report < {SECONDS_BUDGET:.0f} s, peak < {MEMORY_BUDGET_MB} MB)")  # fmt: skip
    print(table(["export", "seconds", "peak MB", "bytes", "verdict"],
                [row(k, r) for k, r in results.items()]))  # fmt: skip
    write_result("exports", args.label, {"label": args.label, "organisations": organisations,
                 "snapshot_organisations": snapshot.organisation_count,
                 "environment": environment(), "exports": results})  # fmt: skip
    return None


if __name__ == "__main__":
    main()
