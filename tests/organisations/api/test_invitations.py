"""/api/v1/organisations/<slug>/invitations/ and /invitations/<id>/."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Invitation, Organisation
from tests.organisations.factories import InvitationFactory

pytestmark = pytest.mark.django_db

INVITATIONS_URL = "/api/v1/organisations/patients-united/invitations/"


def _url(invitation: Invitation) -> str:
    return f"{INVITATIONS_URL}{invitation.pk}/"


def test_it_names_the_urls() -> None:
    assert reverse("api-organisations:invitation-list", kwargs={"slug": "patients-united"}) == (
        INVITATIONS_URL
    )
    assert reverse(
        "api-organisations:invitation-detail", kwargs={"slug": "patients-united", "id": 3}
    ) == (f"{INVITATIONS_URL}3/")


def test_the_admin_lists_invitations_with_their_state(
    api_as: object, owner: User, org: Organisation, outsider: User
) -> None:
    pending = InvitationFactory(organisation=org, email="p@example.org", invited_by=owner)
    InvitationFactory(organisation=org, email="r@example.org", revoked=True)
    InvitationFactory(organisation=org, email="e@example.org", expired=True)
    InvitationFactory(organisation=org, email="a@example.org", accepted=True)
    InvitationFactory(email="elsewhere@example.org")

    response = api_as(owner).get(INVITATIONS_URL)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert {(r["email"], r["state"]) for r in rows} == {
        ("p@example.org", "pending"),
        ("r@example.org", "revoked"),
        ("e@example.org", "expired"),
        ("a@example.org", "accepted"),
    }
    assert rows[0]["email"] == "a@example.org"  # newest first
    first = next(r for r in rows if r["email"] == "p@example.org")
    assert first == {
        "id": pending.pk,
        "email": "p@example.org",
        "role": "contributor",
        "state": "pending",
        "invited_by": "owner@example.org",
        "sent_at": first["sent_at"],
        "expires_at": first["expires_at"],
    }


def test_it_never_shows_invitation_tokens(api_as: object, owner: User, org: Organisation) -> None:
    invitation = InvitationFactory(organisation=org)
    client = api_as(owner)

    for url in (INVITATIONS_URL, _url(invitation)):
        body = client.get(url).content.decode()
        assert invitation.token not in body
        assert "token" not in body


def test_the_admin_creates_an_invitation(api_as: object, owner: User, org: Organisation) -> None:
    response = api_as(owner).post(INVITATIONS_URL, {"email": "x@example.org", "role": "pe_lead"})

    assert response.status_code == 201
    assert response.json()["state"] == "pending"
    assert response.json()["role"] == "pe_lead"
    assert Invitation.objects.get().organisation == org


def test_it_rejects_a_bad_invitation(api_as: object, owner: User) -> None:
    response = api_as(owner).post(INVITATIONS_URL, {"email": "x", "role": "viewer"})

    assert response.status_code == 400
    assert "email" in response.json()


def test_the_admin_revokes_a_pending_invitation(
    api_as: object, owner: User, org: Organisation
) -> None:
    invitation = InvitationFactory(organisation=org)

    response = api_as(owner).delete(_url(invitation))

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    assert AuditEvent.objects.filter(verb="invitation.revoked", actor=owner).exists()


@pytest.mark.parametrize("trait", ["revoked", "expired", "accepted"])
def test_only_a_pending_invitation_can_be_revoked(
    api_as: object, owner: User, org: Organisation, trait: str
) -> None:
    invitation = InvitationFactory(organisation=org, **{trait: True})

    response = api_as(owner).delete(_url(invitation))

    assert response.status_code == 400
    assert response.json() == {"detail": ["Only a pending invitation can be revoked."]}


def test_an_invitation_of_another_organisation_is_404(
    api_as: object, owner: User, org: Organisation
) -> None:
    other = InvitationFactory()

    assert api_as(owner).delete(_url(other)).status_code == 404
    other.refresh_from_db()
    assert other.state == Invitation.State.PENDING
