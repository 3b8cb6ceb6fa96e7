"""The export API: 202 and a status URL; then 409 while it runs, the file, or 410."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import kombu.exceptions
import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.benchmarking.exports.selectors import QUEUE_DOWN_NOTE
from apps.benchmarking.exports.tasks import export_report_task
from apps.benchmarking.models import ExportJob
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/organisations/patients-together/exports/"


@pytest.fixture(autouse=True)
def export_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def api_as() -> Any:
    def make(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def lead_api(api_as, personas) -> APIClient:
    return api_as(personas["pe_lead"])


def _job(org: Any, snapshot: Any, user: Any, **fields: Any) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user, organisation=org, snapshot=snapshot, format="xlsx", **fields
    )


def test_the_whole_flow_202_then_the_file(
    lead_api, personas, org, snapshot, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_api.post(EXPORTS, {"period": "2026-Q2", "format": "xlsx"})

    assert response.status_code == 202
    job = ExportJob.objects.get()
    body = response.json()
    status_url = f"http://testserver{EXPORTS}{job.pk}/"
    assert body["id"] == job.pk
    assert body["status_url"] == status_url
    assert response["Location"] == status_url
    assert (job.requested_by, job.organisation, job.format) == (personas["pe_lead"], org, "xlsx")

    download = lead_api.get(status_url)

    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="patients-together-benchmark-2026-Q2.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert "Your position" in workbook.sheetnames
    assert len(mailoutbox) == 1


def test_a_queued_export_answers_409_with_its_progress(lead_api, snapshot) -> None:
    response = lead_api.post(EXPORTS, {"period": "2026-Q2", "format": "pdf"})
    assert response.status_code == 202
    assert response.json()["status"] == "queued"

    pending = lead_api.get(response["Location"])

    assert pending.status_code == 409
    assert pending.json() == {
        "status": "queued",
        "progress": 0,
        "detail": "The export is waiting to start.",
    }


def test_a_running_export_answers_409_with_its_percentage(
    lead_api, personas, org, snapshot
) -> None:
    job = _job(org, snapshot, personas["pe_lead"], status="running", progress=40)

    response = lead_api.get(f"{EXPORTS}{job.pk}/")

    assert response.status_code == 409
    assert response.json()["progress"] == 40
    assert response.json()["status"] == "running"


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"status": "failed", "error": "ValueError: boom"}, "failed"),
        ({"status": "done", "progress": 100, "file": "", "expires_at": None}, "expired"),
    ],
    ids=["failed", "expired"],
)
def test_a_failed_or_expired_export_is_gone(
    lead_api, personas, org, snapshot, fields, status
) -> None:
    job = _job(org, snapshot, personas["pe_lead"], **fields)

    response = lead_api.get(f"{EXPORTS}{job.pk}/")

    assert response.status_code == 410
    assert response.json()["status"] == status
    assert "ValueError" not in response.json()["detail"]


def test_an_export_past_its_expiry_is_gone_before_the_clean_up(
    lead_api, snapshot, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_api.post(EXPORTS, {"period": "2026-Q2", "format": "csv"})
    ExportJob.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    gone = lead_api.get(response["Location"])

    assert gone.status_code == 410
    assert gone.json() == {
        "status": "expired",
        "detail": "The export has expired. Start a new one.",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "2031-Q1", "format": "pdf"}, "period"),
        ({"period": "not a period", "format": "pdf"}, "period"),
        ({"period": "2026-Q2", "format": "docx"}, "format"),
        ({"format": "pdf"}, "period"),
    ],
)
def test_a_bad_period_or_format_is_400(lead_api, snapshot, data, field) -> None:
    response = lead_api.post(EXPORTS, data)

    assert response.status_code == 400
    assert field in response.json()
    assert not ExportJob.objects.exists()


def test_deeply_nested_json_is_400_and_starts_nothing(lead_api, snapshot) -> None:
    # The project's default JSON parser refuses it; DRF's own would raise RecursionError (500).
    body = "[" * 100_000 + "]" * 100_000
    response = lead_api.post(EXPORTS, body, content_type="application/json")

    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_with_the_queue_down_it_says_the_export_will_run_later(
    lead_api, snapshot, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to localhost:6379")

    monkeypatch.setattr(export_report_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_api.post(EXPORTS, {"period": "2026-Q2", "format": "csv"})
    job = ExportJob.objects.get()
    job.refresh_from_db()

    assert response.status_code == 202
    assert job.status == "queued"
    pending = lead_api.get(response["Location"])
    assert pending.status_code == 409
    assert pending.json()["detail"] == QUEUE_DOWN_NOTE


def test_a_job_of_another_organisation_is_404(
    lead_api, personas, snapshot, bench_population
) -> None:
    other = bench_population["other"]
    MembershipFactory(organisation=other, user=personas["pe_lead"], role="pe_lead")
    theirs = _job(other, snapshot, personas["pe_lead"], status="running")

    response = lead_api.get(f"{EXPORTS}{theirs.pk}/")

    assert response.status_code == 404


def test_the_full_aggregate_is_404_under_an_organisation(lead_api, personas, snapshot) -> None:
    aggregate = _job(None, snapshot, personas["pe_lead"], status="running")

    assert lead_api.get(f"{EXPORTS}{aggregate.pk}/").status_code == 404


# --- Who may ------------------------------------------------------------------------------

EXPECTED = {
    "owner": (202, 409),
    "pe_lead": (202, 409),
    "contributor": (403, 403),
    "viewer": (403, 403),
    "outsider": (404, 404),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_who_may_start_and_follow_an_export(api_as, personas, org, snapshot, persona) -> None:
    user = None if persona == "anonymous" else personas[persona]
    job = _job(org, snapshot, personas["pe_lead"], status="running", progress=40)
    client = api_as(user)

    started = client.post(EXPORTS, {"period": "2026-Q2", "format": "csv"})
    followed = client.get(f"{EXPORTS}{job.pk}/")

    assert (started.status_code, followed.status_code) == EXPECTED[persona]
    assert ExportJob.objects.count() == (2 if started.status_code == 202 else 1)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_exports_cannot_be_changed(lead_api, personas, org, snapshot, method) -> None:
    job = _job(org, snapshot, personas["pe_lead"], status="running")

    assert getattr(lead_api, method)(f"{EXPORTS}{job.pk}/").status_code == 405
    assert getattr(lead_api, method)(EXPORTS).status_code == 405


def test_the_schema_documents_the_export_endpoints(client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()

    create = schema["paths"]["/api/v1/organisations/{slug}/exports/"]["post"]
    status = schema["paths"]["/api/v1/organisations/{slug}/exports/{id}/"]["get"]
    assert set(create["responses"]) >= {"202", "400"}
    assert set(status["responses"]) >= {"200", "409", "410"}
    assert set(status["responses"]["200"]["content"]) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    }
    assert create["summary"]
    assert "benchmark:export" in create["description"]
