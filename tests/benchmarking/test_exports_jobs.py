"""Export jobs: request, the task's run (once), failure, the queue being down, expiry.

Tasks run inline here (no broker): ``export_request`` starts the task when its
transaction commits, so tests that want the file capture the on-commit callbacks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import kombu.exceptions
import pytest
import redis.exceptions
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.benchmarking.exports import services
from apps.benchmarking.exports.selectors import (
    EXPIRED,
    QUEUE_DOWN_NOTE,
    export_state,
    export_waits_for_queue,
)
from apps.benchmarking.exports.tasks import export_cleanup_task, export_report_task
from apps.benchmarking.models import ExportJob
from apps.core.cache import renew_tokens_now
from apps.core.schedules import SCHEDULES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_storage(settings: Any, tmp_path: Path) -> Path:
    """Export files go to a private, empty folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def lead(personas: dict) -> Any:
    return personas["pe_lead"]


@pytest.fixture
def request_export(lead, org, snapshot, django_capture_on_commit_callbacks) -> Any:
    """Request an export and run what its commit starts (the task, inline)."""

    def make(file_format: str = "xlsx", **kwargs: Any) -> ExportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.export_request(
                requested_by=kwargs.get("requested_by", lead),
                organisation=kwargs.get("organisation", org),
                snapshot=snapshot,
                format=file_format,
            )
        job.refresh_from_db()
        return job

    return make


@pytest.fixture
def queued(lead, org, snapshot) -> ExportJob:
    """A job row whose task has not run."""
    return ExportJob.objects.create(
        requested_by=lead, organisation=org, snapshot=snapshot, format="csv"
    )


@pytest.fixture
def render_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the renders, and lets them happen."""
    calls: list[int] = []
    real = services.export_render

    def counting(job: ExportJob, progress: Any) -> Any:
        calls.append(job.pk)
        return real(job, progress)

    monkeypatch.setattr(services, "export_render", counting)
    return calls


# --- The lifecycle --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["pdf", "xlsx", "csv"])
def test_a_requested_export_is_made_stored_and_emailed(
    request_export, lead, org, mailoutbox, settings, file_format
) -> None:
    job = request_export(file_format)

    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert job.started_at <= job.finished_at
    assert job.expires_at == job.finished_at + dt.timedelta(hours=24)
    assert job.file_name == f"patients-together-benchmark-2026-Q2.{file_format}"
    assert job.file.name.startswith("exports/")
    assert default_storage.exists(job.file.name)
    assert job.error == ""
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [lead.email]
    assert "2026-Q2" in email.subject
    assert f"{settings.SITE_URL}/o/{org.slug}/benchmark/exports/{job.pk}/" in email.body


def test_the_file_is_written_in_the_language_it_was_asked_in(request_export) -> None:
    """A worker has its own language (English): the job carries the requester's."""
    with translation.override("pl"):
        job = request_export("csv")

    assert job.language == "pl"
    with translation.override("en"):  # where a worker makes it again
        polish = services.export_render(job).content.decode()
    job.language = "en"
    english = services.export_render(job).content.decode()
    assert polish != english
    with translation.override("pl"):
        assert _("Your position") in polish


def test_the_same_export_in_another_language_is_another_job(lead, org, snapshot) -> None:
    jobs = []
    for language in ("fr", "fr", "de"):
        with translation.override(language):
            jobs.append(
                services.export_request(
                    requested_by=lead, organisation=org, snapshot=snapshot, format="csv"
                )
            )

    assert jobs[0] == jobs[1]
    assert jobs[2] != jobs[0]
    assert jobs[2].language == "de"


def test_the_link_lasts_as_long_as_the_setting_says(request_export, settings) -> None:
    settings.BENCHMARK_EXPORT_TTL_HOURS = 2

    job = request_export()

    assert job.expires_at == job.finished_at + dt.timedelta(hours=2)


