"""Every allauth page, message, form and email speaks the portal's plain words, not the
library's (issue 15: "Verify Your Email Address", "Please confirm that … is an email address
for user …", "Remember Me", "Bad Token" …); and confirming an address signs in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "N3w-pass-word!x"
# What allauth says in English where the portal now says something plainer.
LIBRARY_WORDS = [
    "Verify Your Email Address",
    "Confirm Email Address",
    "Please confirm that",
    "is an email address for user",
    "finalize the signup",
    "Please contact us",
    "Password Reset",
    "Reset My Password",
    "Bad Token",
    "Change Password",
    "Set Password",
    "Confirm Access",
    "reauthenticate",
    "Account Inactive",
    "Remember Me",
    "Password (again)",
    "Current Password",
    "New Password",
    "Confirmation email sent",
    "You have confirmed",
    "Successfully signed in",
    "Password successfully",
    "You have signed out",
    "specified are not correct",
    "You're receiving this email",
    "You are receiving this",
    "has given your email address",
    "Account Already Exists",
    "E-mail",
]


def _text(html: str) -> str:
    """The words of the page's <main> (with its messages), tags removed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", html)
    main = re.search(r"(?s)<main.*?</main>", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0) if main else html))


def _email_text(message: EmailMessage) -> str:
    return f"{message.subject}\n{message.body}"


def _library_words(text: str) -> list[str]:
    return [words for words in LIBRARY_WORDS if words in text]


@pytest.fixture
def seen() -> dict[str, str]:
    return {}


@pytest.fixture
def look(seen: dict[str, str]) -> Callable[[str, HttpResponse], HttpResponse]:
    def record(label: str, response: HttpResponse) -> HttpResponse:
        assert response.status_code == 200, label
        seen[label] = _text(response.content.decode())
        return response

    return record


def _link(message: EmailMessage, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({path}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def test_signing_up_and_confirming_speaks_plainly_and_signs_in(
    client: Client, mailoutbox, look, seen
) -> None:
    look("sign up", client.get(reverse("account_signup")))
    look(
        "signed up",
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        ),
    )
    path = _link(mailoutbox[0], "/account/confirm-email/")
    look("confirm", client.get(path))
    look("confirmed", client.post(path, follow=True))
    look("link gone", client.get("/account/confirm-email/not-a-key/"))

    assert get_user(client) == User.objects.get(email="new@example.org")
    assert "You are signed in as new@example.org." in seen["confirmed"]
    assert "new@example.org is confirmed." in seen["confirmed"]
    assert "Is new@example.org your email address?" in seen["confirm"]
    assert "Repeat the password" in seen["sign up"]
    assert {label: _library_words(text) for label, text in seen.items()} == {
        label: [] for label in seen
    }
    assert mailoutbox[0].subject == "Confirm your email address"
    assert _library_words(_email_text(mailoutbox[0])) == []


def test_the_password_pages_speak_plainly(
    client: Client, person: User, mailoutbox, look, seen
) -> None:
    look("forgot", client.get(reverse("account_reset_password")))
    look(
        "reset asked",
        client.post(reverse("account_reset_password"), {"email": person.email}, follow=True),
    )
    page = look(
        "new password",
        client.get(_link(mailoutbox[0], "/account/password/reset/key/"), follow=True),
    )
    look(
        "reset",
        client.post(
            page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        ),
    )
    look("reset link gone", client.get("/account/password/reset/key/1-not-a-key/"))
    look(
        "wrong password",
        client.post(reverse("account_login"), {"login": person.email, "password": "no"}),
    )
    look(
        "signed in",
        client.post(
            reverse("account_login"), {"login": person.email, "password": NEW_PASSWORD}, follow=True
        ),
    )
    look("change", client.get(reverse("account_change_password")))
    look(
        "changed",
        client.post(
            reverse("account_change_password"),
            {"oldpassword": NEW_PASSWORD, "password1": PASSWORD + "x", "password2": PASSWORD + "x"},
            follow=True,
        ),
    )
    look("again", client.get(reverse("account_reauthenticate")))
    look("signed out", client.post(reverse("account_logout"), follow=True))

    assert "Keep me signed in on this device" in seen["wrong password"]
    assert "This email address and password do not match an account." in seen["wrong password"]
    assert "Your password is changed." in seen["changed"]
    assert "You are signed out." in seen["signed out"]
    assert "This link no longer works" in seen["reset link gone"]
    assert {label: _library_words(text) for label, text in seen.items()} == {
        label: [] for label in seen
    }
    assert mailoutbox[0].subject == "Choose a new password"
    assert _library_words(_email_text(mailoutbox[0])) == []


def test_the_other_entrance_pages_and_emails_speak_plainly(
    client: Client, person: User, mailoutbox, look, seen
) -> None:
    for name in ("account_email_verification_sent", "account_inactive"):
        look(name, client.get(reverse(name)))
    # An address already in use: the email says so (the page does not, to tell nobody else).
    client.post(
        reverse("account_signup"),
        {"email": person.email, "password1": PASSWORD, "password2": PASSWORD},
    )
    # A reset for an address no account uses.
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    client.force_login(UserFactory(email="second@example.org"))
    look(
        "address added",
        client.post(
            reverse("account_email"), {"action_add": "", "email": "third@example.org"}, follow=True
        ),
    )

    assert {label: _library_words(text) for label, text in seen.items()} == {
        label: [] for label in seen
    }
    assert "We have sent a link to third@example.org." in seen["address added"]
    assert [message.subject for message in mailoutbox] == [
        "You already have an account",
        "No account uses this address",
        "Confirm your email address",
    ]
    for message in mailoutbox:
        assert _library_words(_email_text(message)) == [], message.subject
