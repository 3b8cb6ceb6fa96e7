"""The admin: snapshots and their figures read-only; the full aggregate, for staff only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from apps.benchmarking.models import BenchmarkSnapshot, ExportJob
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(db: None) -> Any:
    return UserFactory(email="admin@example.org", staff=True)


def _export(client: Any, snapshot: BenchmarkSnapshot, action: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("admin:benchmarking_benchmarksnapshot_changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [snapshot.pk]},
            follow=True,
        )


def test_staff_export_the_full_aggregate_and_download_it(
    client, staff, snapshot, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    client.force_login(staff)

    response = _export(
        client, snapshot, "export_aggregate_xlsx", django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    job = ExportJob.objects.get()
    assert (job.organisation, job.format, job.status) == (None, "xlsx", "done")
    assert reverse("admin:benchmarking_exportjob_change", args=[job.pk]) in mailoutbox[0].body
    page = client.get(reverse("admin:benchmarking_exportjob_change", args=[job.pk]))
    download_url = reverse("admin:benchmarking_exportjob_download", args=[job.pk])
    assert download_url in page.content.decode()
    download = client.get(download_url)
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert "End goal" in workbook.sheetnames


def test_only_staff_download_the_aggregate(
    client, staff, personas, snapshot, django_capture_on_commit_callbacks
) -> None:
    client.force_login(staff)
    _export(client, snapshot, "export_aggregate_csv", django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    download_url = reverse("admin:benchmarking_exportjob_download", args=[job.pk])

    client.force_login(personas["owner"])  # an organisation's admin, not portal staff
    response = client.get(download_url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_organisation_report_is_not_downloaded_from_the_admin(
    client, staff, personas, org, snapshot
) -> None:
    job = ExportJob.objects.create(
        requested_by=personas["pe_lead"], organisation=org, snapshot=snapshot, format="csv"
    )
    client.force_login(staff)

    response = client.get(reverse("admin:benchmarking_exportjob_download", args=[job.pk]))

    assert response.status_code == 404


def test_snapshots_and_figures_are_read_only(client, staff, snapshot) -> None:
    client.force_login(staff)

    pages = [
        reverse("admin:benchmarking_reportingperiod_changelist"),
        reverse("admin:benchmarking_benchmarksnapshot_changelist"),
        reverse("admin:benchmarking_benchmarksnapshot_change", args=[snapshot.pk]),
        reverse("admin:benchmarking_benchmarkcell_changelist")
        + f"?snapshot__id__exact={snapshot.pk}",
        reverse("admin:benchmarking_exportjob_changelist"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    change = client.get(reverse("admin:benchmarking_benchmarksnapshot_change", args=[snapshot.pk]))
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:benchmarking_benchmarksnapshot_add")).status_code == 403
    delete = reverse("admin:benchmarking_benchmarksnapshot_delete", args=[snapshot.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert BenchmarkSnapshot.objects.filter(pk=snapshot.pk).exists()
