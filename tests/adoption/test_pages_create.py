"""Adopting one action: prefilled from the action's page, errors from the service on fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.adoption.models import Adoption, AdoptionStatus
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


def _url(org, query: str = "") -> str:
    return reverse("adoption:create", args=[org.slug]) + query


def _data(**overrides: object) -> dict[str, object]:
    data = {
        "action": "A1.2.1",
        "status": AdoptionStatus.PLANNED,
        "is_important": "on",
        "start_date": "2025-01-01",
        "target_date": "2025-12-31",
        "notes": "Start with the board.",
    }
    data.update(overrides)
    return data


def test_the_code_is_prefilled_from_the_address(client_as, org, contributor, small_roadmap) -> None:
    response = client_as(contributor).get(_url(org, "?action=a1.2.1"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="A1.2.1"' in html
    assert "You are adopting <strong>A1.2.1</strong> Action 1.2.1." in html


def test_an_adoption_already_made_is_pointed_to(client_as, org, contributor, adoption) -> None:
    response = client_as(contributor).get(_url(org, "?action=A1.1.1"))

    html = response.content.decode()
    assert "Your organisation has already adopted A1.1.1." in html
    assert reverse("adoption:detail", args=[org.slug, adoption.pk]) in html


def test_the_owner_choices(client_as, org, contributor, viewer, small_roadmap) -> None:
    form = client_as(contributor).get(_url(org)).context["form"]

    assert set(form.fields["owner"].queryset) == {contributor, viewer}
    assert "partners" not in form.fields  # joint commitments are asked from the adoption's page


def test_a_contributor_adopts_an_action(client_as, org, contributor, viewer, small_roadmap) -> None:
    response = client_as(contributor).post(_url(org), _data(owner=viewer.pk, is_urgent="on"))

    adoption = Adoption.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("adoption:detail", args=[org.slug, adoption.pk])
    assert messages_of(response) == ["You adopted A1.2.1."]
    assert adoption.organisation == org
    assert adoption.action.code == "A1.2.1"
    assert adoption.owner == viewer
    assert adoption.is_urgent
    assert adoption.is_important
    assert adoption.notes == "Start with the board."
    assert adoption.entries.get().author == contributor


def test_an_unknown_code_is_a_form_error(client_as, org, contributor, small_roadmap) -> None:
    response = client_as(contributor).post(_url(org), _data(action="A9.9.9"))

    assert response.status_code == 400
    assert response.context["form"].errors["action"] == [
        "No action A9.9.9 in the published roadmap."
    ]
    assert not Adoption.objects.exists()


def test_a_target_before_the_start_is_an_error_on_the_target(
    client_as, org, contributor, small_roadmap
) -> None:
    response = client_as(contributor).post(
        _url(org), _data(start_date="2025-06-01", target_date="2025-05-01")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["target_date"] == [
        "The target date cannot be before the start date."
    ]
    assert not Adoption.objects.exists()


def test_adopting_twice_is_an_error(client_as, org, contributor, adoption) -> None:
    response = client_as(contributor).post(_url(org), _data(action="A1.1.1"))

    assert response.status_code == 400
    assert "Your organisation has already adopted this action." in response.content.decode()
    assert Adoption.objects.count() == 1


def test_the_owner_must_be_a_member(client_as, org, contributor, outsider, small_roadmap) -> None:
    response = client_as(contributor).post(_url(org), _data(owner=outsider.pk))

    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Adoption.objects.exists()
