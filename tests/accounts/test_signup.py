"""Signing up: a verification email, confirming the address, weak passwords, duplicates."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def _sign_up(
    client: Client, email: str = "new@example.org", password: str = PASSWORD
) -> HttpResponse:
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password})


def _confirmation_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/account/confirm-email/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_it_shows_the_form(client) -> None:
    response = client.get(SIGNUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'for="id_email"' in html
    assert 'for="id_password1"' in html


def test_it_sends_a_verification_email_and_the_link_verifies_and_signs_in(
    client, mailoutbox
) -> None:
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]
    assert settings.SITE_NAME in mailoutbox[0].body

    path = _confirmation_path(mailoutbox[0].body)
    # Opening the link only shows a button: mail scanners that follow links confirm nothing.
    assert client.get(path).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert get_user(client).pk == user.pk


@pytest.mark.parametrize(
    ("site_url", "link"),
    [("", "http://localhost:8123/"), ("https://portal.example.org", "https://portal.example.org/")],
    ids=["unset: where the page was asked", "set"],
)
def test_the_verification_link_goes_where_every_email_links(
    client, mailoutbox, settings, site_url, link
) -> None:
    settings.SITE_URL = site_url
    client.post(
        SIGNUP,
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="localhost:8123",
    )

    (url,) = re.findall(r"https?://\S+/account/confirm-email/\S+", mailoutbox[0].body)
    assert url.startswith(link + "account/confirm-email/")


def test_it_shows_the_verification_sent_page(client) -> None:
    response = _sign_up(client, email="new@example.org")

    page = client.get(response["Location"])

    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1


@pytest.mark.parametrize("password", ["password", "83749283749"])
def test_it_rejects_weak_passwords(client, mailoutbox, password) -> None:
    response = _sign_up(client, password=password)

    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert errors
    assert not User.objects.filter(email="new@example.org").exists()
    assert mailoutbox == []
    # The error is tied to its field for assistive technology.
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*\bid_password1_error\b', html)
    assert 'id="id_password1_error"' in html


def test_it_does_not_create_a_second_user_for_a_taken_email(client, person) -> None:
    response = _sign_up(client, email=person.email.upper())

    # With enumeration prevention on, the page looks like a normal sign-up...
    assert response.status_code == 302
    # ...but no second account exists.
    assert User.objects.filter(email__iexact=person.email).count() == 1


def test_a_new_account_writes_to_its_person_in_the_language_they_signed_up_in(
    client, mailoutbox
) -> None:
    client.post(
        SIGNUP,
        {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="pl",
    )

    assert User.objects.get(email="nowa@example.org").language == "pl"
