"""Following an action or a public organisation (issue 17, part 4): idempotent, refused for
an organisation that is not public, and the buttons only for signed-in readers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.follows.models import Follow
from apps.follows.services import (
    follow_action,
    follow_organisation,
    unfollow_action,
    unfollow_organisation,
)
from apps.organisations.models import PublicProfile
from tests.organisations.factories import OrganisationFactory

ACTION_PAGE = "/roadmap/actions/A1.1.1/"


def test_following_and_unfollowing_are_idempotent(small_roadmap, outsider, public_org) -> None:
    follow_action(user=outsider, code="A1.1.1")
    follow_action(user=outsider, code="A1.1.1")
    follow_organisation(user=outsider, organisation=public_org)
    follow_organisation(user=outsider, organisation=public_org)
    assert Follow.objects.filter(user=outsider).count() == 2

    unfollow_action(user=outsider, code="A1.1.1")
    unfollow_action(user=outsider, code="A1.1.1")
    unfollow_organisation(user=outsider, organisation=public_org)
    unfollow_organisation(user=outsider, organisation=public_org)
    assert not Follow.objects.filter(user=outsider).exists()


def test_an_unknown_action_cannot_be_followed(small_roadmap, outsider) -> None:
    with pytest.raises(ValidationError):
        follow_action(user=outsider, code="A9.9.9")


def test_a_private_or_unverified_organisation_cannot_be_followed(outsider) -> None:
    private = OrganisationFactory(verified=True)
    PublicProfile.objects.create(organisation=private, is_public=False)
    unverified = OrganisationFactory()
    PublicProfile.objects.create(organisation=unverified, is_public=True)
    for organisation in (private, unverified):
        with pytest.raises(ValidationError, match="public profile"):
            follow_organisation(user=outsider, organisation=organisation)
    assert not Follow.objects.exists()


def test_the_views_follow_and_unfollow_and_redirect_back(
    client_as, small_roadmap, outsider, public_org
) -> None:
    client = client_as(outsider)
    response = client.post("/follows/actions/A1.1.1/", {"next": ACTION_PAGE})
    assert response.status_code == 302
    assert response["Location"] == ACTION_PAGE
    client.post("/follows/organisations/open-hospital/")
    page = client.get("/account/follows/").content.decode()
    assert "A1.1.1 Action 1.1.1" in page
    assert "Open Hospital" in page

    client.post("/follows/actions/A1.1.1/", {"do": "unfollow"})
    client.post("/follows/organisations/open-hospital/", {"do": "unfollow"})
    assert not Follow.objects.exists()


def test_the_views_refuse_a_private_organisation_and_an_unknown_action(
    client_as, small_roadmap, outsider
) -> None:
    OrganisationFactory(slug="hidden", verified=True)
    client = client_as(outsider)
    response = client.post("/follows/organisations/hidden/", follow=True)
    assert "Only a verified organisation with a public profile" in response.content.decode()
    assert client.post("/follows/actions/A9.9.9/").status_code == 404
    assert not Follow.objects.exists()


def test_the_views_want_a_signed_in_reader_and_a_post(client, small_roadmap, outsider) -> None:
    response = client.post("/follows/actions/A1.1.1/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert "/account/login/" in client.get("/account/follows/")["Location"]
    client.force_login(outsider)
    assert client.get("/follows/actions/A1.1.1/").status_code == 405
    assert not Follow.objects.exists()


def test_the_buttons_show_to_signed_in_readers_only(
    client, small_roadmap, outsider, public_org
) -> None:
    profile = "/organisations/open-hospital/"
    for url in (ACTION_PAGE, profile):
        assert 'action="/follows/' not in client.get(url).content.decode()

    client.force_login(outsider)
    assert "Follow A1.1.1" in client.get(ACTION_PAGE).content.decode()
    assert "Follow Open Hospital" in client.get(profile).content.decode()
    follow_action(user=outsider, code="A1.1.1")
    assert "Unfollow A1.1.1" in client.get(ACTION_PAGE).content.decode()

    client.logout()  # the anonymous page, cached or not, stays impersonal
    assert 'action="/follows/' not in client.get(ACTION_PAGE).content.decode()


def test_the_profile_offers_the_digest_beside_the_reminders(client_as, outsider) -> None:
    client = client_as(outsider)
    assert "weekly digest of what I follow" in client.get("/account/profile/").text
    client.post("/account/profile/", {"reminders_enabled": "on"})
    outsider.refresh_from_db()
    assert outsider.reminders_enabled
    assert not outsider.digest_enabled


def test_the_personal_data_download_lists_the_follows(
    client_as, small_roadmap, outsider, public_org
) -> None:
    follow_action(user=outsider, code="A1.1.1")
    follow_organisation(user=outsider, organisation=public_org)
    data = client_as(outsider).get("/account/data/download/").json()
    assert sorted((f["action"] or "", f["organisation"] or "") for f in data["follows"]) == [
        ("", "open-hospital"),
        ("A1.1.1", ""),
    ]
