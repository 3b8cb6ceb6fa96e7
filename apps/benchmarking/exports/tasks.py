"""Export tasks. They take ids and call services (``services.py``).

Late acknowledgement is global (settings): a task whose worker dies is delivered
again, and ``export_run`` makes a job's file once however often it runs. The worker
finds these tasks through ``apps.benchmarking.tasks``, which imports this module.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=5 * 60,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def export_report_task(self: Any, job_id: int) -> str:
    """Make one export job's file; report progress to the job row (and the task state)."""

    def progress(percent: int) -> None:
        if self.request.id:
            self.update_state(state="PROGRESS", meta={"value": percent})

    # Run eagerly (no broker), a retry would be raised into the request instead of run:
    # there, a transient error fails the job at once.
    retrying = self.request.retries < self.max_retries and not self.request.is_eager
    try:
        job = services.export_run(job_id=job_id, progress=progress, retrying=retrying)
    except services.TRANSIENT_ERRORS as exc:
        if retrying:
            raise  # autoretry_for sends the task again, with backoff
        # The job row records the failure; a different type keeps autoretry_for away.
        raise services.ExportFailed(str(exc)) from exc
    return job.status if job is not None else "missing"


@shared_task(ignore_result=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def export_cleanup_task() -> int:
    """Hourly: delete expired export files; send again exports that waited for the queue."""
    return services.export_cleanup()
