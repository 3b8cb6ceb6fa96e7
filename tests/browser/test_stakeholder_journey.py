"""A new stakeholder: signs up, verifies the address, registers an organisation, which a portal
admin verifies; then adopts three actions, logs progress with a file and a metric, and sees the
dashboard change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.adoption.models import Adoption, AdoptionStatus, Evidence, MetricValue
from apps.organisations.models import Organisation
from tests.accounts.factories import PASSWORD, VerifiedUserFactory
from tests.browser.conftest import (
    assert_skip_link_first,
    sign_in,
    sign_out,
    status_count,
    tiny_png,
)

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "ada@rare-voices.example.org"
NEW_PASSWORD = "a long and private passphrase 2026"
ORGANISATION = "Rare Voices Alliance"


def test_a_new_stakeholder_adopts_actions_and_sees_the_dashboard_change(
    live_server, roadmap, journey, drive, mailoutbox, tmp_path
):
    VerifiedUserFactory(email="admin@portal.example.org", staff=True)
    page = drive.page
    base = live_server.url

    # Sign up.
    page.goto(base + "/")
    journey.check("home")
    drive.click(page.get_by_role("link", name="Create an account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    journey.check("sign up")
    drive.fill(page.get_by_label("Email"), EMAIL)
    drive.fill(page.get_by_label(re.compile(r"^\s*Password\W*$")), NEW_PASSWORD)
    drive.fill(page.get_by_label("Repeat the password"), NEW_PASSWORD)
    drive.click(page.get_by_role("button", name="Create an account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    journey.check("verification sent")
    page.reload()
    assert_skip_link_first(page)

    # Verify the address with the emailed link.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    link = re.search(r"https?://\S+(/account/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    page.goto(base + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    journey.check("confirm email")
    drive.click(page.get_by_role("button", name="Confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My organisations")
    journey.check("my organisations")

    # Register an organisation: pending until verified.
    drive.click(page.get_by_role("link", name="Register an organisation"))
    journey.check("register an organisation")
    # Sent empty: the errors are summarised, focused, and tied to their fields.
    drive.click(page.get_by_role("button", name="Register"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    described_by = name.get_attribute("aria-describedby").split()
    messages = " ".join(page.locator(f"#{ref}").inner_text() for ref in described_by)
    assert "This field is required." in messages
    expect(summary.get_by_role("link", name="Name: This field is required.")).to_be_visible()
    journey.check("register an organisation, with errors")
    drive.fill(page.get_by_label("Name"), ORGANISATION)
    drive.select(page.get_by_label("Stakeholder group"), "Patients and patient organisations")
    drive.select(page.get_by_label("Country"), "Poland")
    drive.select(page.get_by_label("Level of operation"), "National")
    drive.click(page.get_by_role("button", name="Register"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_text("waiting for verification", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="No adopted actions yet")).to_be_visible()
    journey.check("organisation pending")
    organisation_url = page.url

    # A portal admin verifies it from the queue.
    sign_out(drive, journey)
    sign_in(drive, journey, base, "admin@portal.example.org", PASSWORD)
    journey.check("admin signed in")
    drive.click(page.get_by_role("link", name="Admin", exact=True))
    journey.check("admin index")
    drive.click(page.get_by_role("link", name="Verification queue"))
    journey.check("verification queue")
    drive.click(page.get_by_role("link", name=ORGANISATION, exact=True))
    journey.check("pending organisation")
    drive.click(page.get_by_role("button", name="Verify"))
    expect(page.get_by_text(f"{ORGANISATION} is verified.")).to_be_visible()
    journey.check("organisation verified")
    assert mail.outbox[-1].to == [EMAIL]  # the stakeholder is told
    drive.click(page.get_by_role("link", name="View site"))
    journey.check("home, as the admin")
    sign_out(drive, journey)

    # Back as the stakeholder: verified, and nothing adopted yet.
    sign_in(drive, journey, base, EMAIL, NEW_PASSWORD)
    page.goto(organisation_url)
    expect(page.get_by_text("waiting for verification", exact=False)).to_have_count(0)
    expect(page.get_by_text("Verified", exact=True)).to_be_visible()
    journey.check("organisation verified, empty dashboard")

    # Adopt three actions from the catalogue.
    drive.click(page.get_by_role("link", name="Browse the action catalogue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action catalogue")
    journey.check("catalogue")
    boxes = page.get_by_role("checkbox")
    codes = [boxes.nth(i).get_attribute("value") for i in range(3)]
    for i in range(3):
        drive.check(boxes.nth(i))
    # The sticky bar's button counts what is ticked (a script; without it, "Adopt selected").
    drive.click(page.get_by_role("button", name="Adopt 3 selected"))
    expect(page.get_by_role("status").filter(has_text="3 actions adopted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Adoptions of {ORGANISATION}")
    for code in codes:
        expect(page.get_by_role("link", name=re.compile(re.escape(code))).first).to_be_visible()
    journey.check("adoptions")

    # The dashboard now counts them, all planned.
    drive.click(page.get_by_role("link", name=ORGANISATION).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_role("heading", name="Coverage of the end goals")).to_be_visible()
    assert status_count(page, "Total") == "3"
    assert status_count(page, "Planned") == "3"
    assert status_count(page, "In progress") == "0"
    coverage_before = page.locator(".coverage-list").inner_text()
    journey.check("dashboard after adopting")

    # Log progress on the first: a status change, a percentage, a file and a metric.
    drive.click(page.get_by_role("link", name="All adoptions"))
    journey.check("adoptions")
    drive.click(page.get_by_role("link", name=re.compile(re.escape(codes[0]))).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text(codes[0])
    journey.check("adoption")
    drive.click(page.get_by_role("link", name="Log progress"))
    journey.check("log progress")
    drive.fill(page.get_by_label("What was done"), "Held our first patient advisory board.")
    drive.select(page.get_by_label("Status change"), "In progress")
    drive.fill(page.get_by_label("Percent complete"), "40")
    # Evidence and metrics are folded at first: open them.
    drive.click(page.locator("summary").filter(has_text="Evidence"))
    drive.upload(page.get_by_label("Evidence files"), tiny_png(tmp_path / "minutes.png"))
    drive.click(page.locator("summary").filter(has_text="Metrics"))
    drive.fill(page.get_by_label("PE activities held (activities)"), "2")
    drive.click(page.get_by_role("button", name="Record progress"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(codes[0])
    log = page.locator("#log-heading + p + ol")
    expect(log).to_contain_text("Held our first patient advisory board.")
    expect(log).to_contain_text("minutes.png")
    expect(log.get_by_role("row", name=re.compile("PE activities held"))).to_contain_text("2")
    expect(page.get_by_text("40 %", exact=False).first).to_be_visible()
    journey.check("progress logged")

    # The dashboard changes: one in progress, two planned, and the activity is listed.
    drive.click(page.get_by_role("link", name=ORGANISATION).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    assert status_count(page, "In progress") == "1"
    assert status_count(page, "Planned") == "2"
    assert status_count(page, "Total") == "3"
    expect(page.get_by_text("Held our first patient advisory board.").first).to_be_visible()
    assert page.locator(".coverage-list").inner_text() == coverage_before  # still 3 adopted
    journey.check("dashboard after progress")

    organisation = Organisation.objects.get(name=ORGANISATION)
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.adoptions.count() == 3
    assert organisation.adoptions.filter(status=AdoptionStatus.IN_PROGRESS).count() == 1
    assert Evidence.objects.filter(original_name="minutes.png").count() == 1
    assert MetricValue.objects.get().value == 2
    assert Adoption.objects.count() == 3
