"""A visitor explores the theory of change: filters it by a stakeholder group, follows a box to
its action (how many adopted it, how to adopt it), and finds the tools that serve it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.roadmap.models import Action, Edition, StakeholderGroup
from tests.benchmarking.uptake_data import share, snapshot

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_explores_the_map_and_the_tools(live_server, roadmap, journey, drive):
    group = StakeholderGroup.objects.get(slug="hta-bodies")
    addressed = Action.objects.published().filter(stakeholder_groups=group).count()
    page = drive.page

    page.goto(live_server.url + reverse("roadmap:map"))
    expect(page.get_by_role("heading", name="The theory of change")).to_be_visible()
    journey.check("map")

    drive.select(page.get_by_label("Highlight the actions for"), group.name)
    drive.click(page.get_by_role("button", name="Highlight"))
    expect(page).to_have_url(re.compile(r"\?group=hta-bodies$"))
    expect(page.get_by_role("status").filter(has_text="are addressed to")).to_contain_text(
        f"{addressed} actions are addressed to {group.name}"
    )
    expect(page.locator("a.toc-highlighted")).to_have_count(addressed)
    journey.check("map, one group highlighted")

    # The community's uptake on the same picture, from the latest published benchmark.
    action = Action.objects.published().filter(stakeholder_groups=group).first()
    latest = snapshot(Edition.objects.published().get(), "2026-Q3")
    share(latest, action.code, "42.5")
    share(latest, "EG1", None, subject="end_goal")
    drive.click(
        page.get_by_role(
            "link", name="See the community's uptake of each action and goal on the map"
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Community uptake of the roadmap")
    expect(page.locator(f'a.toc-node[href="{action.get_absolute_url()}"]')).to_have_attribute(
        "aria-label", re.compile(r": 42\.5%")
    )
    expect(
        page.get_by_role("row", name=re.compile(rf"^{re.escape(action.code)} "))
    ).to_contain_text("42.5%")
    expect(page.get_by_role("row", name=re.compile(r"^EG1 "))).to_contain_text("withheld")
    journey.check("uptake map")
    page.go_back()

    drive.click(page.locator(f'a.toc-node[href="{action.get_absolute_url()}"]'))
    expect(page.get_by_role("heading", level=1)).to_contain_text(action.code)
    expect(page.get_by_role("heading", name="Who has adopted it")).to_be_visible()
    expect(
        page.get_by_role("link", name="Sign in to adopt this action for your organisation.")
    ).to_be_visible()
    journey.check("action")

    drive.click(page.get_by_role("link", name="Resources", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Resources")
    journey.check("resources")

    # The glossary, with the term lists of every language (the reader's first).
    drive.click(page.get_by_role("link", name="Glossary", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary")
    expect(page.locator("#term-lists")).to_be_attached()
    journey.check("glossary")


def test_a_person_chooses_the_language_of_their_emails(live_server, roadmap, journey, drive):
    from tests.accounts.factories import PASSWORD, VerifiedUserFactory
    from tests.browser.conftest import sign_in

    person = VerifiedUserFactory(email="ewa@example.org", language="")
    page = drive.page

    sign_in(drive, journey, live_server.url, person.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    journey.check("my organisations")
    page.goto(live_server.url + reverse("accounts:profile"))
    journey.check("profile")
    drive.select(page.get_by_label("Language of my emails"), "Polish")
    drive.click(page.get_by_role("button", name=re.compile("save", re.I)))
    expect(page.get_by_label("Language of my emails")).to_have_value("pl")
    journey.check("profile saved")

    person.refresh_from_db()
    assert person.language == "pl"
