"""A curator reads the learning report, answers a flag with a proposal, and finds it in the
next draft edition's changelog.

Portal staff open "Curation" from the main navigation, narrow the report to stalled actions,
follow an action's flag to its page, write a proposal from it, then start a new edition from
the published one in the Django admin: the draft's changelog holds the proposal.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.curation.models import Proposal
from apps.roadmap.models import Edition
from tests.accounts.factories import PASSWORD, VerifiedUserFactory
from tests.benchmarking.conftest import compile_published
from tests.browser.conftest import DRAFT_COPY_TIMEOUT, sign_in
from tests.curation.data import ACTION, curation_population

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CURATOR = "curator@example.org"
PROPOSAL = "Say what a pause means and how to restart: a third of adopters are dormant."


def test_a_curator_turns_a_flag_into_a_proposal_in_the_next_draft(
    live_server, roadmap, journey, drive, settings
):
    settings.CURATION_STALLED_PERCENT = 25
    published = Edition.objects.current()
    curation_population(published)
    for label in ("2025-Q4", "2026-Q1", "2026-Q2"):
        compile_published(label)
    VerifiedUserFactory(email=CURATOR, full_name="Carla Curator", staff=True)
    page = drive.page
    base = live_server.url

    sign_in(drive, journey, base, CURATOR, PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    journey.check("signed in")

    # The report, narrowed to the stalled actions.
    drive.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Curation"))
    expect(page).to_have_url(base + reverse("curation:report"))
    journey.check("report")
    drive.select(page.get_by_label("Flag"), "Stalled: many adopters dormant")
    drive.click(page.get_by_role("button", name="Filter"))
    table = page.get_by_role("table", name=re.compile("1 action"))
    expect(table).to_contain_text(ACTION)
    journey.check("stalled actions")

    # The flag, and a proposal from it.
    drive.click(table.get_by_role("link", name="Stalled: many adopters dormant"))
    expect(page).to_have_url(
        re.compile(re.escape(base + reverse("curation:action", args=[ACTION])))
    )
    expect(page.get_by_label("From the flag")).to_have_value("stalled")
    journey.check("the action's page")
    drive.fill(page.get_by_role("textbox", name="Proposal"), PROPOSAL)
    drive.click(page.get_by_role("button", name="Save the proposal"))
    expect(page.get_by_text("Your proposal is saved.")).to_be_visible()
    expect(page.get_by_text("waiting for the next draft edition")).to_be_visible()
    journey.check("proposal saved")
    assert Proposal.objects.get().carried_into is None

    # A new draft in the admin: its changelog holds the proposal.
    drive.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin"))
    journey.check("admin home")
    drive.click(page.get_by_role("main").get_by_role("link", name="Editions", exact=True))
    journey.check("editions")
    drive.click(page.get_by_role("link", name=published.version_label, exact=True))
    journey.check("published edition")
    drive.click(page.get_by_role("link", name="Start a new edition from this one"))
    journey.check("start a new edition")
    drive.fill(page.get_by_label("Version label"), "2027.1")
    drive.fill(page.get_by_label("Title"), "PARADIGM PE Sustainability Roadmap, 2027")
    drive.click(page.get_by_role("button", name="Start the draft"))
    expect(page.get_by_text(f"Draft 2027.1 created from {published.version_label}.")).to_be_visible(
        timeout=DRAFT_COPY_TIMEOUT
    )
    draft = Edition.objects.get(version_label="2027.1")
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_change", args=[draft.pk]))
    changelog = page.get_by_label(re.compile(r"^Changelog \[en\]"))
    expect(changelog).to_have_value(re.compile(re.escape(PROPOSAL)))
    expect(changelog).to_have_value(re.compile(re.escape(f"{ACTION} · Stalled")))
    journey.check("the draft")
    assert Proposal.objects.get().carried_into == draft
