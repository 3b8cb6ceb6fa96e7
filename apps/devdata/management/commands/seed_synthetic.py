"""Synthetic data at community scale for the benchmarks: ``seed_synthetic --orgs N --seed S``.

The work is done by :mod:`apps.devdata.synthetic`; this command parses, guards and reports.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.devdata.synthetic import SeedReport, SyntheticDataError, seed_synthetic, synthetic_clear


class Command(BaseCommand):
    help = (
        "Generate N verified synthetic organisations (slugs syn-…) with members, adoptions, "
        "three years of progress and maturity assessments, reproducibly from --seed. "
        "For benchmarks (bench/); never in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=100, help="How many organisations.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--clear", action="store_true", help="Delete earlier synthetic data first."
        )
        parser.add_argument(
            "--chunk-size", type=int, default=200, help="Organisations per transaction."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when DEBUG is off (for a scratch benchmark database only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_synthetic writes thousands of fake organisations: it runs only with DEBUG "
                "on, or with --allow-production on a scratch database."
            )
        if options["orgs"] < 0 or options["chunk_size"] < 1:
            raise CommandError("--orgs must be 0 or more and --chunk-size at least 1.")
        if options["clear"]:
            deleted = synthetic_clear()
            self.stdout.write(f"Cleared: {_counts(deleted)}")
        try:
            report = seed_synthetic(
                organisations=options["orgs"],
                seed=options["seed"],
                chunk_size=options["chunk_size"],
                progress=self._progress if options["verbosity"] > 1 else None,
            )
        except SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(report.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.organisations} synthetic organisations in {report.seconds:.1f} s "
                f"({total:,} rows, {total / max(report.seconds, 1e-9):,.0f} rows/s)."
            )
        )
        for label, n in report.rows.items():
            self.stdout.write(f"  {label:<28} {n:>10,}")

    def _progress(self, done: int, report: SeedReport) -> None:
        self.stdout.write(f"  … {done} organisations, {sum(report.rows.values()):,} rows")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {label}" for label, n in counts.items() if n) or "nothing"
