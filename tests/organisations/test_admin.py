"""Portal admins decide on registrations in the admin: verify, or reject with a reason that
is emailed to the organisation's admins and audited; the index says how many wait."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

QUEUE = reverse("admin:organisations_pendingorganisation_changelist")


@pytest.fixture
def portal_admin(client, db):
    """A superuser, signed in."""
    user = UserFactory(staff=True, email="portal-admin@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def pending(db) -> Organisation:
    """A pending organisation with one admin (who hears of decisions) and one viewer."""
    admin = MembershipFactory(
        role=Role.ADMIN,
        organisation=OrganisationFactory(name="Patients Together"),
        user=UserFactory(email="chair@patients.example"),
    )
    MembershipFactory(organisation=admin.organisation, role=Role.VIEWER)
    return admin.organisation


def _reject_url(organisation: Organisation) -> str:
    return reverse("admin:organisations_organisation_reject", args=[organisation.pk])


def test_the_index_counts_the_organisations_waiting(client, portal_admin, pending) -> None:
    OrganisationFactory()
    OrganisationFactory(verified=True)
    OrganisationFactory(rejected=True)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{QUEUE}">2 organisations are waiting for verification.</a>' in html


def test_the_count_is_for_those_who_may_see_the_queue(client, pending) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert "waiting for verification" not in client.get(reverse("admin:index")).content.decode()
    staff.user_permissions.add(Permission.objects.get(codename="view_pendingorganisation"))
    html = client.get(reverse("admin:index")).content.decode()
    assert "1 organisation is waiting for verification." in html


def test_the_queue_offers_reject_on_every_row(client, portal_admin, pending) -> None:
    html = client.get(QUEUE).content.decode()
    assert f'href="{_reject_url(pending)}?return_to=queue"' in html
    assert 'value="reject_selected"' in html
    assert 'value="verify_selected"' in html
    # Organisations register on the portal, not in the admin.
    assert reverse("admin:organisations_pendingorganisation_add") not in html
    assert reverse("admin:organisations_organisation_add") not in html


def test_rejecting_from_the_queue_emails_the_reason_and_audits_it(
    client, portal_admin, pending, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    assert client.get(f"{_reject_url(pending)}?return_to=queue").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _reject_url(pending), {"reason": "We found no trace of you.", "return_to": "queue"}
        )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.REJECTED
    assert pending.rejection_reason == "We found no trace of you."
    assert pending.decided_by == portal_admin
    [email] = mailoutbox
    assert email.to == ["chair@patients.example"]
    assert "We found no trace of you." in email.body
    event = AuditEvent.objects.get(verb="organisation.rejected", organisation=pending)
    assert event.actor == portal_admin
    assert event.after["rejection_reason"] == "We found no trace of you."


def test_a_rejection_needs_a_reason(client, portal_admin, pending, mailoutbox) -> None:
    response = client.post(_reject_url(pending), {"reason": "   "})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING
    assert mailoutbox == []


def test_rejecting_several_at_once_asks_for_one_reason(
    client, portal_admin, pending, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    other = OrganisationFactory(name="Carers United")
    MembershipFactory(organisation=other, role=Role.ADMIN, user=UserFactory(email="a@carers.eu"))
    selection = {"action": "reject_selected", "_selected_action": [pending.pk, other.pk]}

    page = client.post(QUEUE, selection)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Reject 2 organisations" in html
    assert "<li>Carers United</li>" in html
    assert Organisation.objects.filter(status=Organisation.Status.PENDING).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {**selection, "reason": "Duplicates of members."})

    assert response.status_code == 302
    statuses = set(Organisation.objects.values_list("status", flat=True))
    assert statuses == {Organisation.Status.REJECTED}
    assert sorted(m.to[0] for m in mailoutbox) == ["a@carers.eu", "chair@patients.example"]
    assert AuditEvent.objects.filter(verb="organisation.rejected").count() == 2


def test_verifying_from_the_queue_returns_to_it(client, portal_admin, pending) -> None:
    page = client.get(reverse("admin:organisations_pendingorganisation_change", args=[pending.pk]))
    assert 'name="return_to" value="queue"' in page.content.decode()
    verify = reverse("admin:organisations_organisation_verify", args=[pending.pk])

    response = client.post(verify, {"return_to": "queue"})

    assert response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.VERIFIED


def test_an_unknown_organisation_is_404(client, portal_admin) -> None:
    assert (
        client.get(reverse("admin:organisations_organisation_reject", args=[999999])).status_code
        == 404
    )
    verify = reverse("admin:organisations_organisation_verify", args=[999999])
    assert client.post(verify).status_code == 404


def test_staff_who_may_not_change_organisations_are_refused(client, pending) -> None:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(staff)

    assert client.get(_reject_url(pending)).status_code == 403
    assert client.post(_reject_url(pending), {"reason": "No."}).status_code == 403
    verify = reverse("admin:organisations_organisation_verify", args=[pending.pk])
    assert client.post(verify).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING


def test_members_who_are_not_staff_are_sent_to_the_admin_sign_in(client, pending) -> None:
    client.force_login(pending.memberships.first().user)
    response = client.post(_reject_url(pending), {"reason": "No."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING
