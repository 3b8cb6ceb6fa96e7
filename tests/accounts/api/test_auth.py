"""POST/DELETE /api/v1/auth/token/ and signing in with a token or a session."""

import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts import lockout
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
LOGIN = reverse("account_login")
PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"
OTHER = "203.0.113.8"


@pytest.fixture
def person() -> User:
    return UserFactory(email="person@example.org")


def _obtain(client: APIClient, email: str, password: str = PASSWORD) -> object:
    return client.post(TOKEN_URL, {"email": email, "password": password})


def _obtain_from(
    client: APIClient,
    email: str,
    password: str = PASSWORD,
    *,
    remote: str = PROXY,
    forwarded: str | None = None,
) -> object:
    """``_obtain`` from the connection's address ``remote``, with an X-Forwarded-For."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(TOKEN_URL, {"email": email, "password": password}, **extra)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time allauth's rate limits and the lockout read; tests move ``clock[0]`` on."""
    now = [time.time()]
    fake = SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(allauth_ratelimit, "time", fake)
    monkeypatch.setattr(lockout, "time", fake)
    return now


def test_it_names_the_url() -> None:
    assert reverse("api-auth:token") == TOKEN_URL
    assert reverse("api-auth:me") == ME_URL


def test_it_issues_a_token_for_the_right_password(anonymous: APIClient, person: User) -> None:
    response = _obtain(anonymous, "person@example.org")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=person).key}


def test_it_returns_the_same_token_when_asked_again(anonymous: APIClient, person: User) -> None:
    first = _obtain(anonymous, "person@example.org").json()["token"]
    second = _obtain(anonymous, "PERSON@example.org").json()["token"]

    assert first == second
    assert Token.objects.filter(user=person).count() == 1


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("person@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("person@example.org", ""),
    ],
)
def test_it_refuses_wrong_credentials_with_400(
    anonymous: APIClient, person: User, email: str, password: str
) -> None:
    response = _obtain(anonymous, email, password)

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_it_explains_wrong_credentials(anonymous: APIClient, person: User) -> None:
    response = _obtain(anonymous, "person@example.org", "wrong password")

    assert response.json() == {
        "non_field_errors": ["Unable to sign in with this email address and password."]
    }


def test_it_answers_an_inactive_account_like_a_wrong_password(anonymous: APIClient) -> None:
    UserFactory(email="gone@example.org", is_active=False)

    response = _obtain(anonymous, "gone@example.org")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to sign in with this email address and password."]
    }


def test_it_refuses_an_unconfirmed_email_address(anonymous: APIClient, person: User) -> None:
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)

    response = _obtain(anonymous, "person@example.org")

    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["non_field_errors"][0]
    assert not Token.objects.exists()


def test_it_accepts_a_confirmed_email_address(anonymous: APIClient, person: User) -> None:
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)

    assert _obtain(anonymous, "person@example.org").status_code == 200


def test_it_requires_both_fields(anonymous: APIClient) -> None:
    response = anonymous.post(TOKEN_URL, {})

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_it_throttles_after_ten_requests_a_minute(anonymous: APIClient, person: User) -> None:
    # A different account each time, so that only the per-address limit is reached.
    for n in range(10):
        assert _obtain(anonymous, f"guess{n}@example.org", "guess").status_code == 400

    response = _obtain(anonymous, "person@example.org")

    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_a_new_forwarded_for_on_every_request_is_still_throttled(
    anonymous: APIClient, person: User
) -> None:
    for n in range(10):
        response = _obtain_from(
            anonymous, f"guess{n}@example.org", "guess", forwarded=f"10.9.0.{n}"
        )
        assert response.status_code == 400

    response = _obtain_from(anonymous, "person@example.org", forwarded="10.9.0.99")

    assert response.status_code == 429
    assert not Token.objects.exists()


