"""Tasks on a real Celery worker, against the configured database and broker.

In CI that is PostgreSQL and Redis (see ``.ci/run``); see ``conftest.py`` for why the
data is committed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery import states
from celery.exceptions import Reject
from django.core import mail
from django.utils import timezone

from apps.adoption.models import Adoption, ProgressEntry
from apps.adoption.tasks import send_reminders_task
from apps.benchmarking import compile as compiling
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.benchmarking.tasks import compile_closed_periods_task
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.integration.conftest import TaskLog

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPILE = compile_closed_periods_task.name
CELL_FIELDS = BenchmarkCell.FIGURE_FIELDS


def cells_of(snapshot: BenchmarkSnapshot) -> list[tuple]:
    return list(snapshot.cells.order_by("pk").values_list(*CELL_FIELDS))


def test_a_compile_on_a_worker_makes_one_snapshot_and_a_second_changes_nothing(
    celery_worker: TaskLog, closed_population: dict[str, Any]
) -> None:
    compile_closed_periods_task.delay()
    celery_worker.wait_for(COMPILE)

    snapshot = BenchmarkSnapshot.objects.select_related("period").get()
    assert snapshot.period.label == closed_population["label"]
    assert snapshot.organisation_count == 12
    cells = cells_of(snapshot)
    assert len(cells) > 500
    assert any(cell[CELL_FIELDS.index("suppressed")] for cell in cells)

    compile_closed_periods_task.delay()
    assert celery_worker.wait_for(COMPILE, successes=2) == [states.SUCCESS, states.SUCCESS]

    again = BenchmarkSnapshot.objects.get()
    assert (again.pk, again.compiled_at) == (snapshot.pk, snapshot.compiled_at)
    assert cells_of(again) == cells
    assert BenchmarkCell.objects.count() == len(cells)


def test_a_task_delivered_twice_at_once_compiles_once(
    celery_worker: TaskLog, closed_population: dict[str, Any]
) -> None:
    compile_closed_periods_task.delay()
    compile_closed_periods_task.delay()

    celery_worker.wait_for(COMPILE, successes=2)

    snapshot = BenchmarkSnapshot.objects.get()
    assert BenchmarkCell.objects.count() == snapshot.cells.count() > 0


@pytest.mark.parametrize(
    ("failure", "first_state"),
    [
        # The worker is lost mid-compile: with late acknowledgement the broker hands the
        # message to a worker again (what ``task_reject_on_worker_lost`` does).
        (Reject("worker lost mid-compile", requeue=True), states.REJECTED),
        # The database connection drops mid-compile: the task retries itself.
        (ConnectionError("database connection lost"), states.RETRY),
    ],
    ids=["worker-lost", "connection-lost"],
)
def test_a_compile_that_dies_midway_completes_once_when_run_again(
    celery_worker: TaskLog,
    closed_population: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    first_state: str,
) -> None:
    write_cells = BenchmarkCell.objects.bulk_create
    attempts: list[int] = []

    def die_on_the_first_attempt(*args: Any, **kwargs: Any) -> list[BenchmarkCell]:
        # The snapshot row is written, the cells are next: this is where the first run dies.
        # How many snapshots this attempt sees: its own only, if the first left nothing.
        attempts.append(BenchmarkSnapshot.objects.count())
        if len(attempts) == 1:
            raise failure
        return write_cells(*args, **kwargs)

    monkeypatch.setattr(compiling.BenchmarkCell.objects, "bulk_create", die_on_the_first_attempt)

    compile_closed_periods_task.delay()

    assert celery_worker.wait_for(COMPILE) == [first_state, states.SUCCESS]
    assert attempts == [1, 1]
    snapshot = BenchmarkSnapshot.objects.get()
    assert snapshot.organisation_count == 12
    assert BenchmarkCell.objects.count() == snapshot.cells.count() > 500


def test_reminders_are_emailed_from_a_worker(
    celery_worker: TaskLog, mailoutbox: list[mail.EmailMessage]
) -> None:
    owner = UserFactory(email="owner@example.org")
    stale = AdoptionFactory(owner=owner)
    entry = ProgressEntryFactory(adoption=stale)
    ProgressEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(90))

    send_reminders_task.delay()
    celery_worker.wait_for(send_reminders_task.name)

    # The locmem backend appends to the one outbox of the process, whatever the thread.
    assert mail.outbox is mailoutbox
    assert [message.to for message in mailoutbox] == [["owner@example.org"]]
    assert stale.action.code in mailoutbox[0].body
    assert Adoption.objects.get(pk=stale.pk).reminded_at is not None
