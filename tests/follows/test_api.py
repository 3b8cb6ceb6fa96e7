"""GET, POST and DELETE /api/v1/me/follows/: the caller's own follows."""

from __future__ import annotations

from apps.follows.models import Follow
from tests.organisations.factories import OrganisationFactory

URL = "/api/v1/me/follows/"


def test_a_reader_follows_lists_and_unfollows(api_as, small_roadmap, outsider, public_org) -> None:
    api = api_as(outsider)
    assert api.post(URL, {"action": "A1.1.1"}, format="json").status_code == 201
    assert api.post(URL, {"action": "A1.1.1"}, format="json").status_code == 201  # idempotent
    response = api.post(URL, {"organisation": "open-hospital"}, format="json")
    assert response.json()["organisation"] == "open-hospital"

    listed = api.get(URL).json()
    assert sorted((f["action"], f["organisation"]) for f in listed) == [
        ("", "open-hospital"),
        ("A1.1.1", None),
    ]

    assert api.delete(f"{URL}?action=A1.1.1").status_code == 204
    assert api.delete(f"{URL}?organisation=open-hospital").status_code == 204
    assert not Follow.objects.exists()


def test_it_refuses_a_private_organisation_an_unknown_action_and_two_targets(
    api_as, small_roadmap, outsider, public_org
) -> None:
    OrganisationFactory(slug="hidden", verified=True)
    api = api_as(outsider)
    for body in (
        {"organisation": "hidden"},
        {"organisation": "nowhere"},
        {"action": "A9.9.9"},
        {"action": "A1.1.1", "organisation": "open-hospital"},
        {},
    ):
        assert api.post(URL, body, format="json").status_code == 400, body
    assert not Follow.objects.exists()


def test_it_is_for_signed_in_callers_only(anonymous, db) -> None:
    assert anonymous.get(URL).status_code in (401, 403)
    assert anonymous.post(URL, {"action": "A1.1.1"}, format="json").status_code in (401, 403)