def test_progress_is_written_to_the_job_row_as_the_export_runs(queued, monkeypatch) -> None:
    seen: list[tuple[str, int]] = []
    real = services._update

    def spy(job: ExportJob, **fields: Any) -> None:
        real(job, **fields)
        row = ExportJob.objects.get(pk=job.pk)
        seen.append((row.status, row.progress))

    monkeypatch.setattr(services, "_update", spy)
    export_report_task.delay(queued.pk)

    assert seen == [("running", 10), ("running", 40), ("running", 80)]
    queued.refresh_from_db()
    assert (queued.status, queued.progress) == ("done", 100)


def test_the_aggregate_has_no_pdf(lead, snapshot) -> None:
    with pytest.raises(ValidationError):
        services.export_request(
            requested_by=lead, organisation=None, snapshot=snapshot, format="pdf"
        )
    assert not ExportJob.objects.exists()


def test_an_unknown_format_is_refused(lead, org, snapshot) -> None:
    with pytest.raises(ValidationError):
        services.export_request(
            requested_by=lead, organisation=org, snapshot=snapshot, format="doc"
        )


def test_the_same_export_asked_twice_while_it_waits_is_one_job(
    lead, org, snapshot, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        first = services.export_request(
            requested_by=lead, organisation=org, snapshot=snapshot, format="csv"
        )
    with django_capture_on_commit_callbacks(execute=False) as second_callbacks:
        second = services.export_request(
            requested_by=lead, organisation=org, snapshot=snapshot, format="csv"
        )

    # What the commit starts, beside renewing cached versions (apps.core.cache.renew_tokens).
    def sent(callbacks: list[Any]) -> list[Any]:
        return [c for c in callbacks if getattr(c, "func", None) is not renew_tokens_now]

    assert second == first
    assert len(sent(first_callbacks)) == 1
    assert sent(second_callbacks) == []  # already on its way: not sent twice
    assert ExportJob.objects.count() == 1


# --- Once, however often the task runs ------------------------------------------------------


def test_running_the_task_twice_renders_once(queued, render_count, mailoutbox) -> None:
    export_report_task.delay(queued.pk)
    export_report_task.delay(queued.pk)

    assert render_count == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.DONE
    assert len(mailoutbox) == 1


def test_a_job_left_running_by_a_dead_worker_completes_on_redelivery(queued, render_count) -> None:
    ExportJob.objects.filter(pk=queued.pk).update(status="running", progress=40)

    export_report_task.delay(queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.progress) == ("done", 100)
    assert render_count == [queued.pk]


def test_a_run_finished_by_another_worker_first_keeps_one_file(
    queued, monkeypatch, export_storage
) -> None:
    real = services.export_render

    def overtaken(job: ExportJob, progress: Any) -> Any:
        rendered = real(job, progress)
        ExportJob.objects.filter(pk=job.pk).update(status="done", file="exports/theirs.csv")
        return rendered

    monkeypatch.setattr(services, "export_render", overtaken)
    export_report_task.delay(queued.pk)

    queued.refresh_from_db()
    assert queued.file.name == "exports/theirs.csv"
    assert [p for p in export_storage.rglob("*") if p.is_file()] == []  # ours was deleted


def test_a_missing_job_is_nothing_to_do() -> None:
    export_report_task.delay(987654)  # no error


# --- Failures ---------------------------------------------------------------------------------


def test_a_failing_render_marks_the_job_failed_and_is_raised(
    queued, monkeypatch, mailoutbox
) -> None:
    def broken(job: ExportJob, progress: Any) -> Any:
        raise ValueError("the renderer broke\nsecond line")

    monkeypatch.setattr(services, "export_render", broken)
    with pytest.raises(ValueError, match="renderer broke"):
        export_report_task.delay(queued.pk)

    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.FAILED
    assert queued.error == "ValueError: the renderer broke"
    assert queued.finished_at is not None
    assert not queued.file
    assert mailoutbox == []


def test_a_failure_while_requesting_inline_is_recorded_not_raised(
    request_export, monkeypatch
) -> None:
    def broken(job: ExportJob, progress: Any) -> Any:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "export_render", broken)
    job = request_export()

    assert job.status == ExportJob.Status.FAILED
    assert job.error == "RuntimeError: no fonts"


