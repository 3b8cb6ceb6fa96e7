"""Members: the list, changing roles, removing, leaving, inviting and revoking."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.organisations.models import Invitation, Membership, Organisation
from apps.organisations.permissions import Role
from tests.organisations.factories import InvitationFactory, MembershipFactory
from tests.organisations.helpers import messages_of


def _url(name: str, org: Organisation, *args: object) -> str:
    return reverse(f"organisations:{name}", args=[org.slug, *args])


def _membership(org: Organisation, user) -> Membership:
    return Membership.objects.get(organisation=org, user=user)


# --- The list --------------------------------------------------------------------------


def test_admins_see_members_with_forms_to_change_them(
    client_as, org, owner, viewer, contributor
) -> None:
    invitation = InvitationFactory(organisation=org, email="new@example.org")
    response = client_as(owner).get(_url("members", org))

    assert response.status_code == 200
    html = response.content.decode()
    for email in ("owner@example.org", "viewer@example.org", "contributor@example.org"):
        assert email in html
    viewer_membership = _membership(org, viewer)
    assert _url("member-role", org, viewer_membership.pk) in html
    assert _url("member-remove", org, viewer_membership.pk) in html
    assert _url("invite", org) in html
    assert "new@example.org" in html
    assert _url("invitation-revoke", org, invitation.pk) in html


def test_other_members_see_the_list_read_only(client_as, org, owner, viewer) -> None:
    InvitationFactory(organisation=org, email="new@example.org")
    response = client_as(viewer).get(_url("members", org))

    assert response.status_code == 200
    html = response.content.decode()
    assert "owner@example.org" in html
    assert "Admin" in html
    assert "/role/" not in html
    assert "/remove/" not in html
    assert _url("invite", org) not in html
    assert "new@example.org" not in html  # invitations are for admins
    assert _url("leave", org) in html


def test_the_list_shows_each_invitation_state(client_as, org, owner) -> None:
    InvitationFactory(organisation=org, email="pending@example.org")
    InvitationFactory(organisation=org, email="accepted@example.org", accepted=True)
    InvitationFactory(organisation=org, email="revoked@example.org", revoked=True)
    InvitationFactory(organisation=org, email="expired@example.org", expired=True)

    html = client_as(owner).get(_url("members", org)).content.decode()

    for state in ("Pending", "Accepted", "Revoked", "Expired"):
        assert f"<td>{state}" in html
    assert html.count("/revoke/") == 1


# --- Roles -----------------------------------------------------------------------------


def test_an_admin_changes_a_role(client_as, org, owner, viewer) -> None:
    membership = _membership(org, viewer)
    response = client_as(owner).post(_url("member-role", org, membership.pk), {"role": "pe_lead"})

    assert response.status_code == 302
    assert response["Location"] == _url("members", org)
    membership.refresh_from_db()
    assert membership.role == Role.PE_LEAD
    assert messages_of(response) == [f"{viewer} is now PE lead."]


def test_an_unknown_role_changes_nothing(client_as, org, owner, viewer) -> None:
    membership = _membership(org, viewer)
    response = client_as(owner).post(_url("member-role", org, membership.pk), {"role": "king"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    assert messages_of(response) == ["Choose one of the roles."]


def test_the_last_admin_cannot_be_demoted(client_as, org, owner, viewer) -> None:
    membership = _membership(org, owner)
    response = client_as(owner).post(_url("member-role", org, membership.pk), {"role": "viewer"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    (message,) = messages_of(response)
    assert "needs at least one admin" in message
    assert not AuditEvent.objects.filter(verb="membership.role_changed").exists()


def test_an_admin_can_step_down_when_another_admin_remains(client_as, org, owner, pe_lead) -> None:
    Membership.objects.filter(organisation=org, user=pe_lead).update(role=Role.ADMIN)
    membership = _membership(org, owner)
    client_as(owner).post(_url("member-role", org, membership.pk), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_a_member_of_another_organisation_is_404(client_as, org, owner) -> None:
    stranger = MembershipFactory()
    response = client_as(owner).post(_url("member-role", org, stranger.pk), {"role": "admin"})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.VIEWER


# --- Removing and leaving --------------------------------------------------------------


def test_removing_asks_for_confirmation_first(client_as, org, owner, viewer) -> None:
    membership = _membership(org, viewer)
    response = client_as(owner).get(_url("member-remove", org, membership.pk))

    assert response.status_code == 200
    assert "viewer@example.org" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_removes_a_member(client_as, org, owner, viewer) -> None:
    membership = _membership(org, viewer)
    response = client_as(owner).post(_url("member-remove", org, membership.pk))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(verb="membership.removed").exists()
    assert messages_of(response) == [f"{viewer} is no longer a member."]


def test_the_last_admin_cannot_be_removed(client_as, org, owner, viewer) -> None:
    membership = _membership(org, owner)
    response = client_as(owner).post(_url("member-remove", org, membership.pk))

    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "needs at least one admin" in messages_of(response)[0]


def test_a_member_leaves(client_as, org, owner, viewer) -> None:
    response = client_as(viewer).post(_url("leave", org))

    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:mine")
    assert not Membership.objects.filter(organisation=org, user=viewer).exists()
    assert AuditEvent.objects.filter(verb="membership.left", actor=viewer).exists()


def test_the_last_admin_cannot_leave(client_as, org, owner, viewer) -> None:
    response = client_as(owner).post(_url("leave", org))

    assert response.status_code == 302
    assert response["Location"] == _url("members", org)
    assert Membership.objects.filter(organisation=org, user=owner).exists()
    assert "needs at least one admin" in messages_of(response)[0]


# --- Inviting and revoking -------------------------------------------------------------


def test_an_admin_invites_by_email(
    client_as, org, owner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(owner).post(
            _url("invite", org), {"email": "New.Person@Example.org", "role": "contributor"}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.CONTRIBUTOR
    assert invitation.invited_by == owner
    (email,) = mailoutbox
    assert email.to == ["new.person@example.org"]
    assert invitation.get_absolute_url() in email.body
    assert "Patients Together" in email.subject


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-address", "role": "viewer"}, "Enter a valid email address."),
        ({"email": "x@example.org", "role": "king"}, "Select a valid choice."),
        (
            {"email": "VIEWER@example.org", "role": "viewer"},
            "viewer@example.org is already a member.",
        ),
        ({"email": "pending@example.org", "role": "viewer"}, "already has a pending invitation"),
    ],
)
def test_inviting_with_a_problem_shows_the_error(
    client_as, org, owner, viewer, mailoutbox, data, error
) -> None:
    InvitationFactory(organisation=org, email="pending@example.org")

    response = client_as(owner).post(_url("invite", org), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert Invitation.objects.filter(organisation=org).count() == 1
    assert not mailoutbox


def test_an_admin_revokes_a_pending_invitation(client_as, org, owner) -> None:
    invitation = InvitationFactory(organisation=org)
    response = client_as(owner).post(_url("invitation-revoke", org, invitation.pk))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED


def test_revoking_an_accepted_invitation_is_refused(client_as, org, owner) -> None:
    invitation = InvitationFactory(organisation=org, accepted=True)
    response = client_as(owner).post(_url("invitation-revoke", org, invitation.pk))

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert messages_of(response) == ["Only a pending invitation can be revoked."]


def test_an_invitation_of_another_organisation_is_404(client_as, org, owner) -> None:
    invitation = InvitationFactory()
    response = client_as(owner).post(_url("invitation-revoke", org, invitation.pk))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING
