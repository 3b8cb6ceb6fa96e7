"""A portal admin curates a new roadmap edition, and the portal follows it.

In the Django admin, the admin starts a new edition from the published one, renumbers and
retitles an action of the draft, reads on the publishing screen what changes (the old action
beside the new one, word by word), says where the old action's adoptions go, previews, and
publishes. The public roadmap then shows the new title, and an
organisation that had adopted the old action finds its adoption on the new one.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.adoption.models import Adoption
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import Action, Edition
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.adoption.factories import AdoptionFactory
from tests.browser.conftest import DRAFT_COPY_TIMEOUT, sign_in, sign_out

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CURATOR = "curator@example.org"
MEMBER = "member@example.org"
OLD_CODE, NEW_CODE = "A1.1.1", "A1.1.9"
NEW_TITLE = "Make the patient community a recognised partner of every other stakeholder"


def test_an_admin_publishes_a_new_edition_and_the_portal_follows(
    live_server, roadmap, journey, drive
):
    published = Edition.objects.current()
    old_action = published.actions.get(code=OLD_CODE)
    VerifiedUserFactory(email=CURATOR, full_name="Carla Curator", staff=True)
    member = VerifiedUserFactory(email=MEMBER, full_name="Marek Member")
    org = membership_for(member, organisation="Rare Voices", role=Role.ADMIN).organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.VERIFIED)
    adoption = AdoptionFactory(organisation=org, action=old_action)
    page = drive.page
    base = live_server.url

    sign_in(drive, journey, base, CURATOR, PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    journey.check("signed in")

    # The published edition, and a new draft from it.
    drive.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin"))
    journey.check("admin home")
    drive.click(page.get_by_role("main").get_by_role("link", name="Editions", exact=True))
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_changelist"))
    journey.check("editions")
    drive.click(page.get_by_role("link", name="2021", exact=True))
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_change", args=[published.pk]))
    journey.check("published edition")
    drive.click(page.get_by_role("link", name="Start a new edition from this one"))
    journey.check("start a new edition")
    drive.fill(page.get_by_label("Version label"), "2026.1")
    drive.fill(page.get_by_label("Title"), "PARADIGM PE Sustainability Roadmap, 2026")
    drive.click(page.get_by_role("button", name="Start the draft"))
    expect(page.get_by_text("Draft 2026.1 created from 2021.")).to_be_visible(
        timeout=DRAFT_COPY_TIMEOUT
    )
    draft = Edition.objects.get(version_label="2026.1")
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_change", args=[draft.pk]))
    journey.check("the draft")

    # Find the draft's copy of the action, renumber and retitle it.
    drive.click(
        page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Roadmap")
    )
    journey.check("roadmap admin")
    drive.click(page.get_by_role("main").get_by_role("link", name="Actions", exact=True))
    journey.check("actions")
    drive.fill(page.get_by_role("main").get_by_role("textbox", name="Search"), OLD_CODE)
    drive.click(page.get_by_role("button", name="Search"))
    expect(page.get_by_text("2 results")).to_be_visible()
    journey.check("actions found")
    filters = page.get_by_role("search", name="Filter")
    drive.click(filters.get_by_role("link", name=str(draft)))
    expect(page.get_by_text("1 result")).to_be_visible()
    journey.check("the draft's action")
    drive.click(page.get_by_role("link", name=OLD_CODE, exact=True))
    copy = draft.actions.get(code=OLD_CODE)
    expect(page).to_have_url(
        re.compile(re.escape(base + reverse("admin:roadmap_action_change", args=[copy.pk])))
    )
    journey.check("action change form")
    drive.fill(page.get_by_label("Code"), NEW_CODE)
    drive.fill(page.get_by_label(re.compile(r"^Title \[en\]")), NEW_TITLE)
    drive.click(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    journey.check("action saved")
    copy.refresh_from_db()
    assert (copy.code, copy.title) == (NEW_CODE, NEW_TITLE)

    # Publish, saying where the old action's adoptions go.
    drive.click(
        page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Roadmap")
    )
    drive.click(page.get_by_role("main").get_by_role("link", name="Editions", exact=True))
    drive.click(page.get_by_role("link", name="2026.1", exact=True))
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_change", args=[draft.pk]))
    journey.check("the draft again")
    drive.click(page.get_by_role("link", name="Publish", exact=True))
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_publish", args=[draft.pk]))
    journey.check("publish")
    # The proposal: the old action beside its renumbered, retitled copy, with its adoption.
    changed = page.get_by_role("table", name=re.compile("Actions that change"))
    expect(changed).to_contain_text(OLD_CODE)
    expect(changed).to_contain_text(NEW_CODE)
    expect(changed.get_by_role("cell", name="1", exact=True)).to_be_visible()
    mapping = page.get_by_label("Send adoptions elsewhere")
    expect(mapping).to_have_value("")
    drive.fill(mapping, f"{OLD_CODE} -> {NEW_CODE}")
    drive.click(page.get_by_role("button", name="Preview the changes"))
    expect(page.get_by_text("Nothing is published yet.")).to_be_visible()
    journey.check("publish preview")
    drive.click(page.get_by_role("button", name="Publish"))
    expect(page).to_have_url(base + reverse("admin:roadmap_edition_changelist"))
    expect(page.get_by_text("Edition 2026.1 is published")).to_be_visible()
    journey.check("published")

    # The public roadmap shows the new edition.
    drive.click(page.get_by_role("link", name="View site"))
    journey.check("home")
    drive.click(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmap", exact=True)
    )
    expect(page).to_have_url(base + reverse("roadmap:map"))
    expect(page.get_by_text(old_action.title)).to_have_count(0)
    journey.check("roadmap")
    drive.click(page.get_by_role("link", name=re.compile(re.escape(NEW_TITLE))).first)
    expect(page).to_have_url(base + reverse("roadmap:action", args=[NEW_CODE]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    journey.check("the action")

    # The organisation's adoption followed the action.
    sign_out(drive, journey)
    sign_in(drive, journey, base, MEMBER, PASSWORD)
    journey.check("member signed in")
    page.goto(base + reverse("adoption:list", args=[org.slug]))
    journey.check("adoptions")
    drive.click(page.get_by_role("link", name=f"{NEW_CODE} {NEW_TITLE}"))
    expect(page).to_have_url(base + reverse("adoption:detail", args=[org.slug, adoption.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NEW_CODE} {NEW_TITLE}")
    expect(
        page.get_by_text(f"Carried over to edition 2026.1 as {NEW_CODE} (was {OLD_CODE}).")
    ).to_be_visible()
    journey.check("adoption")

    adoption.refresh_from_db()
    assert adoption.action == Action.objects.get(edition=draft, code=NEW_CODE)
    assert not adoption.action_removed
    assert Adoption.objects.filter(organisation=org).count() == 1
