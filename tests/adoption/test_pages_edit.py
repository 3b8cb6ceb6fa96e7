"""Editing an adoption through the service; read-only adoptions show why and no form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.adoption.models import AdoptionStatus
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import OrganisationFactory
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


def _url(adoption) -> str:
    return reverse("adoption:edit", args=[adoption.organisation.slug, adoption.pk])


def _data(**overrides: object) -> dict[str, object]:
    data = {
        "status": AdoptionStatus.IN_PROGRESS,
        "is_important": "on",
        "start_date": "2025-01-01",
        "target_date": "2025-12-31",
        "notes": "Now under way.",
    }
    data.update(overrides)
    return data


def test_the_form_is_prefilled(client_as, contributor, adoption) -> None:
    form = client_as(contributor).get(_url(adoption)).context["form"]

    assert form["status"].value() == AdoptionStatus.PLANNED
    assert form["owner"].value() == contributor.pk
    assert "partners" not in form.fields  # joint commitments are asked from the adoption's page


def test_a_contributor_edits_and_the_status_change_is_logged(
    client_as, contributor, viewer, adoption
) -> None:
    response = client_as(contributor).post(_url(adoption), _data(owner=viewer.pk))

    assert response.status_code == 302
    assert messages_of(response) == ["The adoption is saved."]
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.IN_PROGRESS
    assert adoption.owner == viewer
    assert adoption.notes == "Now under way."
    latest = adoption.entries.order_by("-pk").first()
    assert latest.status_from == AdoptionStatus.PLANNED
    assert latest.status_to == AdoptionStatus.IN_PROGRESS


def test_a_target_before_the_start_is_an_error(client_as, contributor, adoption) -> None:
    response = client_as(contributor).post(
        _url(adoption), _data(start_date="2025-06-01", target_date="2025-01-01")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["target_date"] == [
        "The target date cannot be before the start date."
    ]
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.PLANNED
    assert adoption.entries.count() == 1


def test_a_read_only_adoption_shows_the_reason_and_no_form(
    client_as, contributor, adoption
) -> None:
    adoption.action_removed = True
    adoption.save()

    page = client_as(contributor).get(_url(adoption))
    response = client_as(contributor).post(_url(adoption), _data())

    html = page.content.decode()
    assert "This action was removed from the roadmap: the adoption is kept read-only." in html
    assert 'name="status"' not in html
    assert response.status_code == 400
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.PLANNED


def test_an_adoption_of_another_organisation_is_404(
    client_as, org, contributor, small_roadmap
) -> None:
    theirs = AdoptionFactory(organisation=OrganisationFactory())
    url = reverse("adoption:edit", args=[org.slug, theirs.pk])

    assert client_as(contributor).get(url).status_code == 404
    assert client_as(contributor).post(url, _data()).status_code == 404
