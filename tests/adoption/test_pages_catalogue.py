"""The action catalogue: recommended actions first, adopted ones marked, adopt in bulk."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.adoption.models import Adoption
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, StakeholderGroup
from tests.adoption.factories import AdoptionFactory
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_org(org, small_roadmap) -> Organisation:
    """The persona organisation, in the group that A1.1.1, A1.2.1, A2.1.2 and A2.2.2 address."""
    org.stakeholder_group = StakeholderGroup.objects.get(slug="patient-organisations")
    org.save()
    return org


def _url(org, query: str = "") -> str:
    return reverse("adoption:catalogue", args=[org.slug]) + query


def _codes(html: str) -> list[str]:
    return re.findall(r'<span class="item-code">(A[\d.]+)</span>', html)


def test_recommended_actions_come_first_and_adopted_ones_are_marked(
    client_as, patient_org, contributor
) -> None:
    AdoptionFactory(organisation=patient_org, action=Action.objects.get(code="A1.2.1"))

    response = client_as(contributor).get(_url(patient_org))

    html = response.content.decode()
    assert response.status_code == 200
    assert _codes(html) == [
        *("A1.1.1", "A1.2.1", "A2.1.2", "A2.2.2"),
        *("A1.1.2", "A1.2.2", "A2.1.1", "A2.2.1"),
    ]
    assert "Recommended for Patients and POs" in html
    recommended, others = html.split('id="others-heading"')
    assert "A2.2.2" in recommended
    assert "A2.2.2" not in others
    assert "A1.1.2" in others
    adopted = re.search(r"A1\.2\.1</span>.*?</h3>", html, flags=re.DOTALL).group(0)
    assert "Adopted" in adopted
    not_adopted = re.search(r"A1\.1\.1</span>.*?</h3>", html, flags=re.DOTALL).group(0)
    assert "Adopted" not in not_adopted
    assert 'value="A1.2.1"' not in html  # no checkbox for an adopted action
    assert 'value="A1.1.1"' in html
    assert "Adopt selected" in html


def test_the_catalogue_reuses_the_action_filters(client_as, patient_org, contributor) -> None:
    response = client_as(contributor).get(_url(patient_org, "?dimension=processes&end_goal=EG2"))

    assert _codes(response.content.decode()) == ["A2.1.2", "A2.2.2"]


def test_viewers_see_the_catalogue_without_checkboxes(client_as, patient_org, viewer) -> None:
    html = client_as(viewer).get(_url(patient_org)).content.decode()

    assert "A1.1.1" in html
    assert 'type="checkbox"' not in html
    assert "Adopt selected" not in html


def test_a_contributor_adopts_in_bulk(client_as, patient_org, contributor) -> None:
    AdoptionFactory(
        organisation=patient_org,
        action=Action.objects.get(code="A1.1.2"),
    )

    response = client_as(contributor).post(
        _url(patient_org), {"actions": ["A1.1.1", "A1.1.2", "A2.2.2"]}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("adoption:list", args=[patient_org.slug])
    assert sorted(patient_org.adoptions.values_list("action__code", flat=True)) == [
        "A1.1.1",
        "A1.1.2",
        "A2.2.2",
    ]
    assert messages_of(response) == ["2 actions adopted. 1 was already adopted and left as it was."]
    created = patient_org.adoptions.get(action__code="A1.1.1")
    assert created.created_by == contributor
    assert created.entries.count() == 1


def test_adopting_nothing_or_an_unknown_code_is_an_error(
    client_as, patient_org, contributor
) -> None:
    client = client_as(contributor)

    nothing = client.post(_url(patient_org), {})
    unknown = client.post(_url(patient_org), {"actions": ["A9.9.9"]})

    assert nothing.status_code == 400
    assert "Select at least one action to adopt." in nothing.content.decode()
    assert unknown.status_code == 400
    assert "A9.9.9" in unknown.content.decode()
    assert not Adoption.objects.exists()


def test_viewers_cannot_adopt(client_as, patient_org, viewer) -> None:
    response = client_as(viewer).post(_url(patient_org), {"actions": ["A1.1.1"]})

    assert response.status_code == 403
    assert not Adoption.objects.exists()
