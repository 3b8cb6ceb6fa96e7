"""An export made by a real Celery worker, from the broker (Redis in CI), on the configured
database: the job row goes from queued to done, with its file, and the requester is told.

Uses the worker fixture of ``tests/integration/conftest.py`` (see there for why the data
is committed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from apps.benchmarking.exports import services
from apps.benchmarking.exports.tasks import export_report_task
from apps.benchmarking.models import ExportJob
from tests.integration.conftest import TaskLog, celery_worker  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_worker_makes_the_export_once(
    celery_worker: TaskLog,  # noqa: F811 - the imported fixture
    personas: dict,
    org: Any,
    snapshot: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    job = services.export_request(
        requested_by=personas["pe_lead"], organisation=org, snapshot=snapshot, format="pdf"
    )
    celery_worker.wait_for(export_report_task.name)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert default_storage.exists(job.file.name)
    with default_storage.open(job.file.name, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]

    # Delivered again (as after a worker died before acknowledging): nothing is redone.
    export_report_task.delay(job.pk)
    celery_worker.wait_for(export_report_task.name, successes=2)
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.finished_at) == (job.file.name, job.finished_at)
