"""The export pages: start an export, follow it, download it; who may do which."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path
from typing import Any

import kombu.exceptions
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from apps.benchmarking.exports import services
from apps.benchmarking.exports.selectors import QUEUE_DOWN_NOTE
from apps.benchmarking.exports.tasks import export_report_task
from apps.benchmarking.models import ExportJob
from tests.organisations.factories import MembershipFactory
from tests.organisations.helpers import assert_login_redirect

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def lead(personas: dict) -> Any:
    return personas["pe_lead"]


def _url(name: str, org: Any, job: ExportJob | None = None) -> str:
    args = [org.slug] if job is None else [org.slug, job.pk]
    return reverse(f"benchmark-exports:{name}", args=args)


def _job(org: Any, snapshot: Any, user: Any, **fields: Any) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user, organisation=org, snapshot=snapshot, format="csv", **fields
    )


@pytest.fixture
def done_job(org, snapshot, lead) -> ExportJob:
    job = _job(
        org,
        snapshot,
        lead,
        status="done",
        progress=100,
        file_name="patients-together-benchmark-2026-Q2.csv",
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    job.file.save("report.csv", ContentFile(b"record_type,Code\r\n"), save=True)
    return job


@pytest.fixture
def running_job(org, snapshot, lead) -> ExportJob:
    return _job(org, snapshot, lead, status="running", progress=40)


def _assert_strict_page(html: str) -> None:
    """No inline script or style: the CSP allows neither."""
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- Starting an export ---------------------------------------------------------------------


def test_the_export_page_offers_periods_and_formats(client_as, lead, org, snapshot) -> None:
    response = client_as(lead).get(_url("create", org))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'value="2026-Q2"' in html
    for file_format in ("pdf", "xlsx", "csv"):
        assert f'value="{file_format}"' in html
    assert "js/export-progress.js" in html
    _assert_strict_page(html)


def test_a_period_can_be_chosen_in_the_address(client_as, lead, org, snapshot) -> None:
    html = client_as(lead).get(_url("create", org), {"period": "2026-Q2"}).content.decode()

    assert '<option value="2026-Q2" selected>' in html


def test_the_organisation_benchmark_page_leads_to_the_export(
    client_as, lead, org, snapshot
) -> None:
    html = client_as(lead).get(reverse("benchmarking:organisation", args=[org.slug])).content
    html = html.decode()

    assert 'id="export-heading"' in html
    assert _url("create", org) in html


def test_exporting_runs_the_job_and_lands_on_its_page(
    client_as, lead, org, snapshot, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    client = client_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("create", org), {"period": "2026-Q2", "format": "xlsx"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", org, job)
    assert (job.requested_by, job.organisation, job.format) == (lead, org, "xlsx")
    assert job.status == ExportJob.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert _url("download", org, job) in page
    assert "The export is ready." in page
    assert len(mailoutbox) == 1


def test_the_recent_exports_are_listed_under_the_form(
    client_as, lead, org, snapshot, done_job, running_job
) -> None:
    html = client_as(lead).get(_url("create", org)).content.decode()

    assert _url("detail", org, done_job) in html
    assert _url("download", org, done_job) in html
    assert _url("status", org, running_job) in html
    assert "40%" in html


@pytest.mark.parametrize(
    "data",
    [{"period": "2026-Q2", "format": "docx"}, {"period": "1999-Q1", "format": "pdf"}, {}],
    ids=["format", "period", "nothing"],
)
def test_an_invalid_request_shows_the_errors(client_as, lead, org, snapshot, data) -> None:
    response = client_as(lead).post(_url("create", org), data)

    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_with_the_queue_down_the_export_is_queued_and_says_so(
    client_as, lead, org, snapshot, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to localhost:6379")

    monkeypatch.setattr(export_report_task, "delay", down)
    client = client_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("create", org), {"period": "2026-Q2", "format": "pdf"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", org, job)
    assert job.status == ExportJob.Status.QUEUED
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert QUEUE_DOWN_NOTE in html
    assert "alert-warning" in html
    assert client.get(_url("status", org, job)).json()["message"] == QUEUE_DOWN_NOTE


# --- Following it ---------------------------------------------------------------------------


def test_a_running_export_shows_its_progress_and_a_refresh_link(
    client_as, lead, org, running_job
) -> None:
    response = client_as(lead).get(_url("detail", org, running_job))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-valuenow="40"' in html
    assert "w-pct-40" in html
    assert '<span class="export-percent">40%</span>' in html
    assert 'aria-live="polite"' in html
    assert (
        f'<a class="export-refresh" href="{_url("detail", org, running_job)}">Refresh</a>' in html
    )
    assert f'data-export-status-url="{_url("status", org, running_job)}"' in html
    assert "no-store" in response["Cache-Control"]
    _assert_strict_page(html)


def test_the_status_json_says_how_far_it_is(client_as, lead, org, running_job) -> None:
    response = client_as(lead).get(_url("status", org, running_job))

    assert response.status_code == 200
    assert response.json() == {
        "status": "running",
        "progress": 40,
        "download_url": None,
        "error": None,
        "message": "The export is being made: 40% done.",
    }


def test_the_status_json_gives_the_download_when_ready(client_as, lead, org, done_job) -> None:
    data = client_as(lead).get(_url("status", org, done_job)).json()

    assert data["status"] == "done"
    assert data["progress"] == 100
    assert data["download_url"] == _url("download", org, done_job)


def test_the_status_json_of_a_failed_export_says_so(client_as, lead, org, snapshot) -> None:
    job = _job(org, snapshot, lead, status="failed", error="ValueError: boom")

    data = client_as(lead).get(_url("status", org, job)).json()

    assert data["status"] == "failed"
    assert data["download_url"] is None
    assert data["error"].startswith("The export could not be made")
    assert "ValueError" not in data["error"]  # technical details stay in the admin


# --- Downloading it -------------------------------------------------------------------------


def test_a_ready_export_downloads_as_an_attachment(client_as, lead, org, done_job) -> None:
    response = client_as(lead).get(_url("download", org, done_job))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="patients-together-benchmark-2026-Q2.csv"'
    )
    assert b"".join(response.streaming_content) == b"record_type,Code\r\n"
    assert "no-store" in response["Cache-Control"]


def test_another_pe_lead_of_the_organisation_may_download_it(
    client_as, personas, org, done_job
) -> None:
    response = client_as(personas["owner"]).get(_url("download", org, done_job))

    assert response.status_code == 200


def test_an_expired_export_is_gone(client_as, lead, org, done_job) -> None:
    ExportJob.objects.filter(pk=done_job.pk).update(expires_at=timezone.now())

    response = client_as(lead).get(_url("download", org, done_job))

    assert response.status_code == 410
    assert "The export has expired" in response.content.decode()


def test_an_export_whose_file_was_removed_is_gone(client_as, lead, org, done_job) -> None:
    done_job.file.storage.delete(done_job.file.name)

    response = client_as(lead).get(_url("download", org, done_job))

    assert response.status_code == 410


def test_a_failed_export_is_gone(client_as, lead, org, snapshot) -> None:
    job = _job(org, snapshot, lead, status="failed", error="x")

    response = client_as(lead).get(_url("download", org, job))

    assert response.status_code == 410


def test_downloading_before_it_is_ready_leads_back_to_its_page(
    client_as, lead, org, running_job
) -> None:
    response = client_as(lead).get(_url("download", org, running_job))

    assert response.status_code == 302
    assert response["Location"] == _url("detail", org, running_job)


# --- Who may -----------------------------------------------------------------------------------

JOB_PAGES = ["detail", "status", "download"]


@pytest.mark.parametrize("name", JOB_PAGES)
def test_a_job_of_another_organisation_is_not_found(
    client_as, lead, org, snapshot, bench_population, name
) -> None:
    other = bench_population["other"]
    MembershipFactory(organisation=other, user=lead, role="pe_lead")
    theirs = _job(other, snapshot, lead, status="done", progress=100)

    response = client_as(lead).get(_url(name, org, theirs))

    assert response.status_code == 404


@pytest.mark.parametrize("name", JOB_PAGES)
def test_the_full_aggregate_is_not_found_under_an_organisation(
    client_as, lead, org, snapshot, name
) -> None:
    aggregate = _job(None, snapshot, lead, status="done", progress=100)

    response = client_as(lead).get(_url(name, org, aggregate))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["contributor", "viewer"])
@pytest.mark.parametrize("name", JOB_PAGES)
def test_members_without_the_benchmark_are_refused(
    client_as, personas, org, done_job, persona, name
) -> None:
    response = client_as(personas[persona]).get(_url(name, org, done_job))

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["contributor", "viewer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_members_who_may_not_export_are_refused(
    client_as, personas, org, snapshot, persona, method
) -> None:
    response = getattr(client_as(personas[persona]), method)(
        _url("create", org), {"period": "2026-Q2", "format": "csv"}
    )

    assert response.status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", [*JOB_PAGES, "create"])
def test_outsiders_are_not_told_the_organisation_exists(
    client_as, personas, org, done_job, name
) -> None:
    url = _url(name, org) if name == "create" else _url(name, org, done_job)

    response = client_as(personas["outsider"]).get(url)

    assert response.status_code == 404


@pytest.mark.parametrize("name", [*JOB_PAGES, "create"])
def test_visitors_are_sent_to_sign_in(client, org, done_job, name) -> None:
    url = _url(name, org) if name == "create" else _url(name, org, done_job)

    assert_login_redirect(client.get(url))


@pytest.mark.parametrize("name", JOB_PAGES)
def test_job_pages_only_read(client_as, lead, org, done_job, name) -> None:
    client = client_as(lead)

    for method in ("post", "put", "delete"):
        assert getattr(client, method)(_url(name, org, done_job)).status_code == 405, method
    assert ExportJob.objects.get(pk=done_job.pk).status == ExportJob.Status.DONE


# --- With no broker (`make run`) -------------------------------------------------------------
# Issue 15: run inline in the request, a PDF held the page ~10 s, and the page then read
# "Export started, you will get an email" above "The export is ready".

STARTED = "Export started"
READY = "The export is ready."


def _status_messages(html: str) -> list[str]:
    """Every sentence on the page that says where an export is."""
    sentences = (STARTED, READY, "The export is waiting to start.", "The export is being made")
    return [sentence for sentence in sentences if sentence in html]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_request_is_answered_before_the_file_is_made(
    client_as, lead, org, snapshot, settings, monkeypatch, mailoutbox
) -> None:
    settings.TASKS_INLINE_IN_THREAD = True
    gate = threading.Event()
    real = services.export_render

    def slow(job: ExportJob, progress: Any) -> Any:
        assert gate.wait(timeout=30), "the test never let the export finish"
        return real(job, progress)

    monkeypatch.setattr(services, "export_render", slow)
    client = client_as(lead)

    response = client.post(_url("create", org), {"period": "2026-Q2", "format": "csv"})

    # Answered while the export is still held at the gate: the request did not wait for it.
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    page = client.get(response["Location"]).content.decode()
    assert len(_status_messages(page)) == 1, _status_messages(page)
    assert READY not in page
    assert "You will get an email when it is ready." in page

    gate.set()
    (thread,) = [t for t in threading.enumerate() if t.name == f"export-job-{job.pk}"]
    thread.join(timeout=30)
    assert not thread.is_alive()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert _status_messages(page) == [READY]
    assert "You will get an email" not in page
    assert _url("download", org, job) in page
    assert len(mailoutbox) == 1
    # The thread ran with the request's context: the link is to where the request came.
    assert f"http://testserver{_url('detail', org, job)}" in mailoutbox[0].body


def test_run_in_the_request_the_page_says_only_that_it_is_ready(
    client_as, lead, org, snapshot, django_capture_on_commit_callbacks
) -> None:
    client = client_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("create", org), {"period": "2026-Q2", "format": "csv"})

    page = client.get(response["Location"]).content.decode()

    assert ExportJob.objects.get().status == ExportJob.Status.DONE
    assert _status_messages(page) == [READY]
