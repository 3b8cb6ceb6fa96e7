"""A visitor chooses Polski with the language chooser, signs in, adopts an action and logs
progress, all in Polish, with dates and numbers written the Polish way.

The expected words come from the Polish catalogue, so the test does not repeat translations; each
is checked to differ from the English, so an untranslated string fails the journey."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from apps.adoption.models import AdoptionStatus, MetricValue
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import StakeholderGroup
from tests.accounts.factories import PASSWORD, VerifiedUserFactory
from tests.browser.conftest import assert_skip_link_first, status_count
from tests.organisations.factories import MembershipFactory, OrganisationFactory

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORGANISATION = "Stowarzyszenie Rzadkie Głosy"


def pl(english: str) -> str:
    """The Polish of a UI string; it must be translated."""
    with translation.override("pl"):
        polish = gettext(english)
    assert polish != english, f"not translated into Polish: {english!r}"
    return polish


def in_polish(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "pl")


def test_a_visitor_works_in_polish(live_server, roadmap, journey, drive):
    member = VerifiedUserFactory(email="ewa@rzadkie-glosy.example.org", full_name="Ewa Nowak")
    organisation = OrganisationFactory(
        name=ORGANISATION,
        slug="rzadkie-glosy",
        country="PL",
        stakeholder_group=StakeholderGroup.objects.get(slug="patient-organisations"),
        verified=True,
    )
    MembershipFactory(organisation=organisation, user=member, role=Role.PE_LEAD)
    page = drive.page

    # The browser asks for English; the visitor chooses Polski.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    journey.check("home in English")
    chooser = page.get_by_label("Language")
    for name, code in [("English", "en"), ("Français", "fr"), ("Deutsch", "de")]:
        expect(chooser.locator(f'option[lang="{code}"]')).to_have_text(name)
    expect(chooser.locator('option[lang="pl"]')).to_have_text("Polski")
    drive.select(chooser, "Polski")
    drive.click(page.get_by_role("button", name="Change language"))
    in_polish(page)
    expect(page.get_by_role("link", name=pl("Skip to main content"))).to_be_attached()
    expect(page.locator("#language-select option[selected]")).to_have_attribute("lang", "pl")
    journey.check("home in Polish")

    # Sign in.
    drive.click(page.get_by_role("link", name=pl("Sign in"), exact=True).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(pl("Sign in"))
    in_polish(page)
    journey.check("sign in")
    drive.fill(page.get_by_label(pl("Email")), member.email)
    drive.fill(page.get_by_label(pl("Password")), PASSWORD)
    drive.click(page.get_by_role("button", name=pl("Sign in")))

    # A member of one organisation lands on its dashboard, empty.
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_role("heading", name=pl("No adopted actions yet"))).to_be_visible()
    in_polish(page)
    journey.check("dashboard")

    # Adopt an action from the catalogue.
    drive.click(page.get_by_role("link", name=pl("Browse the action catalogue")))
    expect(page.get_by_role("heading", level=1)).to_have_text(pl("Action catalogue"))
    journey.check("catalogue")
    box = page.get_by_role("checkbox").first
    code = box.get_attribute("value")
    drive.check(box)
    # The bar's button counts the ticked actions ("Adopt 1 selected").
    drive.click(page.locator("#adopt-bar").get_by_role("button"))
    with translation.override("pl"):
        adopted = ngettext("%(count)d action adopted.", "%(count)d actions adopted.", 1)
    assert adopted != "%(count)d action adopted."
    expect(page.get_by_role("status").filter(has_text=adopted % {"count": 1})).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        pl("Adoptions of %(name)s") % {"name": ORGANISATION}
    )
    journey.check("adoptions")

    # Log progress: a status change, a percentage and a metric with decimals.
    drive.click(page.get_by_role("link", name=re.compile(re.escape(code))).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("heading", name=pl("Progress log"))).to_be_visible()
    journey.check("adoption")
    drive.click(page.get_by_role("link", name=pl("Log progress")))
    journey.check("log progress")
    drive.fill(page.get_by_label(pl("What was done")), "Pierwsze spotkanie rady pacjentów.")
    drive.select(page.get_by_label(pl("Status change")), pl("In progress"))
    drive.fill(page.get_by_label(pl("Percent complete")), "30")
    drive.click(page.locator("summary").filter(has_text=pl("Metrics")))  # folded at first
    # The metric's name is the roadmap's Polish translation (the metrics section of the
    # content translations), not the English one.
    drive.fill(page.get_by_label(re.compile(r"^\s*Czas pracy personelu")), "2.5")
    drive.click(page.get_by_role("button", name=pl("Record progress")))
    entry = page.locator("#log-heading ~ ol > li").first
    expect(entry).to_contain_text("Pierwsze spotkanie rady pacjentów.")

    # Dates and numbers in Polish: "24 listopada 2026", "2,5".
    with translation.override("pl"):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    with translation.override("en"):
        assert today != date_format(timezone.localdate(), "DATE_FORMAT")
    expect(entry.get_by_role("heading", level=3)).to_have_text(today)
    expect(entry.get_by_role("row", name=re.compile("Czas pracy personelu"))).to_contain_text("2,5")
    in_polish(page)
    journey.check("progress logged")
    page.reload()
    assert_skip_link_first(page)

    # The dashboard counts the adoption as in progress.
    drive.click(page.get_by_role("link", name=ORGANISATION).first)
    expect(page.get_by_role("heading", name=pl("Adoptions by status"))).to_be_visible()
    assert status_count(page, pl("In progress")) == "1"
    assert status_count(page, pl("Total")) == "1"
    in_polish(page)
    journey.check("dashboard after progress")

    adoption = Organisation.objects.get(slug="rzadkie-glosy").adoptions.get()
    assert adoption.status == AdoptionStatus.IN_PROGRESS
    assert str(MetricValue.objects.get().value) == "2.50"
