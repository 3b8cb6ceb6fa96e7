"""Signing out takes a POST; a GET only asks for confirmation."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGOUT = reverse("account_logout")


def test_get_asks_and_keeps_the_person_signed_in(client, person) -> None:
    client.force_login(person)

    response = client.get(LOGOUT)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'action="{LOGOUT}"' in html
    assert get_user(client).pk == person.pk


def test_post_signs_out(client, person) -> None:
    client.force_login(person)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGOUT_REDIRECT_URL)
    assert not get_user(client).is_authenticated
