"""The practice library: a PE lead publishes a case study that staff approve and a visitor
finds from the action page.

The PE lead writes a case study from their organisation's adoption of A1.1.1 and submits
it; the organisation's admin approves it; a portal moderator publishes it from the
moderation queue in the admin; a visitor, signed out, opens the action's public page, finds
the case study under "Case studies" and reads it, with its licence and organisation.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.practices.models import CaseStudy, CaseStudyState
from apps.roadmap.models import Edition
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.adoption.factories import AdoptionFactory
from tests.browser.conftest import sign_in, sign_out

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEAD, ADMIN, MODERATOR = "lead@example.org", "chair@example.org", "moderator@example.org"
CODE = "A1.1.1"
TITLE = "A paid patient panel for every protocol"


def test_a_case_study_goes_from_a_pe_lead_to_the_action_page(
    live_server, roadmap, journey, drive
) -> None:
    action = Edition.objects.current().actions.get(code=CODE)
    lead = VerifiedUserFactory(email=LEAD, full_name="Petra Lead")
    org = membership_for(lead, organisation="Rare Voices", role=Role.PE_LEAD).organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.VERIFIED)
    admin = VerifiedUserFactory(email=ADMIN, full_name="Adam Chair")
    membership_for(admin, organisation="Rare Voices", role=Role.ADMIN)
    VerifiedUserFactory(email=MODERATOR, full_name="Mona Moderator", staff=True)
    AdoptionFactory(organisation=org, action=action)
    page = drive.page
    base = live_server.url

    # The PE lead writes the case study from the adoption and submits it.
    sign_in(drive, journey, base, LEAD, PASSWORD)
    journey.check("signed in")
    page.goto(base + reverse("organisations:home", args=[org.slug]))
    journey.check("organisation home")
    drive.click(page.get_by_role("link", name="Case studies", exact=True))
    expect(page).to_have_url(base + reverse("practices:org-list", args=[org.slug]))
    journey.check("case studies")
    drive.click(page.get_by_role("link", name="Write a case study"))
    journey.check("write a case study")
    drive.select(page.get_by_label("Adopted action"), f"{CODE} {action.title}")
    drive.fill(page.get_by_label("Title"), TITLE)
    drive.fill(page.get_by_label("What was done"), "Twelve patients review each protocol.")
    drive.fill(page.get_by_label("For whom"), "People living with rare diseases.")
    drive.fill(page.get_by_label("Outcomes"), "Four protocols changed their visits.")
    drive.fill(page.get_by_label("Lessons learned"), "Pay people <b>from the start</b>.")
    drive.fill(page.get_by_label("What it cost"), "6,000 euros a year.")
    drive.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    journey.check("the draft")
    drive.click(page.get_by_role("button", name="Submit for approval"))
    expect(page.get_by_text("Submitted: your organisation's admins")).to_be_visible()
    journey.check("submitted")
    case_study = CaseStudy.objects.get()
    assert case_study.state == CaseStudyState.SUBMITTED
    sign_out(drive, journey)

    # The organisation's admin approves it.
    sign_in(drive, journey, base, ADMIN, PASSWORD)
    journey.check("signed in")
    page.goto(base + reverse("practices:org-list", args=[org.slug]))
    journey.check("case studies for the admin")
    waiting = page.get_by_role("region", name="Waiting for your approval")
    drive.click(waiting.get_by_role("link", name=TITLE))
    journey.check("the submitted case study")
    drive.click(page.get_by_role("button", name="Approve for publication"))
    expect(page.get_by_text("Approved: the portal's moderators will publish it.")).to_be_visible()
    journey.check("approved")
    sign_out(drive, journey)

    # A moderator publishes it from the queue.
    sign_in(drive, journey, base, MODERATOR, PASSWORD)
    journey.check("signed in")
    drive.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin"))
    journey.check("admin home")
    drive.click(page.get_by_role("link", name="Case studies awaiting moderation"))
    expect(page).to_have_url(
        base + reverse("admin:practices_casestudyawaitingmoderation_changelist")
    )
    journey.check("moderation queue")
    drive.check(page.get_by_role("checkbox", name=re.compile(re.escape(TITLE))))
    drive.select(
        page.get_by_role("combobox", name=re.compile("Action")),
        "Publish the selected case studies",
    )
    drive.click(page.get_by_role("button", name="Run", exact=True))
    expect(page.get_by_text("1 case study published.")).to_be_visible()
    journey.check("published")
    case_study.refresh_from_db()
    assert case_study.state == CaseStudyState.PUBLISHED
    drive.click(page.get_by_role("link", name="View site"))
    journey.check("home")
    sign_out(drive, journey)

    # A visitor finds it from the action page.
    page.goto(base + reverse("roadmap:action", args=[CODE]))
    journey.check("the action")
    section = page.get_by_role("region", name="Case studies")
    drive.click(section.get_by_role("link", name=TITLE))
    expect(page).to_have_url(base + reverse("practices:detail", args=[case_study.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Pay people <b>from the start</b>.")).to_be_visible()  # escaped
    expect(page.get_by_role("main").get_by_role("link", name="CC BY 4.0")).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/"
    )
    expect(page.get_by_text("By Rare Voices")).to_be_visible()
    journey.check("the case study")
