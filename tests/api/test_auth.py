"""POST/DELETE /api/v1/auth/token/ and signing in with a token or a session."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.core.models import AuditEvent
from tests.accounts.factories import UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


@pytest.fixture
def person() -> User:
    return UserFactory(email="person@example.org")


def _obtain(client: APIClient, email: str, password: str = PASSWORD) -> object:
    return client.post(TOKEN_URL, {"email": email, "password": password})


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
    for _ in range(10):
        assert _obtain(anonymous, "person@example.org", "guess").status_code == 400

    response = _obtain(anonymous, "person@example.org")

    assert response.status_code == 429
    assert "detail" in response.json()


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
