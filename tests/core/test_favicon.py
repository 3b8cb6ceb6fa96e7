"""The portal's icon on every page, and at /favicon.ico (issue 15: none on the admin's and the
API's pages)."""

import pytest
from django.contrib.staticfiles import finders

from tests.accounts.factories import VerifiedUserFactory
from tests.core.csp import icons

pytestmark = pytest.mark.django_db

ICONS = ["/static/img/favicon.ico", "/static/img/favicon.svg"]


def test_favicon_ico_leads_to_the_icon(client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("url", ["/", "/admin/login/", "/api/v1/actions/", "/api/docs/"])
def test_every_kind_of_page_names_the_icon(client, url) -> None:
    response = client.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert icons(response.content.decode()) == ICONS
    for address in ICONS:
        assert finders.find(address.removeprefix("/static/")), address


def test_the_admin_names_it_once_signed_in(client) -> None:
    client.force_login(VerifiedUserFactory(staff=True))

    assert icons(client.get("/admin/").content.decode()) == ICONS
