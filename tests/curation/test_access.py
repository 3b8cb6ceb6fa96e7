"""The curators' report, its spreadsheet and its API are portal staff's: everyone else,
anonymous included, gets 404 (not a sign-in redirect)."""

import pytest
from rest_framework.authtoken.models import Token

from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.personas import add_member

pytestmark = pytest.mark.django_db

URLS = [
    "/curation/",
    "/curation/actions/A1.1.1/",
    "/curation/export.xlsx",
    "/api/v1/curation/actions/",
]


@pytest.fixture
def others(db):
    org = OrganisationFactory(verified=True)
    return {
        "anonymous": None,
        "owner": add_member(org, "owner"),
        "inactive staff": UserFactory(email="gone@example.org", is_staff=True, is_active=False),
    }


@pytest.mark.parametrize("url", URLS)
def test_only_staff_get_it(client, small_roadmap, curator, others, url) -> None:
    for who, user in others.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 404, (who, url)
    client.force_login(curator)
    assert client.get(url).status_code == 200


def test_proposals_cannot_be_posted_by_others(client, small_roadmap, others) -> None:
    client.force_login(others["owner"])
    response = client.post("/curation/actions/A1.1.1/", {"text": "Drop it", "about_action": "on"})
    assert response.status_code == 404


def test_the_api_takes_staff_tokens_only(client, small_roadmap, curator, others) -> None:
    for user, status in ((others["owner"], 404), (curator, 200)):
        token = Token.objects.create(user=user)
        response = client.get("/api/v1/curation/actions/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == status
