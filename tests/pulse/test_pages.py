"""The pulse page (/pulse/) and its invitation on the organisation dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organisations.permissions import Role
from apps.pulse.models import PulseSubmission
from apps.pulse.selectors import current_period
from apps.pulse.services import pulse_submit
from tests.organisations.factories import MembershipFactory
from tests.pulse.conftest import all_answers

PAGE = reverse("pulse:answer")
INVITATION = "Answer the pulse (2 minutes)"


def _form(values=(4, 4, 4), **extra) -> dict:
    return {**{f"PU-{n}": str(v) for n, v in enumerate(values, start=1)}, **extra}


def _home(org) -> str:
    return reverse("organisations:home", args=[org.slug])


def test_a_visitor_is_sent_to_sign_in(client, statements) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_page_asks_each_statement_in_a_fieldset(client_as, viewer, statements) -> None:
    html = client_as(viewer).get(PAGE).content.decode()
    assert html.count("<fieldset") == 3
    assert "<legend" in html
    assert "Statement 2 holds for us." in html
    assert "1 – Strongly disagree" in html
    assert "5 – Strongly agree" in html
    assert 'name="organisation"' not in html  # one organisation: nothing to choose
    assert "<script>" not in html
    assert "style=" not in html


def test_a_member_answers_and_then_reads_when_to_answer_again(
    client_as, contributor, org, statements
) -> None:
    client = client_as(contributor)
    response = client.post(PAGE, _form((5, 3, 1)), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you: your answers for" in html
    assert f"You have answered the pulse for {current_period().label}" in html
    assert "<fieldset" not in html
    submission = PulseSubmission.objects.get()
    assert (submission.user, submission.organisation, submission.role) == (
        contributor,
        org,
        Role.CONTRIBUTOR,
    )
    assert sorted(submission.answers.values_list("value", flat=True)) == [1, 3, 5]


def test_a_member_of_two_organisations_chooses_which(
    client_as, viewer, org, other_org, statements
) -> None:
    MembershipFactory(organisation=other_org, user=viewer, role=Role.PE_LEAD)
    client = client_as(viewer)
    assert 'name="organisation"' in client.get(PAGE).content.decode()
    client.post(PAGE, _form(organisation=other_org.slug))
    submission = PulseSubmission.objects.get()
    assert (submission.organisation, submission.role) == (other_org, Role.PE_LEAD)


def test_a_missing_answer_is_shown_at_its_statement(client_as, viewer, statements) -> None:
    response = client_as(viewer).post(PAGE, {"PU-1": "4", "PU-2": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an answer from 1 to 5." in html
    assert 'href="#id_PU-2_0"' in html
    assert 'href="#id_PU-3_0"' in html
    assert not PulseSubmission.objects.exists()


def test_a_person_without_an_organisation_is_told_the_pulse_is_for_members(
    client_as, outsider, statements
) -> None:
    client = client_as(outsider)
    assert "The pulse is for members of an organisation" in client.get(PAGE).content.decode()
    client.post(PAGE, _form())
    assert not PulseSubmission.objects.exists()


def test_the_dashboard_invites_until_the_pulse_is_answered(
    client_as, viewer, org, statements
) -> None:
    client = client_as(viewer)
    html = client.get(_home(org)).content.decode()
    assert INVITATION in html
    assert f'href="{PAGE}"' in html
    pulse_submit(user=viewer, organisation=org, answers=all_answers())
    assert INVITATION not in client.get(_home(org)).content.decode()


@pytest.mark.usefixtures("published_edition")
def test_the_dashboard_does_not_invite_without_statements(client_as, viewer, org) -> None:
    assert INVITATION not in client_as(viewer).get(_home(org)).content.decode()


def test_the_page_takes_few_queries(
    client_as, viewer, org, other_org, statements, django_assert_max_num_queries
) -> None:
    client = client_as(viewer)
    client.get(PAGE)
    with django_assert_max_num_queries(12):
        assert client.get(PAGE).status_code == 200
