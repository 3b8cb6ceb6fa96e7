"""Reads of export jobs that the pages, the API and the admin share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.core.cache import remember_versioned, renew_tokens

from ..models import BenchmarkSnapshot, ExportJob

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.organisations.models import Organisation

EXPIRED = "expired"
# Stored in ``ExportJob.error`` of a job that is queued but could not be sent to the task
# queue (the broker was down); translated when shown.
QUEUE_DOWN_NOTE = gettext_noop("The export is queued and will run when the task queue is back.")
FAILED_MESSAGE = gettext_noop(
    "The export could not be made. Try again; if it fails again, tell the portal's admins."
)
EXPIRED_MESSAGE = gettext_noop("The export has expired. Start a new one.")
UNFINISHED = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
ORG_FORMATS = (ExportJob.Format.PDF, ExportJob.Format.XLSX, ExportJob.Format.CSV)
AGGREGATE_FORMATS = (ExportJob.Format.XLSX, ExportJob.Format.CSV)


def export_state(job: ExportJob, *, now: dt.datetime | None = None) -> str:
    """The job's status, or ``"expired"`` once a finished job's link has run out."""
    if job.status == ExportJob.Status.DONE:
        now = now or timezone.now()
        if not job.file or (job.expires_at is not None and job.expires_at <= now):
            return EXPIRED
    return job.status


def export_waits_for_queue(job: ExportJob) -> bool:
    """Queued while the task queue was unreachable: it runs when the queue is back."""
    return job.status == ExportJob.Status.QUEUED and job.error == QUEUE_DOWN_NOTE


def export_message(job: ExportJob) -> str:
    """What to tell the requester about the job, in the active language."""
    state = export_state(job)
    if export_waits_for_queue(job):
        return _(QUEUE_DOWN_NOTE)
    if state == ExportJob.Status.RUNNING:
        return _("The export is being made: %(progress)s%% done.") % {"progress": job.progress}
    messages = {
        ExportJob.Status.QUEUED: gettext_noop("The export is waiting to start."),
        ExportJob.Status.DONE: gettext_noop("The export is ready."),
        ExportJob.Status.FAILED: FAILED_MESSAGE,
        EXPIRED: EXPIRED_MESSAGE,
    }
    return _(messages[state])


JOBS_SECONDS = 10 * 60


def _jobs_version_key(user_id: int | None, organisation_id: int | None) -> str:
    return f"benchmarking:export-jobs-version:{user_id}:{organisation_id or 'aggregate'}"


def export_jobs_changed(jobs: Iterable[ExportJob]) -> None:
    """The jobs' rows changed: the lists of their requesters' jobs are out of date (for the
    transaction's next read, and after the commit). Saves and deletions say so through
    signals (``apps.py``); writers of an ``update()`` on finished jobs call it."""
    renew_tokens(_jobs_version_key(job.requested_by_id, job.organisation_id) for job in jobs)


def export_jobs_for(
    *, user: User, organisation: Organisation | None, limit: int = 5
) -> list[ExportJob]:
    """The user's most recent jobs for the organisation (or for the full aggregate).

    Kept in the cache while every one of them is finished (done or failed): a job still
    queued or running has its row updated in place as it goes, so a list holding one is
    read again each time. A new job, and any save or deletion of one, renews the list's
    version (``export_jobs_changed``)."""
    organisation_id = organisation.pk if organisation is not None else None
    version_key = _jobs_version_key(user.pk, organisation_id)
    entry_key = f"benchmarking:export-jobs:{user.pk}:{organisation_id or 'aggregate'}:{limit}"
    jobs = ExportJob.objects.filter(requested_by=user, organisation=organisation)
    recent: list[ExportJob] = remember_versioned(
        entry_key,
        lambda: list(
            jobs.select_related("snapshot__period").order_by("-created_at", "-pk")[:limit]
        ),
        tokens=[version_key],
        timeout=JOBS_SECONDS,
        keep=lambda listed: not any(job.status in UNFINISHED for job in listed),
    )
    return recent


def on_export_job_written(sender: Any, instance: ExportJob, **kwargs: Any) -> None:
    export_jobs_changed([instance])


def export_jobs_of(organisation: Organisation) -> QuerySet[ExportJob]:
    """Every job of the organisation: the only ones its pages and API may open."""
    return ExportJob.objects.filter(organisation=organisation).select_related("snapshot__period")


def export_snapshots() -> QuerySet[BenchmarkSnapshot]:
    """The snapshots an export can be made of, newest first."""
    return (
        BenchmarkSnapshot.objects.published()
        .select_related("period")
        .order_by("-period__starts_on")
    )
