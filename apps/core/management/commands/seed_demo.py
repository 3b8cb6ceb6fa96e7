from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User

DEMO_ADMIN_EMAIL = "admin@demo.pe-roadmap.test"
DEMO_PASSWORD = "demo-portal-2026"


class Command(BaseCommand):
    help = "Create demo accounts for local use. Idempotent. Never run it in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when DEBUG is off (for a throwaway demo server only).",
        )

    def handle(self, *args: object, allow_production: bool, **options: object) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates well-known passwords: it runs only with DEBUG on."
            )
        admin, created = User.objects.get_or_create(
            email=DEMO_ADMIN_EMAIL,
            defaults={"full_name": "Demo portal admin", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Portal admin: {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD} "
                "(local use only)."
            )
        )
