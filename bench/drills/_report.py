"""A drill's figures and checks: printed as tables, written to
``bench/results/drill-<name>.json``; any failed check makes the exit status 1."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from bench.common import table, write_result

from ._stack import DrillFailed, Stack


class Report:
    def __init__(self, name: str, title: str) -> None:
        self.name, self.title = name, title
        self.figures: list[tuple[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self.data: dict[str, Any] = {}

    def figure(self, what: str, value: Any) -> Any:
        self.figures.append((what, value))
        print(f"  {what}: {value}", flush=True)
        return value

    def check(self, what: str, ok: bool, found: Any = "", expected: Any = "") -> bool:
        self.checks.append({"check": what, "ok": bool(ok), "found": found, "expected": expected})
        return bool(ok)

    def step(self, text: str, stack: Stack | None = None) -> None:
        when = f"[{stack.elapsed():5.1f} s] " if stack is not None else ""
        print(f"{when}{text}", flush=True)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c["ok"] for c in self.checks)

    def finish(self, seconds: float) -> int:
        print(f"\n{self.title}")
        print(table(["figure", "value"], [[w, v] for w, v in self.figures]))
        rows = [[c["check"], c["expected"], c["found"], "ok" if c["ok"] else "FAILED"]
                for c in self.checks]  # fmt: skip
        print()
        print(table(["check", "expected", "found", "verdict"], rows))
        verdict = "passed" if self.passed else "FAILED"
        print(f"\nDrill {self.name}: {verdict} in {seconds:.0f} s")
        result = {
            "drill": self.name,
            "passed": self.passed,
            "seconds": round(seconds, 1),
            "figures": dict(self.figures),
            "checks": self.checks,
            **self.data,
        }
        write_result("drill", self.name, result)
        return 0 if self.passed else 1


def run_drill(
    name: str,
    title: str,
    body: Callable[[Stack, Report, argparse.Namespace], None],
    args: argparse.Namespace,
) -> NoReturn:
    """Run ``body`` inside a stack (every process stopped at the end), then report."""
    report = Report(name, title)
    print(f"{title} (time limit {args.timeout} s)", flush=True)
    stack = Stack(name, timeout=args.timeout)
    try:
        with stack:
            body(stack, report, args)
    except DrillFailed as exc:
        report.check("the drill ran to its end", False, str(exc).splitlines()[0])
        print(f"\nDrill stopped: {exc}", file=sys.stderr)
    except Exception as exc:
        report.check("the drill ran to its end", False, f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
    print(f"Logs: {stack.dir}")
    sys.exit(report.finish(stack.elapsed()))


def parser(doc: str, *, timeout: int) -> argparse.ArgumentParser:
    """The drills' common options."""
    first = (doc or "").strip().splitlines()[0]
    options = argparse.ArgumentParser(description=first)
    options.add_argument("--timeout", type=int, default=timeout, help="Whole drill, seconds.")
    return options
