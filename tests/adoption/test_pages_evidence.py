"""Evidence files are served as downloads, to members of their organisation only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import Evidence, ProgressEntry
from apps.adoption.services import EntryInput
from apps.organisations.permissions import Role
from tests.adoption.conftest import PDF, PNG, upload
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _entry(adoption, **fields: object) -> ProgressEntry:
    data = EntryInput(entry_date=timezone.localdate(), narrative="Evidence.", **fields)
    return services.progress_entry_create(adoption=adoption, by=None, data=data)


@pytest.fixture
def evidence(adoption) -> Evidence:
    entry = _entry(adoption, files=[upload("../Board minutes.pdf", PDF)])
    return entry.evidence.get()


def _url(org, evidence) -> str:
    return reverse("adoption:evidence-download", args=[org.slug, evidence.pk])


def test_a_member_downloads_the_file(client_as, org, viewer, evidence) -> None:
    response = client_as(viewer).get(_url(org, evidence))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Board minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_the_stored_type_is_sent_not_one_guessed_from_the_name(
    client_as, org, viewer, adoption
) -> None:
    evidence = _entry(adoption, files=[upload("picture.pdf", PNG)]).evidence.get()

    response = client_as(viewer).get(_url(org, evidence))

    assert response["Content-Type"] == "image/png"


def test_a_link_has_no_download(client_as, org, viewer, adoption) -> None:
    link = _entry(adoption, links=["https://example.org/report"]).evidence.get()

    assert client_as(viewer).get(_url(org, link)).status_code == 404


def test_members_of_another_organisation_get_404_even_through_their_own(
    client_as, org, evidence
) -> None:
    other = OrganisationFactory()
    member = MembershipFactory(organisation=other, role=Role.ADMIN).user

    assert client_as(member).get(_url(org, evidence)).status_code == 404
    assert client_as(member).get(_url(other, evidence)).status_code == 404


def test_evidence_of_another_organisation_is_404(client_as, org, viewer, small_roadmap) -> None:
    theirs = _entry(
        AdoptionFactory(organisation=OrganisationFactory()), files=[upload("x.pdf", PDF)]
    ).evidence.get()

    assert client_as(viewer).get(_url(org, theirs)).status_code == 404
