"""Resetting a forgotten password by email, and changing it when signed in."""

import re

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
CHANGE = reverse("account_change_password")
NEW_PASSWORD = "a brand new long passphrase"


def _reset_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/account/password/reset/key/\S+/)", body)
    assert match, body
    return match.group(1)


def test_the_reset_form_renders(client) -> None:
    response = client.get(RESET)

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_reset_sends_an_email_and_its_link_sets_a_new_password(client, person, mailoutbox) -> None:
    response = client.post(RESET, {"email": person.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert client.get(response["Location"]).status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [person.email]

    # allauth moves the key from the address into the session, then shows the form.
    response = client.get(_reset_path(mailoutbox[0].body))
    assert response.status_code == 302
    form_path = response["Location"]
    assert client.get(form_path).status_code == 200

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert client.get(response["Location"]).status_code == 200
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not person.check_password(PASSWORD)


def test_reset_for_an_unknown_address_sends_no_reset_link(client, mailoutbox) -> None:
    response = client.post(RESET, {"email": "nobody@example.org"})

    # Same answer as for a known address, so that nobody can probe who has an account.
    assert response.status_code == 302
    assert "/account/password/reset/key/" not in "".join(m.body for m in mailoutbox)


def test_reset_with_a_bad_key_shows_an_error(client, person) -> None:
    response = client.get("/account/password/reset/key/1-bad-key/", follow=True)

    assert response.status_code == 200
    assert response.context["token_fail"]


def test_change_needs_sign_in(client) -> None:
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_change_sets_a_new_password(client, person) -> None:
    client.force_login(person)
    assert client.get(CHANGE).status_code == 200

    response = client.post(
        CHANGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off: the person stays signed in.
    assert get_user(client).pk == person.pk


def test_change_refuses_a_wrong_current_password(client, person) -> None:
    client.force_login(person)

    response = client.post(
        CHANGE, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
