from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from apps.roadmap.loader import DEFAULT_FIXTURE, load_roadmap


class Command(BaseCommand):
    help = "Load the PARADIGM roadmap fixture. Idempotent: a second run changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DEFAULT_FIXTURE, help="YAML fixture.")
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Update an edition that is already loaded to match the fixture.",
        )

    def handle(self, *args: object, path: Path, sync: bool, **options: object) -> None:
        report = load_roadmap(path=path, sync=sync)
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                f"Roadmap loaded from {path.name}: {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
