"""The attitude pulse: a member answers the pulse.

A contributor of a verified organisation signs in, finds the invitation on the organisation's
dashboard, answers every statement of the real roadmap's pulse (one group of radio buttons
per statement) and sends the answers; the page thanks them and says when they can answer
again, and the dashboard no longer invites them in this period.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, expect

from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.pulse.models import PulseSubmission
from apps.pulse.selectors import current_period, pulse_statements
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.browser.conftest import Driver, sign_in

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEMBER = "member@example.org"
INVITATION = "Answer the pulse (2 minutes)"
# The value given to each statement, by its position: 5, 4, 3, 2, 4, 5.
VALUES = [5, 4, 3, 2, 4, 5]
WORDS = {2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}


def test_a_member_answers_the_pulse(live_server, roadmap, journey, drive) -> None:
    statements = list(pulse_statements())
    assert len(statements) == len(VALUES)
    member = VerifiedUserFactory(email=MEMBER, full_name="Mia Member")
    org = membership_for(member, organisation="Rare Voices", role=Role.CONTRIBUTOR).organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.VERIFIED)
    page = drive.page
    base = live_server.url
    home = base + reverse("organisations:home", args=[org.slug])

    sign_in(drive, journey, base, MEMBER, PASSWORD)
    journey.check("signed in")
    page.goto(home)
    journey.check("organisation home with the invitation")
    drive.click(page.get_by_role("link", name=INVITATION))
    expect(page).to_have_url(base + reverse("pulse:answer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attitude pulse")
    journey.check("the pulse")

    for statement, value in zip(statements, VALUES, strict=True):
        group = page.get_by_role("group", name=re.compile(re.escape(statement.text)))
        answer(drive, group, group.get_by_label(f"{value} – {WORDS[value]}", exact=True), value)
    drive.click(page.get_by_role("button", name="Send my answers"))
    period = current_period()
    expect(page.get_by_text("Thank you: your answers for")).to_be_visible()
    expect(page.get_by_text(f"You have answered the pulse for {period.label}.")).to_be_visible()
    journey.check("answered")

    submission = PulseSubmission.objects.get()
    assert (submission.user, submission.organisation, submission.period) == (
        member,
        org,
        period.label,
    )
    values = dict(submission.answers.values_list("statement__code", "value"))
    assert values == {s.code: v for s, v in zip(statements, VALUES, strict=True)}

    page.goto(home)
    journey.check("organisation home after answering")
    expect(page.get_by_role("link", name=INVITATION)).to_have_count(0)


def answer(drive: Driver, group: Locator, target: Locator, value: int) -> None:
    """Choose a value as its user would. By keyboard, Tab reaches a group with nothing chosen
    at its first button (1); Space chooses it and the arrow keys move the choice on."""
    if not drive.keyboard:
        drive.check(target)
        return
    drive.focus(group.get_by_role("radio").first)
    drive.page.keyboard.press("Space")
    for _ in range(value - 1):
        drive.page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()
