"""The import page: the form and its explanation, a successful import, a refused one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.adoption.models import Adoption, ProgressEntry
from apps.adoption.transfer.exporters import AdoptionExporter
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


def _import_url(org) -> str:
    return reverse("adoption-transfer:import", args=[org.slug])


def _upload(content: bytes, name: str = "adoptions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_it_shows_the_form_and_explains_the_format(client_as, org, personas) -> None:
    response = client_as(personas["pe_lead"]).get(_import_url(org))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in page
    assert reverse("adoption-transfer:export-csv", args=[org.slug]) in page
    assert reverse("adoption-transfer:export-xlsx", args=[org.slug]) in page
    assert "metric:pe-activities" in page
    assert "<code>supersedes_ref</code>" in page
    assert "Uploaded evidence files are not exported" in page
    assert 'for="id_file"' in page


def test_it_imports_an_export_of_another_organisation(
    client_as, history, fresh_org, personas
) -> None:
    content = AdoptionExporter(organisation=history["first"].organisation).render("xlsx").content

    response = client_as(personas["pe_lead"]).post(
        _import_url(fresh_org), {"file": _upload(content, "export.xlsx"), "format": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("adoption:list", args=[fresh_org.slug])
    assert messages_of(response) == ["Imported 4 adoptions, 8 progress entries and 2 barriers."]
    assert Adoption.objects.filter(organisation=fresh_org).count() == 4


def test_a_file_with_bad_rows_is_refused_whole_and_every_error_shown(
    client_as, history, fresh_org, personas
) -> None:
    content = AdoptionExporter(organisation=history["first"].organisation).render("csv").content
    text = content.decode("utf-8-sig")
    bad = text.replace("lead@example.org", "nobody@example.org").replace("A2.1.2", "A9.9.9")

    response = client_as(personas["owner"]).post(
        _import_url(fresh_org), {"file": _upload(bad.encode()), "format": "csv"}
    )

    assert response.status_code == 400
    errors = response.context["import_errors"]
    assert "Row 3 (adoptions): owner_email nobody@example.org is not a member" in errors[0]
    assert any("A9.9.9 is not an action of edition 2021" in e for e in errors)
    assert not any("A9.9.9 is not adopted" in e for e in errors)  # reported once, above
    page = response.content.decode()
    assert "Nothing was changed." in page
    assert "Row 3 (adoptions)" in page
    assert not Adoption.objects.filter(organisation=fresh_org).exists()
    assert not ProgressEntry.objects.filter(adoption__organisation=fresh_org).exists()


def test_a_file_over_5_mb_is_refused_by_the_form(client_as, org, personas) -> None:
    response = client_as(personas["owner"]).post(
        _import_url(org), {"file": _upload(b"x" * (5 * 1024 * 1024 + 1)), "format": ""}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is larger than 5 MB. Split it into smaller files."
    ]


def test_a_format_that_does_not_match_the_file_is_refused(client_as, org, personas) -> None:
    response = client_as(personas["owner"]).post(
        _import_url(org), {"file": _upload(b"record_type\r\nadoptions\r\n"), "format": "xlsx"}
    )

    assert response.status_code == 400
    assert response.context["import_errors"] == [
        "The file is not in the XLSX format: its content is CSV."
    ]


def test_a_missing_file_is_a_form_error(client_as, org, personas) -> None:
    response = client_as(personas["owner"]).post(_import_url(org), {"format": "csv"})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["viewer", "contributor"])
def test_viewers_and_contributors_cannot_import(
    client_as, history, fresh_org, personas, persona
) -> None:
    content = AdoptionExporter(organisation=history["first"].organisation).render("csv").content
    client = client_as(personas[persona])

    assert client.get(_import_url(fresh_org)).status_code == 403
    response = client.post(_import_url(fresh_org), {"file": _upload(content)})
    assert response.status_code == 403
    assert not Adoption.objects.filter(organisation=fresh_org).exists()
