"""Organisation services: registration, verification, members and invitations."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.organisations import services
from apps.organisations.models import Invitation, Membership, Organisation
from apps.organisations.permissions import Role
from apps.organisations.regions import Region
from tests.accounts.factories import UserFactory
from tests.organisations.factories import (
    InvitationFactory,
    MembershipFactory,
)
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db


def _register(user, **overrides):
    fields = {
        "name": "European Patients' Forum",
        "stakeholder_group": StakeholderGroupFactory(slug="patient-organisations"),
        "country": "PL",
        "level": "european",
        "website": "https://example.org/",
        "description": "",
        "in_directory": True,
    }
    fields.update(overrides)
    return services.organisation_register(user=user, **fields)


def test_register_makes_a_pending_organisation_with_its_registrant_as_admin() -> None:
    user = UserFactory()
    organisation = _register(user)
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.slug == "european-patients-forum"
    assert organisation.region == Region.CEE
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    verbs = list(
        AuditEvent.objects.filter(organisation=organisation).values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["membership.created", "organisation.registered"]


def test_register_gives_each_organisation_its_own_slug() -> None:
    first = _register(UserFactory())
    second = _register(UserFactory(), country="FR")
    assert first.slug != second.slug


def test_register_never_takes_a_reserved_path_as_slug() -> None:
    assert _register(UserFactory(), name="New").slug == "new-2"


def test_register_flags_a_likely_duplicate() -> None:
    first = _register(UserFactory())
    again = _register(UserFactory(), name="EUROPEAN PATIENTS FORUM ")
    elsewhere = _register(UserFactory(), country="DE")
    assert again.possible_duplicate_of == first
    assert elsewhere.possible_duplicate_of is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "x" * 201), ("country", "XX"), ("website", "not a url")],
)
def test_register_refuses_bad_input_and_stores_nothing(field, value) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _register(UserFactory(), **{field: value})
    assert field in excinfo.value.message_dict
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_update_records_only_what_changed() -> None:
    owner = UserFactory()
    organisation = _register(owner)
    services.organisation_update(organisation=organisation, by=owner, name="EPF", country="BE")
    event = AuditEvent.objects.get(verb="organisation.updated")
    changed = {name for name, _old, _new in event.changes()}
    assert changed == {"name", "country"}
    organisation.refresh_from_db()
    assert organisation.region == Region.WESTERN
    services.organisation_update(organisation=organisation, by=owner, name="EPF")
    assert AuditEvent.objects.filter(verb="organisation.updated").count() == 1


def test_verify_and_reject_are_logged_and_emailed(mailoutbox, django_capture_on_commit_callbacks):
    owner, staff = UserFactory(), UserFactory(staff=True)
    organisation = _register(owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(organisation=organisation, by=staff, reason="Unknown body.")
    assert organisation.status == Organisation.Status.REJECTED
    assert mailoutbox[-1].to == [owner.email]
    assert "Unknown body." in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=staff)
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.decided_by == staff
    verbs = AuditEvent.objects.filter(actor=staff).values_list("verb", flat=True)
    assert set(verbs) == {"organisation.rejected", "organisation.verified"}


def test_reject_needs_a_reason() -> None:
    organisation = _register(UserFactory())
    with pytest.raises(ValidationError):
        services.organisation_reject(organisation=organisation, by=UserFactory(), reason="  ")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


@pytest.fixture
def organisation_with_admin():
    admin = MembershipFactory(role=Role.ADMIN)
    return admin.organisation, admin


def test_the_last_admin_can_be_neither_demoted_nor_removed(organisation_with_admin) -> None:
    _organisation, admin = organisation_with_admin
    with pytest.raises(ValidationError, match="at least one admin"):
        services.membership_change_role(membership=admin, by=admin.user, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="at least one admin"):
        services.membership_remove(membership=admin, by=admin.user)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_with_a_second_admin_the_first_can_step_down(organisation_with_admin) -> None:
    organisation, admin = organisation_with_admin
    MembershipFactory(organisation=organisation, role=Role.ADMIN)
    services.membership_change_role(membership=admin, by=admin.user, role=Role.PE_LEAD)
    event = AuditEvent.objects.get(verb="membership.role_changed")
    assert event.before["role"] == Role.ADMIN
    assert event.after["role"] == Role.PE_LEAD


def test_invite_accept_makes_a_membership(
    organisation_with_admin, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    organisation, admin = organisation_with_admin
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, by=admin.user, email="New@Example.org", role=Role.PE_LEAD
        )
    assert invitation.email == "new@example.org"
    assert invitation.get_absolute_url() in mailoutbox[-1].body
    newcomer = UserFactory(email="new@example.org")
    membership = services.invitation_accept(invitation=invitation, user=newcomer)
    assert membership.role == Role.PE_LEAD
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(invitation=invitation, user=newcomer)


def test_an_invitation_can_be_sent_once_while_pending(organisation_with_admin) -> None:
    organisation, admin = organisation_with_admin
    services.invitation_create(
        organisation=organisation, by=admin.user, email="a@b.org", role=Role.VIEWER
    )
    with pytest.raises(ValidationError, match="pending invitation"):
        services.invitation_create(
            organisation=organisation, by=admin.user, email="A@b.org", role=Role.VIEWER
        )
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(
            organisation=organisation, by=admin.user, email=admin.user.email, role=Role.VIEWER
        )


@pytest.mark.parametrize(
    ("trait", "message"),
    [("expired", "expired"), ("revoked", "revoked"), ("accepted", "already been used")],
)
def test_ended_invitations_cannot_be_accepted(trait, message) -> None:
    invitation = InvitationFactory(**{trait: True})
    user = UserFactory(email=invitation.email)
    with pytest.raises(ValidationError, match=message):
        services.invitation_accept(invitation=invitation, user=user)
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_is_for_the_address_it_was_sent_to() -> None:
    invitation = InvitationFactory()
    with pytest.raises(ValidationError, match="Sign in with that address"):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_invitations_expire_after_14_days() -> None:
    invitation = InvitationFactory()
    lifetime = invitation.expires_at - timezone.now()
    assert 13 < lifetime.total_seconds() / 86400 <= 14


def test_revoke_only_pending(organisation_with_admin) -> None:
    organisation, admin = organisation_with_admin
    invitation = InvitationFactory(organisation=organisation)
    services.invitation_revoke(invitation=invitation, by=admin.user)
    assert invitation.state == Invitation.State.REVOKED
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, by=admin.user)
