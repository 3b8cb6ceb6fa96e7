"""Who may open each organisation-scoped page: every URL × every persona.

Outsiders get 404 (nobody learns which organisations exist), members without the
permission 403, visitors who are not signed in are sent to sign in, and POST-only
addresses answer GET with 405.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organisations.models import Membership, Organisation
from tests.organisations.factories import InvitationFactory
from tests.organisations.helpers import assert_login_redirect

ALL = ("owner", "pe_lead", "contributor", "viewer")
ADMIN = ("owner",)


def _urls(org: Organisation) -> dict[str, str]:
    viewer = Membership.objects.get(organisation=org, user__email="viewer@example.org")
    invitation = InvitationFactory(organisation=org)
    slug = org.slug
    return {
        "home": reverse("organisations:home", args=[slug]),
        "edit": reverse("organisations:edit", args=[slug]),
        "members": reverse("organisations:members", args=[slug]),
        "audit": reverse("organisations:audit", args=[slug]),
        "member-role": reverse("organisations:member-role", args=[slug, viewer.pk]),
        "member-remove": reverse("organisations:member-remove", args=[slug, viewer.pk]),
        "invite": reverse("organisations:invite", args=[slug]),
        "invitation-revoke": reverse("organisations:invitation-revoke", args=[slug, invitation.pk]),
        "leave": reverse("organisations:leave", args=[slug]),
    }


# (URL name, method, personas allowed). Everyone else who is a member gets 403.
MATRIX = [
    ("home", "get", ALL),
    ("edit", "get", ADMIN),
    ("edit", "post", ADMIN),
    ("members", "get", ALL),
    ("audit", "get", ADMIN),
    ("member-role", "post", ADMIN),
    ("member-remove", "get", ADMIN),
    ("member-remove", "post", ADMIN),
    ("invite", "post", ADMIN),
    ("invitation-revoke", "post", ADMIN),
    ("leave", "post", ALL),
]
POST_ONLY = ["member-role", "invite", "invitation-revoke", "leave"]


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX)
@pytest.mark.parametrize("persona", [*ALL, "outsider"])
def test_permission_matrix(client, org, personas, name, method, allowed, persona) -> None:
    url = _urls(org)[name]
    client.force_login(personas[persona])

    response = getattr(client, method)(url, {"role": "viewer", "email": "x@example.org"})

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "method", "_allowed"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, org, personas, name, method, _allowed):
    response = getattr(client, method)(_urls(org)[name])
    assert_login_redirect(response)


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_addresses_refuse_get(client_as, org, personas, name) -> None:
    response = client_as(personas["owner"]).get(_urls(org)[name])
    assert response.status_code == 405


def test_an_unknown_organisation_is_404_even_for_members(client_as, org, owner) -> None:
    response = client_as(owner).get(reverse("organisations:members", args=["nope"]))
    assert response.status_code == 404
