"""The broker delivers again the tasks of a worker that died, and never one still running.

The worker drill (``bench/drills/worker_killed.py``) shows it with real processes; these
tests hold the settings it relies on.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from roadmap_portal.celery import app

ROOT = Path(__file__).resolve().parents[1]


def test_a_dead_workers_task_waits_longer_than_the_longest_task() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    # Shorter, and a task still running past it would be delivered to a second worker.
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    # Workers look for such tasks every 10 s, not kombu's default of every 100 s.
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10


def test_the_visibility_timeout_comes_from_the_environment() -> None:
    code = (
        "from roadmap_portal.celery import app; "
        "print(app.conf.broker_transport_options['visibility_timeout'])"
    )
    env = {**os.environ, "CELERY_VISIBILITY_TIMEOUT": "20"}
    env["DJANGO_SETTINGS_MODULE"] = "roadmap_portal.settings.test"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "20"


def test_a_worker_logs_through_the_portal_s_handlers() -> None:
    """Setting up a worker's logging (as ``celery worker`` and the suite's embedded worker
    do) keeps LOGGING's handler on the root logger: Celery used to remove it, leaving the
    worker, and the test process after an embedded worker, without the portal's logs."""
    root = logging.getLogger()
    handler = logging.getHandlerByName("stderr")
    assert handler is not None
    assert handler in root.handlers
    type(app.log)._setup = False  # as celery.contrib.testing.worker does before each worker
    app.log.setup(loglevel="INFO")
    assert logging.getHandlerByName("stderr") is handler
    assert handler in root.handlers
