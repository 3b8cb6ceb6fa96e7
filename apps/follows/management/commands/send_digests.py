from django.core.management.base import BaseCommand

from apps.follows.digest import send_digests


class Command(BaseCommand):
    help = (
        "Send the weekly digests now: to each person who wants one, what changed in what they "
        "follow since their last digest. The scheduled task does the same on Mondays."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = send_digests()
        self.stdout.write(self.style.SUCCESS(f"{sent} digest(s) sent."))
