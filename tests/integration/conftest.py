"""Integration tests against the real services: the configured database (PostgreSQL in
CI) and a real Celery worker consuming from the configured broker (Redis in CI).

The worker runs in a thread of the test process with its own database connection, so
these tests commit their data: mark them ``django_db(transaction=True,
serialized_rollback=True)`` (the rollback restores the rows that data migrations load,
such as the metric catalogue, for the transactional tests that follow). They are skipped
only when REDIS_URL is unset (a local SQLite run); in CI a skip counts as a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from celery import states
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from apps.benchmarking.periods import bounds_for
from apps.roadmap.models import Edition
from roadmap_portal.celery import app
from tests.benchmarking.conftest import build_population, standard_layout

WAIT_SECONDS = 60


@pytest.fixture(autouse=True)
def _on_the_configured_database() -> None:
    """When DATABASE_URL names PostgreSQL, the tests must really run on it."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        assert connection.vendor == "postgresql", connection.vendor


class TaskLog:
    """The tasks the worker has finished, in order: ``(task name, state, database vendor)``.

    Filled from the worker's thread (``task_postrun``), read by the test's thread.
    """

    def __init__(self) -> None:
        self.runs: list[tuple[str, str, str]] = []
        self._changed = threading.Condition()
        self._test_thread = threading.get_ident()

    def record(self, sender: Any = None, task: Any = None, state: str = "", **kwargs: Any) -> None:
        if threading.get_ident() == self._test_thread:  # pragma: no cover - eager calls
            return
        vendor = connection.vendor
        # Leave no connection open in the worker's thread: the test database is
        # flushed after each test and dropped at the end of the session.
        connections.close_all()
        with self._changed:
            self.runs.append((task.name, state, vendor))
            self._changed.notify_all()

    def states(self, name: str) -> list[str]:
        return [state for task, state, _vendor in self.runs if task == name]

    def wait_for(self, name: str, *, successes: int = 1) -> list[str]:
        """Wait until ``name`` has succeeded ``successes`` times; its states so far."""

        def done() -> bool:
            return self.states(name).count(states.SUCCESS) >= successes

        with self._changed:
            if not self._changed.wait_for(done, timeout=WAIT_SECONDS):
                pytest.fail(f"{name} did not succeed {successes}x in time: {self.runs}")
        return self.states(name)


@pytest.fixture
def celery_worker() -> Iterator[TaskLog]:
    """A real worker (solo pool, in a thread) on the configured broker."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker for a real worker")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    log = TaskLog()
    task_postrun.connect(log.record, weak=False)
    try:
        app.control.purge()  # Nothing left over from an earlier, interrupted run.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield log
    finally:
        task_postrun.disconnect(log.record)
        app.conf.task_always_eager = eager
    assert {vendor for _task, _state, vendor in log.runs} <= {connection.vendor}


def last_closed_period(today: date | None = None) -> tuple[str, date, date]:
    """The label, first and last day of the latest period that has ended."""
    _label, start, _end = bounds_for(today or timezone.localdate())
    return bounds_for(start - timedelta(days=1))


@pytest.fixture
def closed_population(small_roadmap: Edition) -> dict[str, Any]:
    """Twelve verified organisations (see ``tests/benchmarking/conftest.py``) whose progress
    is dated in the last period that has ended, and nothing earlier: the daily compile has
    exactly that one period to compile."""
    label, start, _end = last_closed_period()
    orgs = build_population(
        small_roadmap, standard_layout(12), entry_date=start + timedelta(days=10)
    )
    return {"orgs": orgs, "label": label, "edition": small_roadmap}
