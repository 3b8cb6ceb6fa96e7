"""Logging progress and correcting entries: evidence, metrics, barriers; all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import (
    AdoptionStatus,
    BarrierReport,
    Evidence,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.adoption.services import EntryInput
from tests.adoption.conftest import ELF, PDF, PNG, SVG, upload
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import OrganisationFactory
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db

NARRATIVE = "Ran two workshops with the patient advisory board."


def _add_url(adoption) -> str:
    return reverse("adoption:progress-add", args=[adoption.organisation.slug, adoption.pk])


def _correct_url(entry) -> str:
    adoption = entry.adoption
    return reverse(
        "adoption:progress-correct", args=[adoption.organisation.slug, adoption.pk, entry.pk]
    )


def _data(**overrides: object) -> dict[str, object]:
    data = {
        "entry_date": timezone.localdate().isoformat(),
        "narrative": NARRATIVE,
        "status_to": "",
        "percent_complete": "30",
        "links": "",
    }
    data.update(overrides)
    return data


def _stored() -> tuple[int, int, int, int, list[Path]]:
    """What the log holds: entries, evidence, metric values, barriers and files on disk."""
    media = Path(django_settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return (
        ProgressEntry.objects.count(),
        Evidence.objects.count(),
        MetricValue.objects.count(),
        BarrierReport.objects.count(),
        files,
    )


# --- The form -----------------------------------------------------------------------------


def test_the_form_offers_metrics_barriers_and_several_files(
    client_as, contributor, adoption, barriers
) -> None:
    response = client_as(contributor).get(_add_url(adoption))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["entry_date"].value() == timezone.localdate()
    assert 'name="metric_pe-activities"' in html
    assert "PE activities held (activities)" in html
    assert "PE budget (EUR)" in html
    assert 'name="barrier_time"' in html
    assert 'name="barrier_time_note"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="files"' in html
    assert " multiple" in html.split('name="files"')[1].split(">")[0]


def test_the_default_file_limit_is_10_mb(client_as, contributor, adoption) -> None:
    from roadmap_portal.settings import base

    assert base.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
    assert django_settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
    html = client_as(contributor).get(_add_url(adoption)).content.decode()
    assert "at most 10 MB each" in html


# --- Happy path ------------------------------------------------------------------------------


def test_a_contributor_logs_progress_with_everything(
    client_as, contributor, adoption, barriers, pdf_file
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption),
        _data(
            status_to=AdoptionStatus.IN_PROGRESS,
            links="https://example.org/minutes\n\n https://example.org/report ",
            files=[pdf_file("Board minutes.pdf"), upload("photo.png", PNG)],
            **{
                "metric_pe-activities": "2",
                "metric_patients-involved": "14",
                "barrier_time": "on",
                "barrier_time_note": "Staff stretched thin.",
                "barrier_funding": "on",
                "barrier_funding_note": "No budget line yet.",
            },
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "adoption:detail", args=[adoption.organisation.slug, adoption.pk]
    )
    assert messages_of(response) == ["Your progress entry is recorded."]
    entry = adoption.entries.current().exclude(narrative="Adopted the action.").get()
    assert entry.narrative == NARRATIVE
    assert entry.author == contributor
    assert entry.status_to == AdoptionStatus.IN_PROGRESS
    assert sorted(e.url for e in entry.evidence.filter(file="")) == [
        "https://example.org/minutes",
        "https://example.org/report",
    ]
    files = {e.original_name: e for e in entry.evidence.exclude(file="")}
    assert files["Board minutes.pdf"].content_type == "application/pdf"
    assert files["Board minutes.pdf"].size == len(PDF)
    assert files["photo.png"].content_type == "image/png"
    assert {m.metric.slug: m.value for m in entry.metrics.all()} == {
        "pe-activities": Decimal("2"),
        "patients-involved": Decimal("14"),
    }
    assert {b.category.slug: b.note for b in entry.barriers.all()} == {
        "time": "Staff stretched thin.",
        "funding": "No budget line yet.",
    }
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.IN_PROGRESS
    assert adoption.percent_complete == 30


# --- Bad input: a clear error, nothing stored, the narrative kept ---------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent_complete": "101"}, "percent_complete", "Give a percentage from 0 to 100."),
        ({"percent_complete": "-1"}, "percent_complete", "Give a percentage from 0 to 100."),
        ({"metric_pe-budget": "-5"}, "metric_pe-budget", "PE budget cannot be negative."),
        (
            {"entry_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
            "entry_date",
            "The date cannot be in the future.",
        ),
        ({"links": "not a link"}, "links", "not a link is not a web address."),
        ({"narrative": ""}, "narrative", "This field is required."),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_stored(
    client_as, contributor, adoption, barriers, overrides, field, message
) -> None:
    before = _stored()

    response = client_as(contributor).post(_add_url(adoption), _data(**overrides))

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert _stored() == before
    if overrides.get("narrative") != "":
        assert NARRATIVE in response.content.decode()


def test_a_file_over_the_limit_is_refused(client_as, contributor, adoption, settings) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    before = _stored()
    big = upload("big.pdf", PDF + b"0" * 2048, "application/pdf")

    response = client_as(contributor).post(
        _add_url(adoption), _data(files=[big], **{"metric_pe-activities": "3"})
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert any(e.startswith("big.pdf is larger than") for e in errors)
    assert any("Choose your files again" in e for e in errors)
    assert _stored() == before
    assert NARRATIVE in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("invoice.pdf", ELF), ("logo.svg", SVG), ("logo.png", SVG)],
)
def test_a_file_of_the_wrong_type_is_refused(
    client_as, contributor, adoption, name, content
) -> None:
    before = _stored()

    response = client_as(contributor).post(
        _add_url(adoption),
        _data(files=[upload("fine.pdf", PDF, "application/pdf"), upload(name, content)]),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert f"{name} is not an accepted file type (PDF, DOCX, XLSX, PNG, JPEG)." in errors
    assert _stored() == before


def test_when_another_field_fails_the_files_must_be_chosen_again(
    client_as, contributor, adoption, pdf_file
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption), _data(percent_complete="150", files=[pdf_file()])
    )

    assert response.status_code == 400
    assert response.context["form"].errors["files"] == [
        "Nothing was saved. Choose your files again: browsers cannot keep a file selection "
        "after an error."
    ]
    assert not Evidence.objects.exists()


# --- Corrections ------------------------------------------------------------------------------


@pytest.fixture
def entry(adoption, contributor, barriers) -> ProgressEntry:
    return services.progress_entry_create(
        adoption=adoption,
        by=contributor,
        data=EntryInput(
            entry_date=timezone.localdate() - dt.timedelta(days=3),
            narrative="First try.",
            percent_complete=20,
            links=["https://example.org/a"],
            files=[upload("old.pdf", PDF)],
            metric_values={Metric.objects.get(slug="pe-activities"): Decimal("4")},
            barriers={barriers[1]: "Waiting for budget."},
        ),
    )


def test_the_correction_form_is_prefilled_from_the_entry(client_as, contributor, entry) -> None:
    response = client_as(contributor).get(_correct_url(entry))

    form = response.context["form"]
    assert response.status_code == 200
    assert form["narrative"].value() == "First try."
    assert form["percent_complete"].value() == 20
    assert form["links"].value() == "https://example.org/a"
    assert form["metric_pe-activities"].value() == Decimal("4.00")
    assert form["barrier_funding"].value() is True
    assert form["barrier_funding_note"].value() == "Waiting for budget."
    assert "old.pdf" in response.content.decode()  # said to stay with the earlier version


def test_a_correction_is_a_new_version(client_as, contributor, entry, adoption) -> None:
    response = client_as(contributor).post(
        _correct_url(entry), _data(narrative="Second try.", percent_complete="25")
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_current
    correction = entry.superseded_by
    assert correction.is_current
    assert correction.narrative == "Second try."
    adoption.refresh_from_db()
    assert adoption.percent_complete == 25


def test_an_entry_already_corrected_cannot_be_corrected_again(
    client_as, contributor, entry
) -> None:
    client = client_as(contributor)
    client.post(_correct_url(entry), _data(narrative="Second try."))
    before = _stored()

    page = client.get(_correct_url(entry))
    response = client.post(_correct_url(entry), _data(narrative="Third try."))

    assert "This entry has already been corrected: correct the latest version." in (
        page.content.decode()
    )
    assert 'name="narrative"' not in page.content.decode()
    assert response.status_code == 400
    assert _stored() == before


def test_a_bad_correction_stores_nothing(client_as, contributor, entry) -> None:
    before = _stored()

    response = client_as(contributor).post(_correct_url(entry), _data(percent_complete="200"))

    assert response.status_code == 400
    assert _stored() == before
    entry.refresh_from_db()
    assert entry.is_current


def test_an_entry_of_another_organisation_is_404(client_as, contributor, adoption) -> None:
    other = services.progress_entry_create(
        adoption=AdoptionFactory(organisation=OrganisationFactory()),
        by=None,
        data=EntryInput(entry_date=timezone.localdate(), narrative="Theirs."),
    )
    url = reverse(
        "adoption:progress-correct", args=[adoption.organisation.slug, adoption.pk, other.pk]
    )

    assert client_as(contributor).get(url).status_code == 404


# --- Read-only adoptions, roles --------------------------------------------------------------


def test_a_read_only_adoption_takes_no_progress(client_as, contributor, adoption) -> None:
    adoption.action_removed = True
    adoption.save()
    before = _stored()

    page = client_as(contributor).get(_add_url(adoption))
    response = client_as(contributor).post(_add_url(adoption), _data())

    assert "kept read-only" in page.content.decode()
    assert 'name="narrative"' not in page.content.decode()
    assert response.status_code == 400
    assert _stored() == before
