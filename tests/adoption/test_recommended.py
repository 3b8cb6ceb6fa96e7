"""Recommended for your group (issue 15): actions addressed to the group specifically.

An action addressed to every stakeholder group is not "recommended for" one: the catalogue
lists those as "For every group", apart from the group's own.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.roadmap.models import Action, StakeholderGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone_action(small_roadmap) -> Action:
    """A2.2.1 (addressed to HTA bodies in ``small_roadmap``) addressed to every group."""
    action = Action.objects.get(code="A2.2.1")
    action.stakeholder_groups.set(StakeholderGroup.objects.all())
    return action


def test_recommended_excludes_actions_for_every_group(everyone_action) -> None:
    patients = StakeholderGroup.objects.get(slug="patient-organisations")

    actions = {a.code: a for a in Action.objects.published().with_recommendation(patients.pk)}

    assert actions["A2.2.1"].for_every_group
    assert not actions["A2.2.1"].recommended
    assert {code for code, a in actions.items() if a.recommended} == {
        "A1.1.1",
        "A1.2.1",
        "A2.1.2",
        "A2.2.2",
    }
    assert not any(a.for_every_group for code, a in actions.items() if code != "A2.2.1")
    assert len(actions) == Action.objects.published().count()  # one row per action


def test_the_catalogue_shows_the_two_kinds_apart(
    client_as, org, contributor, everyone_action
) -> None:
    org.stakeholder_group = StakeholderGroup.objects.get(slug="patient-organisations")
    org.save()

    html = client_as(contributor).get(reverse("adoption:catalogue", args=[org.slug])).content
    page = html.decode()

    recommended, rest = page.split('id="every-group-heading"')
    every, others = rest.split('id="others-heading"')
    codes = re.compile(r'<span class="item-code">(A[\d.]+)</span>')
    assert set(codes.findall(recommended)) == {"A1.1.1", "A1.2.1", "A2.1.2", "A2.2.2"}
    assert codes.findall(every) == ["A2.2.1"]
    assert "A2.2.1" not in codes.findall(others)
    assert "For every group" in page
    assert "Recommended for Patients and POs" in recommended
