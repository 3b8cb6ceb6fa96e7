"""An outsider tries the pages of an organisation they do not belong to: "not found"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.organisations.permissions import Role
from apps.roadmap.models import Action
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.adoption.factories import AdoptionFactory
from tests.browser.conftest import sign_in

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_outsider_finds_nothing_of_another_organisation(live_server, roadmap, journey, drive):
    member = VerifiedUserFactory(email="member@example.org")
    org = membership_for(member, organisation="Rare Voices", role=Role.ADMIN).organisation
    adoption = AdoptionFactory(organisation=org, action=Action.objects.published().first())
    VerifiedUserFactory(email="outsider@example.org")
    urls = [
        reverse("organisations:home", args=[org.slug]),
        reverse("organisations:members", args=[org.slug]),
        reverse("adoption:list", args=[org.slug]),
        reverse("adoption:detail", args=[org.slug, adoption.pk]),
        reverse("benchmarking:organisation", args=[org.slug]),
        reverse("organisations:home", args=["no-such-organisation"]),
    ]
    page = drive.page

    sign_in(drive, journey, live_server.url, "outsider@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    journey.check("signed in")

    bodies = set()
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        assert "Rare Voices" not in page.content()
        bodies.add(page.locator("main").inner_text())
        journey.check(f"not found {url}")
    # A missing organisation and someone else's look the same: nothing is learnt.
    assert len(bodies) == 1

    # The way back works by keyboard too: the 404 page offers the roadmap.
    drive.click(page.get_by_role("link", name="Read the whole roadmap"))
    expect(page).to_have_url(live_server.url + reverse("roadmap:map"))
    journey.check("roadmap after not found")
