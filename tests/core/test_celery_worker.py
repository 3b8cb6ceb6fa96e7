"""A real Celery worker against the configured broker (Redis in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from apps.core.tasks import HEARTBEAT_CACHE_KEY, heartbeat_task
from roadmap_portal.celery import app


@pytest.fixture
def celery_worker():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker for a real worker")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.celery_worker
def test_worker_picks_up_a_task_from_the_broker(celery_worker) -> None:
    cache.delete(HEARTBEAT_CACHE_KEY)
    heartbeat_task.delay()
    deadline = time.monotonic() + 20
    while cache.get(HEARTBEAT_CACHE_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None


def test_tasks_run_inline_without_a_broker() -> None:
    cache.delete(HEARTBEAT_CACHE_KEY)
    heartbeat_task.delay()
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None
