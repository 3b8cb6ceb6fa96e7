"""Deleting one's account: password confirmation, last-admin refusal, what stays behind."""

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from apps.accounts.models import User
from apps.core.audit import audit_record
from apps.core.models import AuditEvent
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


def test_it_refuses_put(client, person) -> None:
    client.force_login(person)

    assert client.put(URL, {"password": PASSWORD}).status_code == 405
    assert User.objects.filter(pk=person.pk).exists()
