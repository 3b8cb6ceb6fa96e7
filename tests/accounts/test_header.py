"""The header: sign-in links for visitors; organisations, account and sign-out for members."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.organisations.permissions import Role
from tests.accounts.factories import membership_for

pytestmark = pytest.mark.django_db

HOME = reverse("roadmap:home")


def _header(client: Client) -> str:
    html = client.get(HOME).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_visitors_see_sign_in_and_create_account(client) -> None:
    header = _header(client)

    assert f'href="{reverse("account_login")}"' in header
    assert f'href="{reverse("account_signup")}"' in header
    assert reverse("account_logout") not in header


def test_members_see_their_organisations_account_and_sign_out(client, person, other_admin) -> None:
    first = membership_for(person, organisation="Patients Together", role=Role.ADMIN)
    second = membership_for(person, organisation="HTA Northern Europe")
    membership_for(other_admin, organisation="Not Mine Foundation", role=Role.ADMIN)
    client.force_login(person)

    header = _header(client)

    assert person.email in header
    assert person.full_name in header
    assert f'href="{reverse("organisations:mine")}?all=1"' in header  # the list itself
    for membership in (first, second):
        organisation = membership.organisation
        assert f'href="{organisation.get_absolute_url()}"' in header
        assert organisation.name in header
    assert "Not Mine Foundation" not in header
    for name in ("accounts:overview", "accounts:data", "account_change_password", "account_email"):
        assert f'href="{reverse(name)}"' in header
    # Signing out is a POST form with a CSRF token, not a link.
    form = re.search(
        rf'<form method="post" action="{reverse("account_logout")}".*?</form>', header, re.S
    )
    assert form
    assert "csrfmiddlewaretoken" in form.group(0)
    assert f'href="{reverse("account_signup")}"' not in header


def test_the_header_escapes_the_name(client, person) -> None:
    person.full_name = "<b>Ada</b>"
    person.save()
    client.force_login(person)

    header = _header(client)

    assert "<b>Ada</b>" not in header
    assert "&lt;b&gt;Ada&lt;/b&gt;" in header