def test_behind_one_proxy_it_throttles_the_right_most_address(
    anonymous: APIClient, person: User, settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        forwarded = f"10.9.0.{n}, {CLIENT}"  # the client's own value, then the proxy's
        response = _obtain_from(anonymous, f"guess{n}@example.org", "guess", forwarded=forwarded)
        assert response.status_code == 400

    blocked = _obtain_from(anonymous, "person@example.org", forwarded=f"10.9.0.99, {CLIENT}")
    other_client = _obtain_from(anonymous, "person@example.org", forwarded=f"{CLIENT}, {OTHER}")

    assert blocked.status_code == 429
    assert other_client.status_code == 200


# --- One lockout per account, shared with the sign-in form -----------------------------------


def test_fifty_wrong_passwords_then_the_right_one_is_refused(
    anonymous: APIClient, person: User
) -> None:
    # From a new address each time, as a botnet would: only the account's limit holds.
    statuses = [
        _obtain_from(anonymous, "person@example.org", "guess", remote=f"10.8.0.{n}").status_code
        for n in range(50)
    ]

    response = _obtain_from(anonymous, "person@example.org", remote="10.8.1.1")

    assert statuses == [400] * 5 + [429] * 45
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    assert response.json()["detail"].startswith("Too many failed sign-in attempts for this account")
    assert not Token.objects.exists()


def test_a_lockout_reached_on_the_form_blocks_the_api(anonymous: APIClient, person: User) -> None:
    browser = Client()
    for _ in range(5):
        browser.post(LOGIN, {"login": "person@example.org", "password": "guess"})

    response = _obtain(anonymous, "PERSON@example.org")

    assert response.status_code == 429
    assert "Retry-After" in response
    assert not Token.objects.exists()


def test_the_right_password_clears_the_account_failures(anonymous: APIClient, person: User) -> None:
    browser = Client()
    for _ in range(4):
        browser.post(LOGIN, {"login": "person@example.org", "password": "guess"})
    assert _obtain_from(anonymous, "person@example.org", remote="10.8.0.1").status_code == 200

    for n in range(4):
        wrong = _obtain_from(anonymous, "person@example.org", "guess", remote=f"10.8.0.{n}")
        assert wrong.status_code == 400
    assert _obtain_from(anonymous, "person@example.org", remote="10.8.0.9").status_code == 200

    # Five failures in a row, with no success between them, still lock the account.
    for n in range(5):
        _obtain_from(anonymous, "person@example.org", "guess", remote=f"10.8.2.{n}")
    assert _obtain_from(anonymous, "person@example.org", remote="10.8.3.1").status_code == 429


def test_the_audit_log_records_the_client_not_a_forged_header(
    anonymous: APIClient, person: User
) -> None:
    _obtain_from(anonymous, "person@example.org", remote=CLIENT, forwarded="198.51.100.66")

    assert AuditEvent.objects.get(verb="token.created").ip_address == CLIENT


def test_the_lockout_ends_when_the_failures_are_old_enough(
    anonymous: APIClient, person: User, clock: list[float]
) -> None:
    for n in range(5):
        _obtain_from(anonymous, "person@example.org", "guess", remote=f"10.8.0.{n}")
        clock[0] += 10
    locked = _obtain_from(anonymous, "person@example.org", remote="10.8.1.1")

    # The first failure was 50 s ago: it leaves the 5-minute window in 250 s.
    assert locked.status_code == 429
    assert locked["Retry-After"] == "250"
    clock[0] += 251
    assert _obtain_from(anonymous, "person@example.org", remote="10.8.1.2").status_code == 200


def test_the_lockout_follows_the_settings(anonymous: APIClient, person: User, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,2/60s/key"}
    for n in range(2):
        _obtain_from(anonymous, "person@example.org", "guess", remote=f"10.8.0.{n}")

    response = _obtain_from(anonymous, "person@example.org", remote="10.8.1.1")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_token_authenticates_requests(anonymous: APIClient, person: User) -> None:
    token = _obtain(anonymous, "person@example.org").json()["token"]
    client = APIClient()

    response = client.get(ME_URL, headers={"Authorization": f"Token {token}"})

    assert response.status_code == 200
    assert response.json()["email"] == "person@example.org"


def test_a_wrong_token_gets_401(anonymous: APIClient) -> None:
    response = anonymous.get(ME_URL, headers={"Authorization": "Token not-a-token"})

    assert response.status_code == 401


def test_it_revokes_the_token(anonymous: APIClient, person: User) -> None:
    token = _obtain(anonymous, "person@example.org").json()["token"]
    client = APIClient(headers={"Authorization": f"Token {token}"})

    response = client.delete(TOKEN_URL)

    assert response.status_code == 204
    assert not Token.objects.filter(user=person).exists()
    assert client.get(ME_URL).status_code == 401
    assert client.delete(TOKEN_URL).status_code == 401


def test_a_new_token_after_revoking_differs(anonymous: APIClient, person: User) -> None:
    old = _obtain(anonymous, "person@example.org").json()["token"]
    APIClient(headers={"Authorization": f"Token {old}"}).delete(TOKEN_URL)

    new = _obtain(anonymous, "person@example.org").json()["token"]

    assert new != old


def test_revoking_needs_a_signed_in_caller(anonymous: APIClient) -> None:
    assert anonymous.delete(TOKEN_URL).status_code == 401


def test_revoking_is_not_throttled(person: User) -> None:
    client = APIClient()
    client.force_authenticate(person)

    statuses = {client.delete(TOKEN_URL).status_code for _ in range(12)}

    assert statuses == {204}


def test_it_refuses_other_methods(anonymous: APIClient, person: User) -> None:
    client = APIClient()
    client.force_authenticate(person)

    assert client.get(TOKEN_URL).status_code == 405
    assert client.put(TOKEN_URL, {}).status_code == 405
    assert anonymous.get(TOKEN_URL).status_code == 405


# --- Session authentication ---------------------------------------------------------------


def test_a_browser_session_authenticates_too(person: User) -> None:
    client = APIClient()
    client.force_login(person)

    assert client.get(ME_URL).json()["email"] == "person@example.org"


def test_session_writes_need_the_csrf_token(person: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(person)

    response = client.delete(TOKEN_URL)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_creating_and_revoking_a_token_is_audited_without_the_key(
    anonymous: APIClient, person: User
) -> None:
    token = _obtain(anonymous, "person@example.org").json()["token"]
    _obtain(anonymous, "person@example.org")  # the same token again: nothing new happened
    APIClient(headers={"Authorization": f"Token {token}"}).delete(TOKEN_URL)

    events = AuditEvent.objects.filter(actor=person).order_by("pk")
    assert [event.verb for event in events] == ["token.created", "token.revoked"]
    assert all(token not in f"{event.object_label}{event.before}{event.after}" for event in events)
