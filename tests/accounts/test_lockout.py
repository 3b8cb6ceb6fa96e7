"""One lockout for the sign-in form and the API token: failed passwords count per account,
whichever way they came in, and per client address as apps/core/client_ip.py resolves it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, VerifiedUserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = reverse("account_login")
TOKEN_URL = reverse("api-auth:token")
TOO_MANY = "Too many failed sign-ins"
PROXY = "10.0.0.2"
NEW_PASSWORD = "a brand new long passphrase"


def _sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> HttpResponse:
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _form_errors(response: HttpResponse) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_fifty_wrong_passwords_then_the_right_one_is_refused_on_the_form(
    client: Client, person: User
) -> None:
    # From a new address each time: only the account's limit holds.
    for n in range(50):
        _sign_in(client, person.email, "not my password", REMOTE_ADDR=f"10.8.0.{n}")

    response = _sign_in(client, person.email, REMOTE_ADDR="10.8.1.1")

    assert response.status_code == 200
    assert TOO_MANY in _form_errors(response)
    assert not get_user(client).is_authenticated


def test_a_lockout_reached_through_the_api_blocks_the_form(client: Client, person: User) -> None:
    api = Client()
    for n in range(5):
        api.post(
            TOKEN_URL,
            {"email": person.email, "password": "guess"},
            content_type="application/json",
            REMOTE_ADDR=f"10.8.0.{n}",
        )

    response = _sign_in(client, person.email.upper(), REMOTE_ADDR="10.8.1.1")

    assert TOO_MANY in _form_errors(response)
    assert not get_user(client).is_authenticated


def test_the_right_password_clears_the_account_failures(client: Client, person: User) -> None:
    for _ in range(4):
        _sign_in(client, person.email, "not my password")
    assert _sign_in(client, person.email).status_code == 302
    client.post(reverse("account_logout"))

    for _ in range(4):
        assert TOO_MANY not in _form_errors(_sign_in(client, person.email, "not my password"))

    assert _sign_in(client, person.email).status_code == 302
    assert get_user(client).pk == person.pk


def test_a_right_password_does_not_clear_the_address_failures(client: Client) -> None:
    # Someone guessing cannot wipe their address's count by signing in to their own account.
    mine = VerifiedUserFactory(email="mine@example.org")
    for n in range(9):
        _sign_in(client, f"victim{n}@example.org", "guess", REMOTE_ADDR="10.7.0.1")
    assert _sign_in(client, mine.email, REMOTE_ADDR="10.7.0.1").status_code == 302
    client.post(reverse("account_logout"), REMOTE_ADDR="10.7.0.1")

    _sign_in(client, "victim9@example.org", "guess", REMOTE_ADDR="10.7.0.1")
    response = _sign_in(client, "victim10@example.org", "guess", REMOTE_ADDR="10.7.0.1")

    assert TOO_MANY in _form_errors(response)


def test_a_new_forwarded_for_on_every_try_does_not_escape_the_address_limit(
    client: Client, person: User
) -> None:
    for n in range(10):
        _sign_in(
            client, f"victim{n}@example.org", "guess", REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"10.9.0.{n}",
        )  # fmt: skip

    response = _sign_in(client, person.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.9.1.1")

    assert TOO_MANY in _form_errors(response)
    assert not get_user(client).is_authenticated


def test_behind_one_proxy_each_client_has_its_own_address_limit(
    client: Client, person: User, settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        _sign_in(
            client, f"victim{n}@example.org", "guess", REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"10.9.0.{n}, 203.0.113.7",
        )  # fmt: skip

    blocked = _sign_in(
        client, person.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.9.1.1, 203.0.113.7"
    )
    assert TOO_MANY in _form_errors(blocked)
    # Another client behind the same proxy is not held back by the first one's failures.
    allowed = _sign_in(client, person.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert allowed.status_code == 302


def test_the_lockout_and_the_address_limits_are_read_from_the_environment() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.ACCOUNT_RATE_LIMITS['login_failed']);"
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token']);"
        "print(settings.TRUSTED_PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.test",
        "LOGIN_LOCKOUT_ATTEMPTS": "3",
        "LOGIN_LOCKOUT_SECONDS": "900",
        "LOGIN_FAILURES_PER_ADDRESS": "20/h",
        "API_TOKEN_RATE": "5/min",
        "TRUSTED_PROXY_COUNT": "2",
    }

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.split("\n")[:3] == ["20/h/ip,3/900s/key", "5/min", "2 2"], result.stderr


def test_resetting_the_password_unlocks_the_account(
    client: Client, person: User, mailoutbox: list
) -> None:
    api = Client()
    for n in range(5):
        api.post(
            TOKEN_URL,
            {"email": person.email, "password": "guess"},
            content_type="application/json",
            REMOTE_ADDR=f"10.8.0.{n}",
        )
    client.post(reverse("account_reset_password"), {"email": person.email})
    link = re.search(r"https?://[^/\s]+(/account/password/reset/key/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    form_path = client.get(link.group(1))["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = api.post(
        TOKEN_URL,
        {"email": person.email, "password": NEW_PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.8.1.1",
    )

    assert response.status_code == 200
