"""Joint commitments, the services (issue 17): who may be asked, who answers, withdrawal,
shared objectives, confirmations of entries, partners' entries, and the emails to the other
side's managers in each reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.adoption import services
from apps.adoption.models import Adoption, Partnership
from apps.adoption.partnerships import services as joint
from apps.adoption.services import EntryInput
from apps.audit.models import AuditEvent
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def asked(adoption, owner, partner_org, partner_people) -> Partnership:
    return joint.partnership_request(
        adoption=adoption, partner=partner_org, by=owner, message="Let us co-design it."
    )


@pytest.fixture
def accepted(asked, partner_org, partner_people) -> Partnership:
    return joint.partnership_accept(
        partnership=asked, organisation=partner_org, by=partner_people["partner_lead"]
    )


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.messages


def _log(adoption, by, organisation, narrative: str = "Workshop held.", **fields):
    data = EntryInput(entry_date=timezone.localdate(), narrative=narrative, **fields)
    return services.progress_entry_create(
        adoption=adoption, by=by, data=data, organisation=organisation
    )


# --- Asking ---------------------------------------------------------------------------------


def test_a_request_waits_for_the_partner_and_is_audited_on_both_sides(
    org, partner_org, asked, owner
) -> None:
    assert asked.state == "pending"
    assert asked.requested_by == owner
    assert asked.message == "Let us co-design it."
    assert not Adoption.objects.visible_to(partner_org).exists()  # not before it accepts
    events = AuditEvent.objects.filter(verb="partnership.requested")
    assert {e.organisation_id for e in events} == {org.pk, partner_org.pk}


def test_only_a_verified_organisation_can_be_asked(adoption, owner) -> None:
    with pytest.raises(ValidationError) as error:
        joint.partnership_request(adoption=adoption, partner=OrganisationFactory(), by=owner)
    assert _messages(error) == ["Only verified organisations can be asked to act together."]


def test_an_organisation_is_never_its_own_partner(org, adoption, owner) -> None:
    org.status = "verified"
    org.save()
    with pytest.raises(ValidationError) as error:
        joint.partnership_request(adoption=adoption, partner=org, by=owner)
    assert _messages(error) == ["An organisation cannot be its own partner."]


@pytest.mark.parametrize("state", ["pending", "accepted", "declined"])
def test_an_organisation_is_never_asked_twice(adoption, owner, partner_org, state) -> None:
    Partnership.objects.create(adoption=adoption, partner=partner_org, state=state)
    with pytest.raises(ValidationError) as error:
        joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)
    assert _messages(error) == ["Care Alliance has already been asked to act on this adoption."]


def test_after_a_withdrawal_the_adoption_may_ask_again(
    org, adoption, owner, partner_org, asked
) -> None:
    joint.partnership_withdraw(partnership=asked, organisation=org, by=owner)
    again = joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)
    assert again.state == "pending"


# --- Answering and withdrawing ----------------------------------------------------------------


def test_an_accepted_partner_sees_the_adoption_and_a_withdrawal_takes_it_away(
    org, adoption, owner, partner_org, accepted
) -> None:
    assert accepted.state == "accepted"
    assert list(Adoption.objects.visible_to(partner_org)) == [adoption]
    assert list(Adoption.objects.joint_with(partner_org)) == [adoption]
    assert joint.sides(adoption) == [org.pk, partner_org.pk]

    joint.partnership_withdraw(partnership=accepted, organisation=partner_org, by=owner)

    accepted.refresh_from_db()
    assert (accepted.state, accepted.withdrawn_by_organisation) == ("withdrawn", partner_org)
    assert not Adoption.objects.visible_to(partner_org).exists()


@pytest.mark.parametrize("answer", [joint.partnership_accept, joint.partnership_decline])
def test_only_a_pending_request_is_answered(accepted, partner_org, partner_people, answer) -> None:
    with pytest.raises(ValidationError) as error:
        answer(partnership=accepted, organisation=partner_org, by=partner_people["partner_lead"])
    assert _messages(error) == [
        "Only a request waiting for an answer can be answered. This one is: Accepted."
    ]


@pytest.mark.parametrize("answer", [joint.partnership_accept, joint.partnership_decline])
def test_only_the_organisation_asked_answers(org, owner, asked, answer) -> None:
    with pytest.raises(ValidationError) as error:
        answer(partnership=asked, organisation=org, by=owner)
    assert _messages(error) == ["Only the organisation asked answers a request."]
    asked.refresh_from_db()
    assert asked.state == "pending"


def test_a_declined_request_cannot_be_withdrawn(
    org, owner, asked, partner_org, partner_people
) -> None:
    joint.partnership_decline(
        partnership=asked, organisation=partner_org, by=partner_people["partner_lead"]
    )
    with pytest.raises(ValidationError):
        joint.partnership_withdraw(partnership=asked, organisation=org, by=owner)


# --- Shared objectives -----------------------------------------------------------------------


def test_one_side_proposes_an_objective_and_the_other_confirms_it(
    org, owner, partner_org, partner_people, accepted
) -> None:
    objective = joint.objective_propose(
        partnership=accepted,
        organisation=org,
        by=owner,
        text="  Co-design the survey.  ",
        target_date=TOMORROW,
    )
    assert (objective.text, objective.is_confirmed) == ("Co-design the survey.", False)

    with pytest.raises(ValidationError) as error:
        joint.objective_confirm(objective=objective, organisation=org, by=owner)
    assert _messages(error) == [
        "The other side confirms an objective: your organisation proposed this one."
    ]

    lead = partner_people["partner_lead"]
    joint.objective_confirm(objective=objective, organisation=partner_org, by=lead)
    objective.refresh_from_db()
    assert (objective.is_confirmed, objective.confirmed_by) == (True, lead)
    with pytest.raises(ValidationError):
        joint.objective_confirm(objective=objective, organisation=partner_org, by=lead)


def test_an_objective_needs_text_a_future_date_and_an_accepted_partnership(
    org, owner, asked
) -> None:
    with pytest.raises(ValidationError) as error:
        joint.objective_propose(
            partnership=asked, organisation=org, by=owner, text="x", target_date=TOMORROW
        )
    assert "Only an accepted partnership has shared objectives" in _messages(error)[0]

    Partnership.objects.filter(pk=asked.pk).update(state="accepted")
    with pytest.raises(ValidationError) as error:
        joint.objective_propose(
            partnership=asked,
            organisation=org,
            by=owner,
            text=" ",
            target_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert error.value.message_dict == {
        "text": ["Say what the objective is."],
        "target_date": ["The target date cannot be in the past."],
    }


# --- Entries of a joint adoption ---------------------------------------------------------------


def test_a_partner_s_entry_is_its_own_and_leaves_status_and_percent_to_the_owner(
    adoption, partner_org, partner_people, accepted
) -> None:
    writer = partner_people["partner_contributor"]
    entry = _log(adoption, writer, partner_org, "Our patient panel met.")
    assert (entry.organisation, entry.author) == (partner_org, writer)

    with pytest.raises(ValidationError) as error:
        _log(adoption, writer, partner_org, status_to="implemented", percent_complete=80)
    assert error.value.message_dict == {
        "status_to": ["Only Patients Together changes the status of its adoption."],
        "percent_complete": ["Only Patients Together sets how complete its adoption is."],
    }


def test_only_the_writer_corrects_an_entry(
    org, adoption, owner, partner_org, partner_people, accepted
) -> None:
    entry = _log(adoption, partner_people["partner_contributor"], partner_org)
    data = EntryInput(entry_date=timezone.localdate(), narrative="Corrected.")
    with pytest.raises(ValidationError) as error:
        services.progress_entry_correct(entry=entry, by=owner, data=data, organisation=org)
    assert _messages(error) == ["Only the organisation that wrote an entry can correct it."]

    correction = services.progress_entry_correct(
        entry=entry, by=partner_people["partner_lead"], data=data, organisation=partner_org
    )
    assert correction.organisation == partner_org


def test_the_other_side_confirms_an_entry_once(
    org, adoption, owner, partner_org, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org)
    lead = partner_people["partner_lead"]

    with pytest.raises(ValidationError) as error:
        joint.entry_confirm(entry=entry, organisation=org, by=owner)
    assert _messages(error) == [
        "The other side confirms an entry: your organisation wrote this one."
    ]

    confirmation = joint.entry_confirm(entry=entry, organisation=partner_org, by=lead)
    assert (confirmation.organisation, confirmation.confirmed_by) == (partner_org, lead)
    with pytest.raises(ValidationError) as error:
        joint.entry_confirm(entry=entry, organisation=partner_org, by=lead)
    assert _messages(error) == ["Your organisation has already confirmed this entry."]


def test_an_outsider_or_a_former_partner_cannot_confirm(
    org, adoption, owner, partner_org, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org)
    with pytest.raises(ValidationError) as error:
        joint.entry_confirm(entry=entry, organisation=OrganisationFactory(verified=True), by=owner)
    assert error.value.code == "not_a_side"

    joint.partnership_withdraw(partnership=accepted, organisation=org, by=owner)
    with pytest.raises(ValidationError):
        joint.entry_confirm(
            entry=entry, organisation=partner_org, by=partner_people["partner_lead"]
        )


def test_a_corrected_entry_cannot_be_confirmed(
    org, adoption, owner, partner_org, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org)
    data = EntryInput(entry_date=timezone.localdate(), narrative="Corrected.")
    services.progress_entry_correct(entry=entry, by=owner, data=data)
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        joint.entry_confirm(
            entry=entry, organisation=partner_org, by=partner_people["partner_lead"]
        )
    assert error.value.code == "corrected"


# --- Emails ---------------------------------------------------------------------------------


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_a_request_tells_the_partner_s_managers_after_the_commit(
    adoption, owner, partner_org, partner_people, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partnership = joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)
    assert mail.outbox == []  # nothing before the commit

    for callback in callbacks:
        callback()

    # Admins and PE leads answer for the partner; its contributors and viewers are not told.
    assert _recipients() == {"partner-admin@example.org", "partner-lead@example.org"}
    message = mail.outbox[0]
    assert message.subject == "Patients Together asks you to act on A1.1.1 together"
    assert f"/o/care-alliance/partnerships/{partnership.pk}/" in message.body


def test_each_move_tells_the_other_side(
    org, adoption, owner, pe_lead, partner_org, partner_people, django_capture_on_commit_callbacks
) -> None:
    owner_side = {"owner@example.org", "lead@example.org"}
    partner_side = {"partner-admin@example.org", "partner-lead@example.org"}
    partnership = joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)
    lead = partner_people["partner_lead"]

    def told(move) -> set[str]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            move()
        return _recipients()

    assert (
        told(
            lambda: joint.partnership_accept(
                partnership=partnership, organisation=partner_org, by=lead
            )
        )
        == owner_side
    )
    assert (
        told(
            lambda: joint.objective_propose(
                partnership=partnership,
                organisation=partner_org,
                by=lead,
                text="Co-design the survey.",
                target_date=TOMORROW,
            )
        )
        == owner_side
    )
    assert (
        told(
            lambda: joint.partnership_withdraw(partnership=partnership, organisation=org, by=owner)
        )
        == partner_side
    )
    assert f"/o/patients-together/partnerships/{partnership.pk}/" not in mail.outbox[0].body


def test_a_status_change_tells_the_partner_s_managers_after_the_commit(
    adoption, owner, accepted, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _log(adoption, owner, adoption.organisation, status_to="paused")
    # Nothing before the commit; who is told is worked out after it.
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert _recipients() == {"partner-admin@example.org", "partner-lead@example.org"}


def test_the_emails_are_written_in_each_reader_s_language(
    adoption, owner, partner_org, partner_people, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    partner_people["partner_admin"].language = "fr"
    partner_people["partner_admin"].save()
    partner_people["partner_lead"].language = "de"
    partner_people["partner_lead"].save()
    languages: list[str] = []
    from apps.core import emails

    render = emails.render_text

    def spy(template: str, context: dict) -> str:
        languages.append(translation.get_language())
        return render(template, context)

    monkeypatch.setattr(emails, "render_text", spy)
    with django_capture_on_commit_callbacks(execute=True):
        joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)

    assert sorted(set(languages)) == ["de", "fr"]
    assert _recipients() == {"partner-admin@example.org", "partner-lead@example.org"}


@pytest.mark.parametrize("state", ["pending", "accepted", "declined", "withdrawn"])
def test_one_adoption_is_visible_exactly_as_the_list_says(
    org, adoption, partner_org, state
) -> None:
    """``visible_one`` (the API's cheap lookup of one adoption) agrees with ``visible_to``
    for the owner, a partner in every state, an outsider, and a key that is not there."""
    Partnership.objects.create(adoption=adoption, partner=partner_org, state=state)
    for organisation in (org, partner_org, OrganisationFactory()):
        for pk in (adoption.pk, adoption.pk + 1000):
            expected = Adoption.objects.visible_to(organisation).filter(pk=pk).first()
            assert Adoption.objects.visible_one(organisation, pk) == expected
    assert Adoption.objects.visible_one(partner_org, adoption.pk) == (
        adoption if state == "accepted" else None
    )
