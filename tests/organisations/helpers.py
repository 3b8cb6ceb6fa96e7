"""Assertions shared by the organisation tests."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpResponse

LOGIN_PATH = "/account/login/"


def assert_login_redirect(response: HttpResponse) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_PATH}?next="), response["Location"]


def messages_of(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
