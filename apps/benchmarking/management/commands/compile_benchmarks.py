from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.benchmarking.periods import period_get_or_create
from apps.benchmarking.services import compile_closed_periods, snapshot_compile_and_publish


class Command(BaseCommand):
    help = (
        "Compile the benchmark snapshot of a period (--period 2026-Q3), or of every ended "
        "period that has none, then audit it: a snapshot is published only when its audit "
        "finds nothing. A period is compiled once; running again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="A period label such as 2026-Q3.")

    def handle(self, *args: object, period: str | None, **options: object) -> None:
        if period:
            try:
                snapshots = [snapshot_compile_and_publish(period=period_get_or_create(period))]
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            snapshots = compile_closed_periods()
        for snapshot in snapshots:
            state = (
                "published"
                if snapshot.is_published
                else f"NOT published, {len(snapshot.audit_findings)} audit finding(s)"
            )
            self.stdout.write(
                f"{snapshot.period}: {snapshot.organisation_count} verified organisations, "
                f"compiled {snapshot.compiled_at:%Y-%m-%d %H:%M}, {state}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(snapshots)} snapshot(s) ready."))
