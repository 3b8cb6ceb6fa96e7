"""/api/v1/organisations/<slug>/members/ and /members/<id>/."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Invitation, Membership, Organisation
from apps.organisations.permissions import Role
from tests.organisations.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MEMBERS_URL = "/api/v1/organisations/patients-united/members/"


def _member_url(membership: Membership) -> str:
    return f"{MEMBERS_URL}{membership.pk}/"


def _membership(user: User, org: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


def test_it_names_the_urls() -> None:
    assert reverse("api-organisations:member-list", kwargs={"slug": "patients-united"}) == (
        MEMBERS_URL
    )
    assert reverse(
        "api-organisations:member-detail", kwargs={"slug": "patients-united", "id": 7}
    ) == (f"{MEMBERS_URL}7/")


# --- List -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_members_list_the_members(api_as: object, personas: dict, persona: str) -> None:
    response = api_as(personas[persona]).get(MEMBERS_URL)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["email"], r["role"]) for r in rows] == [
        ("contributor@example.org", "contributor"),
        ("lead@example.org", "pe_lead"),
        ("owner@example.org", "admin"),
        ("viewer@example.org", "viewer"),
    ]
    assert set(rows[0]) == {"id", "email", "full_name", "role", "joined_at"}


def test_an_unknown_organisation_answers_json_404(api_as: object, owner: User) -> None:
    response = api_as(owner).get("/api/v1/organisations/nope/members/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_lists_in_a_fixed_number_of_queries(
    api_as: object, owner: User, org: Organisation, django_assert_max_num_queries: object
) -> None:
    MembershipFactory.create_batch(10, organisation=org)
    client = api_as(owner)

    with django_assert_max_num_queries(4):
        response = client.get(MEMBERS_URL)

    assert response.json()["count"] == 11


# --- Invite (POST creates an invitation) ------------------------------------------------------


def test_the_admin_invites_someone(
    api_as: object, owner: User, org: Organisation, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(owner).post(
            MEMBERS_URL, {"email": "New.Person@Example.org", "role": "contributor"}
        )

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "email": "new.person@example.org",
        "role": "contributor",
        "state": "pending",
        "invited_by": "owner@example.org",
        "sent_at": response.json()["sent_at"],
        "expires_at": response.json()["expires_at"],
    }
    assert invitation.token not in response.content.decode()
    assert len(callbacks) == 1  # the email, sent after commit
    assert not Membership.objects.filter(user__email="new.person@example.org").exists()
    assert AuditEvent.objects.filter(verb="invitation.created", organisation=org).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-address", "role": "viewer"}, "email"),
        ({"email": "a@example.org", "role": "overlord"}, "role"),
        ({"role": "viewer"}, "email"),
        ({"email": "a@example.org"}, "role"),
        ({"email": "viewer@example.org", "role": "viewer"}, "email"),
    ],
)
def test_it_rejects_bad_invitations_with_400(
    api_as: object, owner: User, viewer: User, payload: dict, field: str
) -> None:
    response = api_as(owner).post(MEMBERS_URL, payload)

    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_it_refuses_a_second_pending_invitation(
    api_as: object, owner: User, org: Organisation
) -> None:
    InvitationFactory(organisation=org, email="twice@example.org")

    response = api_as(owner).post(MEMBERS_URL, {"email": "twice@example.org", "role": "viewer"})

    assert response.status_code == 400
    assert "already has a pending invitation" in response.json()["email"][0]


# --- Retrieve, change role, remove --------------------------------------------------------------


def test_members_retrieve_a_member(
    api_as: object, viewer: User, owner: User, org: Organisation
) -> None:
    response = api_as(viewer).get(_member_url(_membership(owner, org)))

    assert response.status_code == 200
    assert response.json()["email"] == "owner@example.org"


def test_the_admin_changes_a_role(
    api_as: object, owner: User, viewer: User, org: Organisation
) -> None:
    membership = _membership(viewer, org)

    response = api_as(owner).patch(_member_url(membership), {"role": "pe_lead"})

    assert response.status_code == 200
    assert response.json()["role"] == "pe_lead"
    membership.refresh_from_db()
    assert membership.role == Role.PE_LEAD
    assert AuditEvent.objects.filter(verb="membership.role_changed", actor=owner).exists()


def test_it_rejects_an_unknown_role(
    api_as: object, owner: User, viewer: User, org: Organisation
) -> None:
    response = api_as(owner).patch(_member_url(_membership(viewer, org)), {"role": "overlord"})

    assert response.status_code == 400
    assert "role" in response.json()


def test_the_last_admin_cannot_be_demoted(api_as: object, owner: User, org: Organisation) -> None:
    response = api_as(owner).patch(_member_url(_membership(owner, org)), {"role": "viewer"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Patients United needs at least one admin: make someone else an admin first."]
    }
    assert _membership(owner, org).role == Role.ADMIN


def test_the_last_admin_cannot_be_removed(api_as: object, owner: User, org: Organisation) -> None:
    response = api_as(owner).delete(_member_url(_membership(owner, org)))

    assert response.status_code == 400
    assert "needs at least one admin" in response.json()["detail"][0]
    assert Membership.objects.filter(user=owner, organisation=org).exists()


def test_an_admin_may_step_down_when_another_admin_remains(
    api_as: object, owner: User, pe_lead: User, org: Organisation
) -> None:
    client = api_as(owner)
    client.patch(_member_url(_membership(pe_lead, org)), {"role": "admin"})

    response = client.patch(_member_url(_membership(owner, org)), {"role": "viewer"})

    assert response.status_code == 200


def test_the_admin_removes_a_member(
    api_as: object, owner: User, viewer: User, org: Organisation
) -> None:
    response = api_as(owner).delete(_member_url(_membership(viewer, org)))

    assert response.status_code == 204
    assert not Membership.objects.filter(user=viewer, organisation=org).exists()
    assert AuditEvent.objects.filter(verb="membership.removed", actor=owner).exists()


def test_a_member_of_another_organisation_is_404(
    api_as: object, owner: User, outsider: User, org: Organisation
) -> None:
    elsewhere = Membership.objects.get(user=outsider)
    client = api_as(owner)

    assert client.get(_member_url(elsewhere)).status_code == 404
    assert client.patch(_member_url(elsewhere), {"role": "viewer"}).status_code == 404
    assert client.delete(_member_url(elsewhere)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.ADMIN


def test_an_unknown_member_id_is_404(api_as: object, owner: User) -> None:
    response = api_as(owner).delete(f"{MEMBERS_URL}999999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
