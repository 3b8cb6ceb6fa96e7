"""Writes about exports: request one, make it (in the task), and expire old files.

A job row is the durable record of an export: the page and the API read its status,
progress, file, expiry and error, never the task's result. The task only calls
:func:`export_run`, which is idempotent: a job that is done or failed is not made
again, so a task delivered twice (late acknowledgement after a worker died, or a
retry) renders once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import secrets
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.emails import absolute_url, send_templated_email
from apps.core.exporters import Rendered

from ..models import BenchmarkSnapshot, ExportJob
from .aggregate import AggregateExporter
from .exporters import OrganisationReportExporter
from .selectors import (
    AGGREGATE_FORMATS,
    ORG_FORMATS,
    QUEUE_DOWN_NOTE,
    UNFINISHED,
    export_jobs_changed,
    export_waits_for_queue,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.organisations.models import Organisation

logger = logging.getLogger(__name__)

# What `.delay()` raises when the broker cannot be reached (redis-py's errors do not
# derive from the built-in ConnectionError).
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)
# Errors worth a retry: the database or a server was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
DEFAULT_TTL_HOURS = 24
ERROR_MAX_LENGTH = 300
STOPPED_MESSAGE = "The export did not finish in time and was stopped."
Progress = Callable[[int], None]


class ExportFailed(Exception):
    """An export failed for good (the job row says why): not to be retried."""


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "BENCHMARK_EXPORT_TTL_HOURS", DEFAULT_TTL_HOURS))


def _no_progress(percent: int) -> None:
    return None


# --- Requesting ---------------------------------------------------------------------------


def export_request(
    *,
    requested_by: User,
    organisation: Organisation | None,
    snapshot: BenchmarkSnapshot,
    format: str,
) -> ExportJob:
    """Create a queued export job and start its task once the transaction commits.

    Only a published snapshot is exported. ``organisation=None`` is the full aggregate
    (portal admins only: the caller checks), which has no PDF. The same export already
    waiting or running for the same person is returned instead of a second one. If the
    task queue cannot be reached, the job stays queued with :data:`QUEUE_DOWN_NOTE` and
    ``export_cleanup`` sends it later. With no broker configured (tasks run eagerly), it is
    made in a thread of this process once the transaction commits
    (``TASKS_INLINE_IN_THREAD``, :func:`export_in_background`), or, with that setting
    off (the tests), before this returns.
    """
    if not snapshot.is_published:
        raise ValidationError({"period": _("This period's benchmark is not published.")})
    allowed = ORG_FORMATS if organisation is not None else AGGREGATE_FORMATS
    if format not in allowed:
        raise ValidationError({"format": _("Choose one of: %s.") % ", ".join(allowed)})
    language = export_language()
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .filter(
                requested_by=requested_by,
                organisation=organisation,
                snapshot=snapshot,
                format=format,
                language=language,
                status__in=UNFINISHED,
            )
            .first()
        )
        if job is None:
            job = ExportJob.objects.create(
                requested_by=requested_by,
                organisation=organisation,
                snapshot=snapshot,
                format=format,
                language=language,
            )
            enqueue = True
        else:
            enqueue = export_waits_for_queue(job)
        if enqueue:
            job_id = job.pk
            # Robust: whatever happens while sending, the request that asked does not fail.
            transaction.on_commit(lambda: export_enqueue(job_id=job_id), robust=True)
    job.refresh_from_db()
    return job


def export_enqueue(*, job_id: int) -> bool:
    """Send the job's task to the queue. False, and a note on the job, if the queue is down.

    With tasks running eagerly (no broker), the task runs in a background thread when
    ``TASKS_INLINE_IN_THREAD`` is on, otherwise here; its failure is already recorded on
    the job row, so it is logged rather than raised into the request.
    """
    from .tasks import export_report_task

    if export_report_task.app.conf.task_always_eager and getattr(
        settings, "TASKS_INLINE_IN_THREAD", False
    ):
        export_in_background(job_id=job_id)
        return True
    return _send(job_id)


def export_in_background(*, job_id: int) -> threading.Thread:
    """Run the job's task in a daemon thread of this process, and return the thread.

    Without a broker there is no worker: run in the request, a PDF held the page for
    ~10 s and the page then read "ready" under a message saying it had just started.
    The thread runs with a copy of the caller's context (its language, and the address
    the request came to, which the email's link uses). The job row stays the only
    record: the page and ``status.json`` read its state as the thread moves it on. A
    thread lost with its process (runserver reloading) leaves the job unfinished, and
    ``export_cleanup`` fails it once its link would have expired.
    """
    context = contextvars.copy_context()

    def run() -> None:
        try:
            context.run(_send, job_id)
        finally:
            connections.close_all()  # the thread's own connections

    thread = threading.Thread(target=run, name=f"export-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _send(job_id: int) -> bool:
    from .tasks import export_report_task

    try:
        export_report_task.delay(job_id)
    except Exception as exc:
        # A job still queued never reached the task: the queue is down. Otherwise the
        # task ran inline and failed, and the job row records why.
        if isinstance(exc, BROKER_ERRORS) and _note_queue_down(job_id):
            logger.warning("Task queue unreachable; export job %s waits", job_id, exc_info=True)
            return False
        if not export_report_task.app.conf.task_always_eager:
            raise
        logger.exception("Export job %s failed", job_id)
        return True
    ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.QUEUED, error=QUEUE_DOWN_NOTE
    ).update(error="")
    return True


def _note_queue_down(job_id: int) -> bool:
    queued = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED)
    return bool(queued.update(error=QUEUE_DOWN_NOTE, updated_at=timezone.now()))


# --- Making the file (in the task) ---------------------------------------------------------


def exporter_for(job: ExportJob) -> OrganisationReportExporter | AggregateExporter:
    if job.organisation is None:
        return AggregateExporter(job.snapshot)
    return OrganisationReportExporter(job.organisation, job.snapshot)


def export_language() -> str:
    """The language an export asked for now is written in: the active one (the page's or
    the API call's), if the portal speaks it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def export_render(job: ExportJob, progress: Progress = _no_progress) -> Rendered:
    """The job's file, in the job's language. Reports 40% once the data is read and 80%
    once it is rendered."""
    with translation.override(job.language):
        return _render(job, progress)


def _render(job: ExportJob, progress: Progress) -> Rendered:
    exporter = exporter_for(job)
    if isinstance(exporter, OrganisationReportExporter):
        exporter.sections  # noqa: B018 - read the data now, so that progress means something
    progress(40)
    if job.format == ExportJob.Format.PDF:
        from .pdf import render_pdf

        assert isinstance(exporter, OrganisationReportExporter), "an aggregate has no PDF"
        rendered = render_pdf(exporter)
    else:
        rendered = exporter.render(job.format)
    progress(80)
    return rendered


def export_run(
    *, job_id: int, progress: Progress = _no_progress, retrying: bool = False
) -> ExportJob | None:
    """Make the job's file, once; store it; email the requester. Returns the job.

    A job that is done or failed is returned untouched. ``retrying`` says that the task
    will be retried after a transient error (:data:`TRANSIENT_ERRORS`), so such an
    error leaves the job running for the retry. Any other error marks the job failed
    (with a short message) and is raised again, for the task queue to log.
    """
    job = (
        ExportJob.objects.select_related(
            "snapshot__period",
            "snapshot__edition",
            "organisation__stakeholder_group",
            "requested_by",
        )
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.status not in UNFINISHED:
        return job
    now = timezone.now()
    _update(job, status=ExportJob.Status.RUNNING, started_at=now, error="", progress=10)
    progress(10)

    def step(percent: int) -> None:
        _update(job, progress=percent)
        progress(percent)

    try:
        rendered = export_render(job, step)
        finished = _store(job, rendered)
    except Exception as exc:
        if not (retrying and isinstance(exc, TRANSIENT_ERRORS)):
            _fail(job, exc)
        raise
    if finished:
        progress(100)
        _notify(job)
    return job


def _update(job: ExportJob, **fields: object) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


def _store(job: ExportJob, rendered: Rendered) -> bool:
    """Save the file and mark the job done, unless another run finished it first."""
    name = f"{secrets.token_urlsafe(12)}-{rendered.filename}"
    job.file.save(name, ContentFile(rendered.content), save=False)
    now = timezone.now()
    done = {
        "status": ExportJob.Status.DONE,
        "progress": 100,
        "file": job.file.name,
        "file_name": rendered.filename,
        "finished_at": now,
        "expires_at": now + ttl(),
        "error": "",
        "updated_at": now,
    }
    if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(**done):
        assert job.file.name, "saved above"
        job.file.storage.delete(job.file.name)  # a redelivered run got there first
        job.refresh_from_db()
        return False
    for field, value in done.items():
        setattr(job, field, value)
    return True


def _fail(job: ExportJob, exc: BaseException) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        message = STOPPED_MESSAGE
    else:
        first_line = (str(exc).splitlines() or [""])[0]
        message = f"{type(exc).__name__}: {first_line}"[:ERROR_MAX_LENGTH]
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=now, updated_at=now
    )
    job.refresh_from_db()


def export_job_url(job: ExportJob) -> str:
    """The page that shows the job: the organisation's export page, or the admin's."""
    if job.organisation is None:
        return reverse("admin:benchmarking_exportjob_change", args=[job.pk])
    return reverse("benchmark-exports:detail", args=[job.organisation.slug, job.pk])


def _notify(job: ExportJob) -> None:
    user = job.requested_by
    if user is None or not user.email:
        return
    send_templated_email(
        to=[user.email],
        template="benchmark_export_ready",
        context={
            "job": job,
            "organisation": job.organisation,
            "period": job.snapshot.period,
            "url": absolute_url(export_job_url(job)),
            "expires_at": job.expires_at,
        },
    )


# --- Housekeeping ---------------------------------------------------------------------------


def export_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports (the rows stay, as a record); fail jobs that
    never finished; send again the jobs that waited for the task queue. Returns how many
    files were deleted."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now).exclude(
        file=""
    )
    for job in expired.iterator():
        assert job.file.name, "the query excludes jobs without a file"
        job.file.storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="", updated_at=now)
        export_jobs_changed([job])  # a finished job's row, changed by update()
        removed += 1
    ExportJob.objects.filter(status__in=UNFINISHED, created_at__lte=now - ttl()).update(
        status=ExportJob.Status.FAILED, error=STOPPED_MESSAGE, finished_at=now, updated_at=now
    )
    waiting = ExportJob.objects.filter(status=ExportJob.Status.QUEUED, error=QUEUE_DOWN_NOTE)
    for job_id in waiting.values_list("pk", flat=True):
        export_enqueue(job_id=job_id)
    return removed
