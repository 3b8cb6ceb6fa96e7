"""Limits on evidence files, on the progress page: how many, how large, the organisation's
quota and what the files hold; each refusal says why and stores nothing. The usage panel
of the organisation's admins."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import BarrierReport, Evidence, MetricValue, ProgressEntry
from apps.adoption.selectors import evidence_bytes_used
from apps.adoption.services import EntryInput
from tests.adoption.conftest import PDF, upload
from tests.adoption.factories import AdoptionFactory
from tests.adoption.office_files import CLEAN_FILES, CLEAN_IDS, HOSTILE_FILES, HOSTILE_IDS

pytestmark = pytest.mark.django_db


def _add_url(adoption) -> str:
    return reverse("adoption:progress-add", args=[adoption.organisation.slug, adoption.pk])


def _data(files: list, **overrides: object) -> dict[str, object]:
    return {
        "entry_date": timezone.localdate().isoformat(),
        "narrative": "Board meeting.",
        "status_to": "implemented",
        "percent_complete": "40",
        "links": "https://example.org/minutes",
        "metric_pe-activities": "2",
        "barrier_time": "on",
        "files": files,
        **overrides,
    }


def _stored() -> tuple[int, int, int, int, int]:
    """Entries, evidence rows, metric values, barriers and files on disk."""
    media = Path(django_settings.MEDIA_ROOT)
    on_disk = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return (
        ProgressEntry.objects.count(),
        Evidence.objects.count(),
        MetricValue.objects.count(),
        BarrierReport.objects.count(),
        len(on_disk),
    )


def _pdfs(count: int) -> list:
    return [upload(f"report-{n}.pdf", PDF, "application/pdf") for n in range(count)]


def _log(adoption, files: list) -> ProgressEntry:
    data = EntryInput(entry_date=timezone.localdate(), narrative="Files.", files=files)
    return services.progress_entry_create(adoption=adoption, by=None, data=data)


def _refused(response, *fragments: str) -> None:
    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    for fragment in fragments:
        assert any(fragment in error for error in errors), errors
    assert any("Choose your files again" in error for error in errors)
    assert "Board meeting." in response.content.decode()  # what was typed comes back


def test_thirty_files_are_refused_and_nothing_is_stored(
    client_as, contributor, adoption, barriers
) -> None:
    before = _stored()

    response = client_as(contributor).post(_add_url(adoption), _data(_pdfs(30)))

    _refused(response, "At most 10 files per entry.")
    assert _stored() == before


def test_exactly_ten_files_are_stored(client_as, contributor, adoption, barriers) -> None:
    response = client_as(contributor).post(_add_url(adoption), _data(_pdfs(10)))

    assert response.status_code == 302
    entry = adoption.entries.get(narrative="Board meeting.")
    assert entry.evidence.exclude(file="").count() == 10
    assert _stored()[-1] == 10


def test_files_over_the_total_size_of_an_entry_are_refused(
    client_as, contributor, adoption, barriers, settings
) -> None:
    settings.EVIDENCE_MAX_BYTES_PER_ENTRY = 2 * len(PDF)
    before = _stored()

    response = client_as(contributor).post(_add_url(adoption), _data(_pdfs(3)))

    _refused(response, f"These files come to {filesizeformat(3 * len(PDF))}")
    assert _stored() == before


def test_files_past_the_quota_are_refused_with_the_usage(
    client_as, contributor, adoption, barriers, settings
) -> None:
    _log(adoption, _pdfs(3))
    settings.EVIDENCE_QUOTA_BYTES_PER_ORGANISATION = 4 * len(PDF)
    before = _stored()

    response = client_as(contributor).post(_add_url(adoption), _data(_pdfs(2)))

    _refused(
        response,
        f"evidence storage is full: {filesizeformat(3 * len(PDF))} of "
        f"{filesizeformat(4 * len(PDF))} used",
    )
    assert _stored() == before


@pytest.mark.parametrize(("name", "content", "reason"), HOSTILE_FILES, ids=HOSTILE_IDS)
def test_hostile_files_are_refused_with_their_reason(
    client_as, contributor, adoption, barriers, name: str, content: bytes, reason: str
) -> None:
    before = _stored()

    response = client_as(contributor).post(
        _add_url(adoption), _data([*_pdfs(1), upload(name, content)])
    )

    _refused(response, f"{name} is refused: ", reason)
    assert _stored() == before


@pytest.mark.parametrize(("name", "content", "kind"), CLEAN_FILES, ids=CLEAN_IDS)
def test_clean_office_files_and_pdfs_are_accepted(
    client_as, contributor, adoption, barriers, name: str, content: bytes, kind: str
) -> None:
    response = client_as(contributor).post(_add_url(adoption), _data([upload(name, content)]))

    assert response.status_code == 302
    assert Evidence.objects.get(url="").content_type == kind


def test_the_form_says_the_limits(client_as, contributor, adoption) -> None:
    html = client_as(contributor).get(_add_url(adoption)).content.decode()

    assert "At most 10 files, 50.0\xa0MB in all." in html


def test_more_files_than_django_reads_get_a_clear_page(contributor, adoption, settings) -> None:
    """With CSRF checks on, as in production, the middleware reads the form first."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    client.get(_add_url(adoption))  # the form, and the CSRF cookie with it
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    too_many = _pdfs(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    before = _stored()

    response = client.post(_add_url(adoption), _data(too_many, csrfmiddlewaretoken=token))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The form could not be read" in html
    assert "Too many files in one request: at most 100." in html
    assert "Nothing was saved." in html
    assert _stored() == before


# --- The usage panel ----------------------------------------------------------------------


def _list_url(org) -> str:
    return reverse("adoption:list", args=[org.slug])


def test_admins_see_the_evidence_storage_used(client_as, org, owner, adoption, settings) -> None:
    _log(adoption, _pdfs(2))
    settings.EVIDENCE_QUOTA_BYTES_PER_ORGANISATION = 1000

    response = client_as(owner).get(_list_url(org))

    html = response.content.decode()
    assert response.context["evidence_usage"].used == 2 * len(PDF)
    assert "Evidence storage" in html
    used, quota = filesizeformat(2 * len(PDF)), filesizeformat(1000)
    percent = round(100 * 2 * len(PDF) / 1000)
    assert f"{used} of {quota} used ({percent}&nbsp;%)." in html
    assert f'<meter class="w-100" min="0" max="1000" value="{2 * len(PDF)}"' in html


def test_the_panel_costs_the_admins_one_query(client_as, org, owner, pe_lead, adoption) -> None:
    _log(adoption, _pdfs(2))

    def queries(user) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_as(user).get(_list_url(org)).status_code == 200
        return len(captured)

    queries(owner), queries(pe_lead)  # warm: sessions, caches
    assert queries(owner) == queries(pe_lead) + 1


@pytest.mark.parametrize("persona", ["pe_lead", "contributor", "viewer"])
def test_other_members_do_not_see_it(client_as, org, personas, adoption, persona: str) -> None:
    response = client_as(personas[persona]).get(_list_url(org))

    assert response.status_code == 200
    assert "evidence_usage" not in response.context
    assert "Evidence storage" not in response.content.decode()


def test_usage_is_one_query_over_every_version_of_the_organisations_entries(
    org, contributor, adoption, django_assert_num_queries
) -> None:
    first = _log(adoption, _pdfs(2))
    correction = EntryInput(entry_date=timezone.localdate(), narrative="Fixed.", files=_pdfs(1))
    services.progress_entry_correct(entry=first, by=contributor, data=correction)
    _log(AdoptionFactory(action=adoption.action), _pdfs(4))  # another organisation's

    with django_assert_num_queries(1):
        used = evidence_bytes_used(organisation=org)

    assert used == 3 * len(PDF)
