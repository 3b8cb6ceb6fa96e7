from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.benchmarking import services
from apps.benchmarking.models import BenchmarkSnapshot


class Command(BaseCommand):
    help = (
        "Audit benchmark snapshots as a reader would attack them: the interval every withheld "
        "figure can be inferred to from everything published, and the attribute rules. "
        "Prints each finding and exits with status 1 when there is any. Without --period, "
        "every snapshot is audited, oldest first (published or held). Changes nothing: the "
        "audit that publishes runs after each compile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="A period label such as 2026-Q2.")

    def handle(self, *args: object, period: str | None, **options: object) -> None:
        snapshots = BenchmarkSnapshot.objects.select_related("period").order_by("period__starts_on")
        if period:
            snapshots = snapshots.filter(period__label=period.strip().upper())
            if not snapshots.exists():
                raise CommandError(f"No snapshot has been compiled for {period}.")
        total = 0
        audited = 0
        for snapshot in snapshots:
            findings = services.snapshot_findings(snapshot=snapshot)
            audited += 1
            total += len(findings)
            state = "published" if snapshot.is_published else "not published"
            self.stdout.write(f"{snapshot.period} ({state}): {len(findings)} finding(s)")
            for finding in findings:
                self.stdout.write(f"  {services.finding_text(finding)}")
        summary = f"{audited} snapshot(s) audited, {total} finding(s)."
        if total:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
