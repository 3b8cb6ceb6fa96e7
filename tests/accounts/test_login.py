"""Signing in: only with a verified address, and failed attempts are rate-limited."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed sign-ins"


def _sign_in(client: Client, email: str, password: str = PASSWORD) -> HttpResponse:
    return client.post(LOGIN, {"login": email, "password": password})


def test_it_shows_the_form(client) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'for="id_login"' in html
    assert 'for="id_password"' in html
    assert reverse("account_reset_password") in html


def test_it_signs_in_a_verified_user(client, person) -> None:
    response = _sign_in(client, person.email)

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert get_user(client).pk == person.pk


def test_it_sends_an_unverified_user_to_verification_sent(client, mailoutbox) -> None:
    user = UserFactory(email="unverified@example.org")

    response = _sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not get_user(client).is_authenticated
    # A new verification email goes out, since the first may have been lost.
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_it_refuses_a_wrong_password(client, person) -> None:
    response = _sign_in(client, person.email, password="not my password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not get_user(client).is_authenticated


def test_it_rate_limits_failed_sign_ins_for_one_account(client, person) -> None:
    # ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per account in 5 minutes.
    for _ in range(5):
        response = _sign_in(client, person.email, password="not my password")
        assert TOO_MANY not in response.content.decode()

    response = _sign_in(client, person.email)

    # allauth answers with a form error (status 200), not a 429, even for the right password.
    assert response.status_code == 200
    assert TOO_MANY in " ".join(response.context["form"].non_field_errors())
    assert not get_user(client).is_authenticated


def test_the_rate_limit_is_per_account(client, person) -> None:
    for _ in range(5):
        _sign_in(client, "someone-else@example.org", password="not my password")

    response = _sign_in(client, person.email)

    assert response.status_code == 302
    assert get_user(client).pk == person.pk