def test_a_failed_job_is_not_run_again(queued, monkeypatch, render_count) -> None:
    ExportJob.objects.filter(pk=queued.pk).update(status="failed", error="x")

    export_report_task.delay(queued.pk)

    assert render_count == []


def test_running_out_of_time_fails_the_job_with_a_plain_message(queued, monkeypatch) -> None:
    def slow(job: ExportJob, progress: Any) -> Any:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(services, "export_render", slow)
    with pytest.raises(SoftTimeLimitExceeded):
        export_report_task.delay(queued.pk)

    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.FAILED
    assert queued.error == services.STOPPED_MESSAGE


def test_a_transient_error_leaves_the_job_for_the_retry(queued, monkeypatch) -> None:
    calls: list[int] = []
    real = services.export_render

    def flaky(job: ExportJob, progress: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(job, progress)

    monkeypatch.setattr(services, "export_render", flaky)
    with pytest.raises(OperationalError):
        services.export_run(job_id=queued.pk, retrying=True)
    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.RUNNING  # not failed: the retry will make it

    services.export_run(job_id=queued.pk, retrying=True)
    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.DONE


def test_the_task_retries_transient_errors_with_backoff_and_time_limits() -> None:
    assert OperationalError in export_report_task.autoretry_for
    assert ConnectionError in export_report_task.autoretry_for
    assert export_report_task.retry_backoff
    assert export_report_task.max_retries == 3
    assert export_report_task.soft_time_limit < export_report_task.time_limit


def test_run_inline_a_transient_error_fails_the_job_at_once(queued, monkeypatch) -> None:
    def locked(job: ExportJob, progress: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "export_render", locked)
    with pytest.raises(services.ExportFailed):
        export_report_task.delay(queued.pk)

    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.FAILED
    assert "database is locked" in queued.error


# --- The task queue is down -------------------------------------------------------------------

BROKER_DOWN = [
    kombu.exceptions.OperationalError("Error 111 connecting to localhost:6379"),
    redis.exceptions.ConnectionError("Connection refused"),
    ConnectionRefusedError(111, "Connection refused"),
]


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Any:
    def down(error: Exception) -> None:
        def delay(*args: Any, **kwargs: Any) -> None:
            raise error

        monkeypatch.setattr(export_report_task, "delay", delay)

    return down


@pytest.mark.parametrize("error", BROKER_DOWN, ids=["kombu", "redis", "socket"])
def test_with_the_queue_down_the_job_stays_queued_with_a_note(
    request_export, broker_down, error, render_count
) -> None:
    broker_down(error)

    job = request_export()

    assert job.status == ExportJob.Status.QUEUED
    assert job.error == QUEUE_DOWN_NOTE
    assert export_waits_for_queue(job)
    assert render_count == []


@pytest.fixture
def with_a_broker() -> Any:
    """Tasks are sent to a queue rather than run inline (``delay`` is replaced in the test)."""
    conf = export_report_task.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = eager


def test_an_unexpected_error_while_sending_never_fails_the_request(
    request_export, with_a_broker, monkeypatch, caplog
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug in sending")

    monkeypatch.setattr(export_report_task, "delay", broken)

    job = request_export()

    assert job.status == ExportJob.Status.QUEUED
    assert "a bug in sending" in caplog.text


def test_a_job_that_waited_for_the_queue_is_sent_when_it_is_back(
    request_export, broker_down, monkeypatch, mailoutbox
) -> None:
    broker_down(BROKER_DOWN[0])
    job = request_export()
    monkeypatch.undo()  # the queue is back

    export_cleanup_task.delay()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.error == ""
    assert len(mailoutbox) == 1


def test_asking_again_while_the_queue_was_down_tries_again(
    request_export, broker_down, monkeypatch
) -> None:
    broker_down(BROKER_DOWN[0])
    first = request_export()
    monkeypatch.undo()

    second = request_export()

    assert second.pk == first.pk
    assert second.status == ExportJob.Status.DONE


# --- Expiry and clean-up --------------------------------------------------------------------


def test_the_clean_up_deletes_expired_files_and_keeps_the_rows(request_export) -> None:
    old, fresh = request_export("csv"), request_export("xlsx")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    old_name = old.file.name

    removed = services.export_cleanup()

    assert removed == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert old.file.name == ""
    assert export_state(old) == EXPIRED
    assert default_storage.exists(fresh.file.name)
    assert export_state(fresh) == ExportJob.Status.DONE


def test_a_job_past_its_expiry_reads_expired_before_the_clean_up(request_export) -> None:
    job = request_export()

    later = job.expires_at + dt.timedelta(seconds=1)

    assert export_state(job, now=later) == EXPIRED


def test_the_clean_up_fails_jobs_that_never_finished(queued) -> None:
    ExportJob.objects.filter(pk=queued.pk).update(
        status="running", created_at=timezone.now() - dt.timedelta(hours=25)
    )

    services.export_cleanup()

    queued.refresh_from_db()
    assert queued.status == ExportJob.Status.FAILED
    assert queued.error == services.STOPPED_MESSAGE


def test_the_clean_up_is_scheduled_and_the_worker_knows_the_tasks() -> None:
    from roadmap_portal.celery import app

    app.loader.import_default_modules()
    names = {schedule.task for schedule in SCHEDULES}
    assert "apps.benchmarking.exports.tasks.export_cleanup_task" in names
    assert export_report_task.name in app.tasks
    assert export_cleanup_task.name in app.tasks


# --- The user's recent exports, cached while all are finished --------------------------------


def _listed(lead, org) -> tuple[list[tuple[int, str]], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.benchmarking.exports.selectors import export_jobs_for

    with CaptureQueriesContext(connection) as queries:
        jobs = export_jobs_for(user=lead, organisation=org)
    return [(job.pk, job.status) for job in jobs], len(queries)


def test_finished_exports_are_listed_from_the_cache_until_a_new_one(
    site_cache, lead, org, snapshot, request_export
) -> None:
    done = request_export("csv")
    assert done.status == ExportJob.Status.DONE
    assert _listed(lead, org) == ([(done.pk, "done")], 1)
    assert _listed(lead, org) == ([(done.pk, "done")], 0)
    newer = ExportJob.objects.create(
        requested_by=lead, organisation=org, snapshot=snapshot, format="xlsx"
    )
    assert _listed(lead, org)[0] == [(newer.pk, "queued"), (done.pk, "done")]


def test_a_list_with_an_unfinished_export_is_read_each_time(site_cache, lead, org, queued) -> None:
    assert _listed(lead, org) == ([(queued.pk, "queued")], 1)
    assert _listed(lead, org)[1] == 1
    # The task moves the row along with update(), which sends no signal.
    ExportJob.objects.filter(pk=queued.pk).update(status=ExportJob.Status.RUNNING)
    assert _listed(lead, org)[0] == [(queued.pk, "running")]
    ExportJob.objects.filter(pk=queued.pk).update(status=ExportJob.Status.DONE)
    assert _listed(lead, org)[0] == [(queued.pk, "done")]


def test_the_cleanup_renews_the_list_of_the_exports_it_empties(
    site_cache, lead, org, request_export
) -> None:
    done = request_export("csv")
    _listed(lead, org)
    assert _listed(lead, org)[1] == 0
    services.export_cleanup(now=done.expires_at + dt.timedelta(seconds=1))
    assert _listed(lead, org)[1] == 1
