"""GET /api/v1/me/."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.permissions import ROLE_PERMISSIONS, Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"


def test_it_describes_the_caller_and_their_memberships(
    api_as: object, owner: User, org: Organisation
) -> None:
    pending = OrganisationFactory(name="A pending one", slug="a-pending-one")
    MembershipFactory(organisation=pending, user=owner, role=Role.VIEWER)

    response = api_as(owner).get(ME_URL)

    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "owner@example.org"
    assert data["full_name"] == owner.full_name
    assert data["date_joined"]
    assert data["memberships"] == [
        {
            "organisation": {
                "slug": "a-pending-one",
                "name": "A pending one",
                "url": "http://testserver/api/v1/organisations/a-pending-one/",
            },
            "role": "viewer",
            "permissions": sorted(ROLE_PERMISSIONS[Role.VIEWER]),
        },
        {
            "organisation": {
                "slug": "patients-united",
                "name": "Patients United",
                "url": "http://testserver/api/v1/organisations/patients-united/",
            },
            "role": "admin",
            "permissions": sorted(ROLE_PERMISSIONS[Role.ADMIN]),
        },
    ]


def test_it_lists_no_memberships_for_a_newcomer(api_as: object) -> None:
    response = api_as(UserFactory()).get(ME_URL)

    assert response.status_code == 200
    assert response.json()["memberships"] == []


def test_it_needs_a_signed_in_caller(anonymous: APIClient) -> None:
    response = anonymous.get(ME_URL)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_it_is_read_only(api_as: object, viewer: User) -> None:
    assert api_as(viewer).patch(ME_URL, {"full_name": "X"}).status_code == 405


def test_it_reads_in_a_fixed_number_of_queries(
    api_as: object, owner: User, django_assert_max_num_queries: object
) -> None:
    for _ in range(5):
        MembershipFactory(user=owner, organisation=OrganisationFactory(), role=Role.VIEWER)
    client = api_as(owner)

    with django_assert_max_num_queries(1):
        response = client.get(ME_URL)

    assert len(response.json()["memberships"]) == 6


@pytest.mark.parametrize("how", ["session", "token"])
def test_it_reads_the_caller_once(owner: User, how: str, django_assert_num_queries: object) -> None:
    """The user the authentication read, with their memberships: the session (from the
    cache) or the token with its user, then the memberships."""
    client = APIClient()
    if how == "session":
        client.force_login(owner)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")

    with django_assert_num_queries(2) as queries:
        response = client.get(ME_URL)

    assert response.status_code == 200
    assert [m["role"] for m in response.json()["memberships"]] == ["admin"]
    assert sum('"accounts_user"."password"' in q["sql"] for q in queries.captured_queries) == 1
