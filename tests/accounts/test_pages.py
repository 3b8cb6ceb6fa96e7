"""Every account page renders in the portal's layout: one h1, no script, no inline style."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

VISITOR_PAGES = [
    "account_login",
    "account_signup",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
]
MEMBER_PAGES = [
    "account_change_password",
    "account_email",
    "account_logout",
    "accounts:overview",
    "accounts:data",
    "accounts:delete",
]


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _check_page(html: str) -> None:
    main = _main(html)
    assert main.count("<h1") == 1
    assert "<script" not in html
    assert "style=" not in html
    # Every visible form control has a label.
    for control_id in re.findall(r'<input (?![^>]*type="hidden")[^>]*id="([^"]+)"', main):
        assert f'for="{control_id}"' in main, control_id


@pytest.mark.parametrize("name", VISITOR_PAGES)
def test_visitor_pages(client, name) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 200
    _check_page(response.content.decode())


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages(client, person, name) -> None:
    client.force_login(person)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    _check_page(html)
    assert 'aria-label="Your account"' in html


def test_the_email_page_groups_the_addresses(client, person) -> None:
    EmailAddress.objects.create(user=person, email="second@example.org")
    client.force_login(person)

    html = client.get(reverse("account_email")).content.decode()

    assert "<fieldset" in html
    assert "<legend" in html
    assert "second@example.org" in html


def test_the_confirm_page_for_a_valid_and_an_invalid_key(client) -> None:
    address = EmailAddress.objects.create(
        user=UserFactory(email="check@example.org"), email="check@example.org"
    )
    key = EmailConfirmationHMAC(address).key

    valid = client.get(reverse("account_confirm_email", args=[key]))
    invalid = client.get(reverse("account_confirm_email", args=["nope"]))

    assert valid.status_code == 200
    _check_page(valid.content.decode())
    assert '<button type="submit"' in _main(valid.content.decode())
    assert invalid.status_code == 200
    _check_page(invalid.content.decode())
    # The header's language chooser has a button; the page itself offers none.
    assert '<button type="submit"' not in _main(invalid.content.decode())
