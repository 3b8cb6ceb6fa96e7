"""Deleting one's account: password confirmation, last-admin refusal, what stays behind."""

import pytest
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.services import user_blocking_organisations, user_delete
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.organisations.models import Membership
from apps.organisations.permissions import Role
from tests.accounts.factories import PASSWORD, membership_for

pytestmark = pytest.mark.django_db

URL = reverse("accounts:delete")


def test_it_redirects_visitors_to_sign_in(client) -> None:
    for response in (client.get(URL), client.post(URL, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={URL}"


def test_it_asks_for_the_password(client, person) -> None:
    client.force_login(person)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'name="password"' in html
    assert 'autocomplete="current-password"' in html


def test_a_wrong_password_keeps_the_account(client, person) -> None:
    client.force_login(person)

    response = client.post(URL, {"password": "not my password"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=person.pk).exists()
    assert get_user(client).pk == person.pk


def test_the_last_admin_of_an_organisation_is_refused(client, person) -> None:
    membership_for(person, organisation="Patients Together", role=Role.ADMIN)
    client.force_login(person)

    get_page = client.get(URL).content.decode()
    response = client.post(URL, {"password": PASSWORD})

    # The page warns before anyone types a password...
    assert "Patients Together" in get_page
    # ...and a POST is refused with the service's message.
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "You are the only admin of Patients Together" in message
    assert "You are the only admin of Patients Together" in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()
    assert Membership.objects.filter(user=person).count() == 1
    assert get_user(client).pk == person.pk


def test_it_deletes_the_account_and_memberships_but_keeps_audit_events(
    client, person, other_admin
) -> None:
    membership_for(other_admin, organisation="Patients Together", role=Role.ADMIN)
    membership = membership_for(person, organisation="Patients Together", role=Role.ADMIN)
    event = audit_record(
        actor=person,
        verb="membership.role_changed",
        obj=membership,
        organisation=membership.organisation,
    )
    client.force_login(person)

    response = client.post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("roadmap:home")
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Membership.objects.filter(user_id=person.pk).exists()
    assert Membership.objects.filter(user=other_admin).exists()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == ""
    assert AuditEvent.objects.filter(verb="membership.left", actor=None).count() == 1
    assert not get_user(client).is_authenticated

    home = client.get(response["Location"])

    assert "Your account has been deleted." in home.content.decode()


def test_the_only_admin_of_several_organisations_is_told_which(person, other_admin) -> None:
    membership_for(person, organisation="Rare Diseases Network", role=Role.ADMIN)
    membership_for(person, organisation="Patients Together", role=Role.ADMIN)
    membership_for(person, organisation="Shared Care", role=Role.ADMIN)
    membership_for(other_admin, organisation="Shared Care", role=Role.ADMIN)
    membership_for(person, organisation="Viewers Club", role=Role.VIEWER)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refusal:
        user_delete(user=person)

    assert refusal.value.messages == [
        "You are the only admin of Patients Together, Rare Diseases Network. "
        "Make someone else an admin first."
    ]
    assert User.objects.filter(pk=person.pk).exists()
    assert Membership.objects.filter(user=person).count() == 4
    assert AuditEvent.objects.count() == events


def test_the_warning_costs_the_same_queries_for_one_organisation_or_many(person) -> None:
    membership_for(person, organisation="First", role=Role.ADMIN)
    with CaptureQueriesContext(connection) as one:
        assert user_blocking_organisations(user=person) == ["First"]
    for name in ("Second", "Third", "Fourth"):
        membership_for(person, organisation=name, role=Role.ADMIN)

    with CaptureQueriesContext(connection) as many:
        names = user_blocking_organisations(user=person)

    assert names == ["First", "Fourth", "Second", "Third"]
    assert len(many) == len(one), [q["sql"] for q in many]


def test_deleting_an_account_is_recorded_without_naming_the_person(person, other_admin) -> None:
    membership_for(other_admin, organisation="Patients Together", role=Role.ADMIN)
    membership = membership_for(person, organisation="Patients Together", role=Role.ADMIN)
    membership_for(person, organisation="Viewers Club", role=Role.VIEWER)
    user_id = person.pk

    user_delete(user=person)

    deleted = AuditEvent.objects.get(verb="user.deleted")
    assert deleted.object_type == "accounts.User"
    assert deleted.object_id == str(user_id)
    assert deleted.organisation is None
    assert deleted.actor is None
    left = AuditEvent.objects.filter(verb="membership.left").order_by("organisation__name")
    assert [(e.organisation.name, e.before) for e in left] == [
        ("Patients Together", {"user": "a former member", "role": Role.ADMIN}),
        ("Viewers Club", {"user": "a former member", "role": Role.VIEWER}),
    ]
    assert left[0].object_id == str(membership.pk)
    assert deleted.object_label == "a former member"
    assert left[0].object_label == "a former member · Patients Together · Admin"
    for event in [deleted, *left]:
        written = f"{event.actor_label} {event.object_label} {event.before} {event.after}"
        assert "ada@example.org" not in written
        assert "Ada Lovelace" not in written
    assert list(Membership.objects.values_list("user__email", flat=True)) == ["grace@example.org"]


def test_deleting_an_account_forgets_the_addresses_its_changes_came_from(person) -> None:
    membership = membership_for(person, organisation="Viewers Club", role=Role.VIEWER)
    AuditEvent.objects.create(
        actor=person,
        actor_label=person.email,
        verb="membership.created",
        organisation=membership.organisation,
        object_type="organisations.Membership",
        object_id=str(membership.pk),
        object_label="Viewers Club",
        ip_address="203.0.113.7",
    )

    user_delete(user=person)

    assert not AuditEvent.objects.filter(ip_address="203.0.113.7").exists()


def test_it_refuses_put(client, person) -> None:
    client.force_login(person)

    assert client.put(URL, {"password": PASSWORD}).status_code == 405
    assert User.objects.filter(pk=person.pk).exists()


def test_deleting_an_account_forgets_it_in_what_events_recorded(person, other_admin) -> None:
    organisation = membership_for(other_admin, organisation="Shared Care", role=Role.ADMIN)
    kept = {"note": "Alan and Adam were invited", "owner": "grace@example.org"}
    about = AuditEvent.objects.create(
        verb="invitation.created",
        organisation=organisation.organisation,
        object_type="organisations.Invitation",
        before={"owners": ["ADA@example.org", "grace@example.org"]},
        after={"email": "ada@example.org", "by": {"name": "Ada Lovelace"}, "count": 2},
    )
    other = AuditEvent.objects.create(verb="note", object_type="x", after=kept)

    user_delete(user=person)

    about.refresh_from_db()
    other.refresh_from_db()
    assert about.before == {"owners": ["a former member", "grace@example.org"]}
    assert about.after == {
        "email": "a former member",
        "by": {"name": "a former member"},
        "count": 2,
    }
    assert other.after == kept  # nobody else, and no word merely containing the name
