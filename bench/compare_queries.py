"""Compare two queries-per-page results: the counts side by side, whether they are equal
(no query per row: an N+1 grows with the data) and within the budget of 15.

    .venv/bin/python -m bench.compare_queries bench/results/queries-100.json \\
        bench/results/queries-10000.json

Exits 1 when a page's count differs or is over the budget, and prints the repeated SQL of
those pages.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.common import table
from bench.queries_per_page import BUDGET, budget_for


def load(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def compare(small: dict[str, Any], large: dict[str, Any]) -> tuple[list[list[Any]], list[str]]:
    rows, failing = [], []
    for url in dict.fromkeys([*small["pages"], *large["pages"]]):
        a, b = small["pages"].get(url), large["pages"].get(url)
        if a is None or b is None or 404 in (a["status"], b["status"]):
            rows.append([url, _count(a), _count(b), "-", "-", "absent"])
            continue
        equal = a["queries"] == b["queries"]
        within = max(a["queries"], b["queries"]) <= budget_for(url)
        rows.append([url, a["queries"], b["queries"], _yes(equal), _yes(within),
                     "ok" if equal and within else "MISSED"])  # fmt: skip
        if not (equal and within):
            failing.append(url)
    return rows, failing


def _count(page: dict[str, Any] | None) -> str:
    return "-" if page is None else f"{page['queries']} ({page['status']})"


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def explain(url: str, small: dict[str, Any], large: dict[str, Any]) -> None:
    print(f"\n{url}: {small['pages'][url]['queries']} → {large['pages'][url]['queries']} queries")
    repeated = large["pages"][url]["repeated"]
    if not repeated:
        print("  no query repeated: a fixed number of distinct queries, not an N+1")
    for item in repeated:
        print(f"  ×{item['count']}: {item['sql'][:400]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("small", help="Result at the smaller size (queries-100.json)")
    parser.add_argument("large", help="Result at the larger size (queries-10000.json)")
    args = parser.parse_args()
    small, large = load(args.small), load(args.large)
    rows, failing = compare(small, large)
    print(f"Queries per page: {small['organisations']:,} vs {large['organisations']:,} "
          f"organisations (budget: equal, and ≤ {BUDGET})")  # fmt: skip
    print(table(["URL", small["label"], large["label"], "equal", f"≤ {BUDGET}", "verdict"], rows))
    for url in failing:
        explain(url, small, large)
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
