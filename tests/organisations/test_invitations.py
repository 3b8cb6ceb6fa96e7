"""Accepting an invitation: /invitations/<token>/."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY

from apps.accounts.models import User
from apps.organisations.models import Invitation, Membership
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import InvitationFactory, MembershipFactory
from tests.organisations.helpers import LOGIN_PATH

NEW_ACCOUNT = {
    "full_name": "Nadia Novak",
    "password": "a long and unusual passphrase",
    "password_confirmation": "a long and unusual passphrase",
}


@pytest.fixture
def invitation(org, owner) -> Invitation:
    return InvitationFactory(
        organisation=org, email="invitee@example.org", role=Role.PE_LEAD, invited_by=owner
    )


def test_an_unknown_token_is_404(client, db) -> None:
    assert client.get("/invitations/no-such-token/").status_code == 404


def test_it_shows_the_organisation_and_the_role(client, invitation) -> None:
    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Patients Together" in html
    assert "PE lead" in html
    assert "invitee@example.org" in html


# --- Signed in -------------------------------------------------------------------------


def test_the_invited_user_accepts(client_as, invitation) -> None:
    invitee = UserFactory(email="invitee@example.org")
    client = client_as(invitee)
    assert "Accept the invitation" in client.get(invitation.get_absolute_url()).content.decode()

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == invitation.organisation.get_absolute_url()
    membership = Membership.objects.get(organisation=invitation.organisation, user=invitee)
    assert membership.role == Role.PE_LEAD
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert invitation.accepted_by == invitee


def test_someone_signed_in_with_another_address_is_told_so(client_as, invitation, outsider) -> None:
    client = client_as(outsider)
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert "This invitation was sent to invitee@example.org" in page
    assert "Accept the invitation" not in page

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 400
    assert "Sign in with that address to accept it." in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_an_existing_member_is_told_so(client_as, invitation) -> None:
    invitee = MembershipFactory(
        organisation=invitation.organisation, user__email="invitee@example.org"
    ).user
    response = client_as(invitee).post(invitation.get_absolute_url())

    assert response.status_code == 400
    assert "You are already a member of this organisation." in response.content.decode()
    assert Membership.objects.get(user=invitee).role == Role.VIEWER


# --- Not signed in ---------------------------------------------------------------------


def test_a_visitor_with_an_account_is_sent_to_sign_in(client, invitation) -> None:
    UserFactory(email="invitee@example.org")

    html = client.get(invitation.get_absolute_url()).content.decode()

    assert f'href="{LOGIN_PATH}?next=/invitations/{invitation.token}/"' in html
    assert 'name="password"' not in html


def test_a_visitor_without_an_account_creates_one_and_joins(client, invitation) -> None:
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert 'name="full_name"' in page

    response = client.post(invitation.get_absolute_url(), NEW_ACCOUNT)

    assert response.status_code == 302
    assert response["Location"] == invitation.organisation.get_absolute_url()
    user = User.objects.get(email="invitee@example.org")
    assert user.full_name == "Nadia Novak"
    assert user.check_password(NEW_ACCOUNT["password"])
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("invitee@example.org", True, True)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert Membership.objects.get(user=user).role == Role.PE_LEAD
    # Signed in: the organisation's home opens.
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"password": "password", "password_confirmation": "password"}, "too common"),
        ({"password": "short1", "password_confirmation": "short1"}, "too short"),
        ({"password": "98127364510293", "password_confirmation": "98127364510293"}, "numeric"),
        ({"password_confirmation": "something else entirely"}, "do not match"),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_a_bad_new_account_creates_nothing(client, invitation, changes, error) -> None:
    response = client.post(invitation.get_absolute_url(), {**NEW_ACCOUNT, **changes})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not User.objects.filter(email="invitee@example.org").exists()
    assert SESSION_KEY not in client.session
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_a_visitor_cannot_create_a_second_account_for_an_address(client, invitation) -> None:
    existing = UserFactory(email="invitee@example.org")

    response = client.post(invitation.get_absolute_url(), NEW_ACCOUNT)

    assert response.status_code == 400
    assert "sign in to accept the invitation" in response.content.decode()
    assert User.objects.filter(email__iexact="invitee@example.org").count() == 1
    assert not existing.check_password(NEW_ACCOUNT["password"])
    assert not Membership.objects.filter(user=existing).exists()


# --- Invitations that can no longer be used ---------------------------------------------


@pytest.mark.parametrize(
    ("trait", "message"),
    [
        ("accepted", "This invitation has already been used."),
        ("revoked", "This invitation was revoked by the organisation."),
        ("expired", "This invitation has expired."),
    ],
)
def test_a_used_revoked_or_expired_invitation_says_why(
    client, client_as, org, owner, trait, message
) -> None:
    invitation = InvitationFactory(organisation=org, email="invitee@example.org", **{trait: True})

    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert message in response.content.decode()
    assert 'name="password"' not in response.content.decode()

    # Neither a new account nor a signed-in user can use it.
    assert client.post(invitation.get_absolute_url(), NEW_ACCOUNT).status_code == 410
    assert not User.objects.filter(email="invitee@example.org").exists()
    invitee = UserFactory(email="invitee@example.org")
    response = client_as(invitee).post(invitation.get_absolute_url())
    assert response.status_code == 410
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_cannot_be_used_twice(client_as, invitation) -> None:
    invitee = UserFactory(email="invitee@example.org")
    client = client_as(invitee)
    client.post(invitation.get_absolute_url())

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 410
    assert "This invitation has already been used." in response.content.decode()
    assert Membership.objects.filter(user=invitee).count() == 1
