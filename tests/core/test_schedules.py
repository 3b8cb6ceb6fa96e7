import pytest
from django_celery_beat.models import PeriodicTask

from apps.core.schedules import PREFIX, SCHEDULES, install_schedules

pytestmark = pytest.mark.django_db


def test_every_declared_schedule_is_installed_after_migrate() -> None:
    names = set(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
    assert {PREFIX + s.name for s in SCHEDULES} <= names


def test_installing_twice_changes_nothing_and_retired_tasks_are_disabled() -> None:
    PeriodicTask.objects.create(
        name=PREFIX + "retired",
        task="x",
        interval=None,
        crontab=PeriodicTask.objects.first().crontab,
    )
    count = PeriodicTask.objects.count()
    install_schedules()
    install_schedules()
    assert PeriodicTask.objects.count() == count
    assert not PeriodicTask.objects.get(name=PREFIX + "retired").enabled


def test_every_scheduled_task_exists() -> None:
    from roadmap_portal.celery import app

    app.loader.import_default_modules()
    for schedule in SCHEDULES:
        assert schedule.task in app.tasks
