"""Where sign-in lands: a member of one organisation goes on to its dashboard; a member of
several or of none (or with an invitation waiting) sees the list of their organisations."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from apps.organisations.permissions import Role
from tests.accounts.factories import PASSWORD, VerifiedUserFactory
from tests.organisations.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MINE = reverse("organisations:mine")


def _sign_in_and_land(client, user) -> list[tuple[str, int]]:
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    return response.redirect_chain


def test_sign_in_lands_a_member_of_one_organisation_on_its_dashboard(client) -> None:
    user = VerifiedUserFactory(email="one@example.org")
    membership = MembershipFactory(user=user, role=Role.CONTRIBUTOR)
    home = reverse("organisations:home", args=[membership.organisation.slug])

    chain = _sign_in_and_land(client, user)

    assert reverse(settings.LOGIN_REDIRECT_URL) == MINE
    assert [url for url, _status in chain] == [MINE, home]


def test_sign_in_lands_a_member_of_two_organisations_on_the_list(client) -> None:
    user = VerifiedUserFactory(email="two@example.org")
    MembershipFactory(user=user, organisation__name="Alpha Health")
    MembershipFactory(user=user, organisation__name="Beta Care")

    chain = _sign_in_and_land(client, user)

    assert [url for url, _status in chain] == [MINE]
    html = client.get(MINE).content.decode()
    assert "Alpha Health" in html
    assert "Beta Care" in html


def test_a_member_of_no_organisation_sees_the_list(client_as, outsider) -> None:
    response = client_as(outsider).get(MINE)

    assert response.status_code == 200
    assert "You are not a member of any organisation yet." in response.content.decode()


def test_an_invitation_waiting_keeps_the_list(client_as, outsider) -> None:
    MembershipFactory(user=outsider)
    InvitationFactory(email=outsider.email, organisation__name="Invites Me")

    response = client_as(outsider).get(MINE)

    assert response.status_code == 200
    assert "Invites Me" in response.content.decode()


def test_all_shows_the_list_to_a_member_of_one_organisation(client_as, outsider) -> None:
    MembershipFactory(user=outsider, organisation__name="Only One")

    redirected = client_as(outsider).get(MINE)
    listed = client_as(outsider).get(MINE + "?all=1")

    assert redirected.status_code == 302
    assert listed.status_code == 200
    assert "Only One" in listed.content.decode()


def test_the_header_and_breadcrumb_lead_a_member_of_one_organisation_to_the_list(
    client_as, outsider
) -> None:
    membership = MembershipFactory(user=outsider, organisation__name="Only One")
    client = client_as(outsider)

    html = client.get(reverse("organisations:home", args=[membership.organisation.slug]))

    links = html.content.decode().count(f'href="{MINE}?all=1"')
    assert links == 2  # "All my organisations" in the header, "My organisations" in the crumb
    assert client.get(MINE + "?all=1").status_code == 200
