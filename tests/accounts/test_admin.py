"""The admin is the portal's: its name on every page, and one "Accounts" section, with each
user's email addresses on the user's page."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import NoReverseMatch, reverse

from apps.accounts.models import User
from tests.accounts.factories import UserFactory

NAME = "PE Roadmap Portal administration"


@pytest.fixture
def portal_admin(client, db) -> User:
    """A superuser, signed in."""
    user = UserFactory(staff=True, email="portal-admin@example.org")
    client.force_login(user)
    return user


def test_every_admin_page_bears_the_portals_name(client, portal_admin) -> None:
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        html = client.get(url).content.decode()
        assert "Django administration" not in html
        assert re.search(r"<title>[^<]*\| PE Roadmap Portal</title>", html)
        assert f"{NAME} | {NAME}" not in html  # the tab does not say it twice
        assert f'<div id="site-name"><a href="/admin/">{NAME}</a></div>' in html
    index = client.get(reverse("admin:index")).content.decode()
    assert "<h1>Administration</h1>" in index


def test_the_admin_index_has_one_accounts_section(client, portal_admin) -> None:
    html = client.get(reverse("admin:index")).content.decode()
    sections = re.findall(r'class="section"[^>]*>([^<]+)</a>', html)
    assert sections.count("Accounts") == 1
    assert "email address" not in html.lower()
    with pytest.raises(NoReverseMatch):
        reverse("admin:account_emailaddress_changelist")


def test_a_users_addresses_are_on_their_page_and_can_be_marked_verified(
    client, portal_admin
) -> None:
    person = UserFactory(email="ada@example.org")
    address = EmailAddress.objects.create(user=person, email=person.email, primary=True)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url).content.decode()
    assert "ada@example.org" in page
    assert 'name="emailaddress_set-0-verified"' in page
    assert 'name="emailaddress_set-0-email"' not in page  # the user changes it, not an admin

    data = {
        "email": person.email,
        "full_name": person.full_name,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        "emailaddress_set-TOTAL_FORMS": "1",
        "emailaddress_set-INITIAL_FORMS": "1",
        "emailaddress_set-MIN_NUM_FORMS": "0",
        "emailaddress_set-MAX_NUM_FORMS": "1000",
        "emailaddress_set-0-id": str(address.pk),
        "emailaddress_set-0-user": str(person.pk),
        "emailaddress_set-0-verified": "on",
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    address.refresh_from_db()
    assert address.verified
