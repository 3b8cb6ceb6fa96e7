"""The personal-data page and its JSON download."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.organisations.permissions import Role
from tests.accounts.factories import PASSWORD, membership_for

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:data")
DOWNLOAD = reverse("accounts:data-download")


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_it_redirects_visitors_to_sign_in(client, url) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_the_page_explains_and_links_the_download(client, person) -> None:
    client.force_login(person)

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{DOWNLOAD}"' in html


def test_the_download_is_a_json_attachment_with_email_and_memberships(client, person) -> None:
    membership_for(person, organisation="Patients Together", role=Role.PE_LEAD)
    client.force_login(person)

    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == person.email
    assert data["email_addresses"] == [{"email": person.email, "verified": True, "primary": True}]
    assert [(m["organisation"], m["role"]) for m in data["memberships"]] == [
        ("Patients Together", Role.PE_LEAD)
    ]


def test_the_download_holds_only_the_signed_in_persons_data(client, person, other_admin) -> None:
    membership_for(other_admin, organisation="Not Mine Foundation", role=Role.ADMIN)
    client.force_login(person)

    data = json.loads(client.get(DOWNLOAD).content)

    assert data["memberships"] == []
    assert other_admin.email not in json.dumps(data)


def test_the_download_refuses_post(client, person) -> None:
    client.force_login(person)

    assert client.post(DOWNLOAD).status_code == 405


def test_the_download_holds_the_address_each_change_came_from(client, person) -> None:
    Client().post(
        reverse("api-auth:token"),
        {"email": person.email, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    client.force_login(person)

    data = json.loads(client.get(DOWNLOAD).content)

    assert [(a["what"], a["address"]) for a in data["activity"]] == [
        ("token.created", "203.0.113.7")
    ]
