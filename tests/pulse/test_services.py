"""pulse_submit: members only, every current statement once from 1 to 5, once per period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.accounts import services as accounts
from apps.accounts.selectors import user_personal_data
from apps.organisations.permissions import Role
from apps.pulse.models import PulseAnswer, PulseSubmission
from apps.pulse.selectors import pulse_due
from apps.pulse.services import AlreadyAnswered, pulse_submit
from tests.organisations.factories import MembershipFactory
from tests.pulse.conftest import TODAY, all_answers
from tests.roadmap.factories import EditionFactory, PulseStatementFactory


def test_a_member_answers_for_their_organisation(contributor, org, statements) -> None:
    submission = pulse_submit(
        user=contributor, organisation=org, answers=all_answers(), today=TODAY
    )
    assert submission.period == "2026-Q4"
    assert submission.role == Role.CONTRIBUTOR
    assert submission.edition_id == statements[0].edition_id
    values = dict(PulseAnswer.objects.values_list("statement__code", "value"))
    assert values == {"PU-1": 4, "PU-2": 4, "PU-3": 4}


def test_a_second_answer_in_the_period_is_refused_even_for_another_organisation(
    viewer, org, other_org, statements
) -> None:
    MembershipFactory(organisation=other_org, user=viewer, role=Role.ADMIN)
    pulse_submit(user=viewer, organisation=org, answers=all_answers(), today=TODAY)
    with pytest.raises(AlreadyAnswered) as refused:
        pulse_submit(user=viewer, organisation=other_org, answers=all_answers(), today=TODAY)
    assert "2026-Q4" in refused.value.message
    assert "2027" in refused.value.message  # the next period's first day
    # The next period is open again.
    pulse_submit(user=viewer, organisation=org, answers=all_answers(), today=dt.date(2027, 1, 2))
    assert PulseSubmission.objects.count() == 2


def test_a_non_member_is_refused(outsider, org, statements) -> None:
    with pytest.raises(ValidationError) as refused:
        pulse_submit(user=outsider, organisation=org, answers=all_answers(), today=TODAY)
    assert "member" in str(refused.value.message_dict["organisation"])
    assert not PulseSubmission.objects.exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([("PU-1", 0), ("PU-2", 3), ("PU-3", 3)], "PU-1: answer from 1"),
        ([("PU-1", 6), ("PU-2", 3), ("PU-3", 3)], "not 6"),
        ([("PU-1", "4"), ("PU-2", 3), ("PU-3", 3)], "PU-1: answer from 1"),
        ([("PU-1", True), ("PU-2", 3), ("PU-3", 3)], "PU-1: answer from 1"),
        ([("PU-1", 3), ("PU-2", 3)], "PU-3 not answered"),
        ([("PU-1", 3), ("PU-1", 2), ("PU-2", 3), ("PU-3", 3)], "PU-1 is answered twice"),
        ([*all_answers(), ("PU-9", 3)], "PU-9 is not a statement of the current pulse"),
    ],
)
def test_bad_answers_are_refused(pe_lead, org, statements, answers, message) -> None:
    with pytest.raises(ValidationError) as refused:
        pulse_submit(user=pe_lead, organisation=org, answers=answers, today=TODAY)
    assert any(message in problem for problem in refused.value.message_dict["answers"])
    assert not PulseSubmission.objects.exists()


def test_a_statement_of_another_edition_is_refused(pe_lead, org, statements) -> None:
    draft = EditionFactory(version_label="2027")
    PulseStatementFactory(edition=draft, code="PU-7")
    with pytest.raises(ValidationError, match="PU-7 is not a statement of the current pulse"):
        pulse_submit(
            user=pe_lead, organisation=org, answers=[*all_answers(), ("PU-7", 2)], today=TODAY
        )


def test_without_statements_there_is_nothing_to_answer(pe_lead, org, published_edition) -> None:
    with pytest.raises(ValidationError, match="no pulse"):
        pulse_submit(user=pe_lead, organisation=org, answers=[], today=TODAY)
    assert not pulse_due(user=pe_lead, today=TODAY)


def test_the_pulse_is_due_until_answered_in_the_period(owner, org, statements) -> None:
    assert pulse_due(user=owner, today=TODAY)
    pulse_submit(user=owner, organisation=org, answers=all_answers(), today=TODAY)
    assert not pulse_due(user=owner, today=TODAY)
    assert pulse_due(user=owner, today=dt.date(2027, 1, 1))


@pytest.mark.django_db
def test_deleting_the_account_keeps_the_answers_anonymous(contributor, org, statements) -> None:
    pulse_submit(user=contributor, organisation=org, answers=all_answers(5), today=TODAY)
    accounts.user_delete(user=contributor)
    submission = PulseSubmission.objects.get()
    assert submission.user_id is None
    assert submission.organisation == org
    assert submission.answers.count() == 3


def test_the_person_finds_their_own_answers_in_their_personal_data(
    contributor, org, statements
) -> None:
    pulse_submit(user=contributor, organisation=org, answers=all_answers(2), today=TODAY)
    data = user_personal_data(user=contributor)
    assert data["pulse"] == [
        {"period": "2026-Q4", "organisation": org.slug, "answers": dict(all_answers(2))}
    ]
