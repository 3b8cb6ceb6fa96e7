"""Every periodic task, declared here and installed into django-celery-beat.

``install_schedules`` runs after every ``migrate`` (see ``apps.py``) and is
idempotent: it creates or updates these rows and disables rows of ours that
were removed from the list. Admins may still pause a task in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

PREFIX = "portal: "


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"


SCHEDULES = [
    Schedule(
        name="adoption reminders",
        task="apps.adoption.tasks.send_reminders_task",
        minute="0",
        hour="7",
    ),
    Schedule(
        name="weekly digest of follows",
        task="apps.follows.tasks.send_digests_task",
        minute="0",
        hour="7",
        day_of_week="1",
    ),
    Schedule(
        name="compile benchmarks of closed periods",
        task="apps.benchmarking.tasks.compile_closed_periods_task",
        minute="30",
        hour="2",
    ),
    Schedule(name="worker heartbeat", task="apps.core.tasks.heartbeat_task", minute="*"),
    # Hourly rather than daily: it also sends exports that waited for the task queue.
    Schedule(
        name="remove expired benchmark exports",
        task="apps.benchmarking.exports.tasks.export_cleanup_task",
        minute="15",
    ),
]


def install_schedules() -> int:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    names = []
    for schedule in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_week=schedule.day_of_week,
            day_of_month=schedule.day_of_month,
            month_of_year=schedule.month_of_year,
            timezone=settings.TIME_ZONE,
        )
        name = PREFIX + schedule.name
        names.append(name)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": schedule.task, "crontab": crontab}
        )
    PeriodicTask.objects.filter(name__startswith=PREFIX).exclude(name__in=names).update(
        enabled=False
    )
    return len(names)
