"""Benchmark tasks. Late acknowledgement (settings) makes a task that dies with its
worker run again; compiling is idempotent, so it completes once."""

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def compile_closed_periods_task(self: object) -> int:
    """Daily: compile every period that has ended and has no snapshot yet."""
    return len(services.compile_closed_periods())


# The export tasks live with the exports; importing them here registers them with the
# worker, whose autodiscovery imports each app's ``tasks`` module only.
from .exports.tasks import export_cleanup_task, export_report_task  # noqa: E402

__all__ = ["compile_closed_periods_task", "export_cleanup_task", "export_report_task"]
