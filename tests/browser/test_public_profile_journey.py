"""Public commitments: an organisation opens its public profile, and a visitor finds it.

The organisation's admin opens "Public profile" from the organisation's home, publishes the
profile with its adopted actions and signs a leadership statement; the public page shows the
statement with the signer's name, position and date, and the actions with their status. A
visitor, signed out, finds the organisation in the directory and opens the same page; once
the admin turns the profile off again, the visitor gets "not found".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.adoption.models import AdoptionStatus
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import Edition
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.adoption.factories import AdoptionFactory
from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN = "chair@example.org"
CODE = "A1.1.1"
STATEMENT = "We pay patients for their time, and we say <b>what changed</b> because of them."


def test_an_organisation_opens_its_public_profile(live_server, roadmap, journey, drive) -> None:
    action = Edition.objects.current().actions.get(code=CODE)
    admin = VerifiedUserFactory(email=ADMIN, full_name="Adam Chair")
    org = membership_for(admin, organisation="Rare Voices", role=Role.ADMIN).organisation
    Organisation.objects.filter(pk=org.pk).update(
        status=Organisation.Status.VERIFIED, in_directory=True
    )
    AdoptionFactory(organisation=org, action=action, status=AdoptionStatus.IN_PROGRESS)
    page = drive.page
    base = live_server.url
    public = base + reverse("organisations:public-profile", args=[org.slug])

    # Before: nobody outside sees a page.
    assert page.goto(public).status == 404

    # The admin publishes the profile, item by item, and signs the statement.
    sign_in(drive, journey, base, ADMIN, PASSWORD)
    journey.check("signed in")
    page.goto(base + reverse("organisations:home", args=[org.slug]))
    journey.check("organisation home")
    drive.click(page.get_by_role("link", name="Public profile", exact=True))
    expect(page).to_have_url(base + reverse("organisations:profile", args=[org.slug]))
    expect(page.get_by_text("The profile is not public.", exact=True)).to_be_visible()
    journey.check("profile settings")
    drive.check(page.get_by_label("Publish our profile"))
    drive.check(page.get_by_label("Show the actions we adopted, with their status"))
    drive.fill(page.get_by_label("Leadership statement"), STATEMENT)
    drive.fill(page.get_by_label("Signer's position"), "Chair of the board")
    drive.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Saved. The public profile shows what you chose.")).to_be_visible()
    expect(page.get_by_text("The profile is public.", exact=True)).to_be_visible()
    journey.check("profile saved")
    drive.click(page.get_by_role("link", name="Open the public profile"))
    expect(page).to_have_url(public)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rare Voices")
    expect(page.get_by_text(STATEMENT)).to_be_visible()  # escaped, as typed
    signed = re.compile(r"Signed by Adam Chair, Chair of the board, on")
    expect(page.get_by_text(signed)).to_be_visible()
    actions = page.get_by_role("region", name="Roadmap actions we adopted")
    row = actions.get_by_role("row", name=re.compile(CODE))
    expect(row).to_contain_text("In progress")
    journey.check("the public profile")
    sign_out(drive, journey)

    # A visitor finds it in the directory.
    page.goto(base + reverse("organisations:directory"))
    journey.check("directory")
    drive.click(page.get_by_role("link", name="Rare Voices", exact=True))
    expect(page).to_have_url(public)
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    expect(page.get_by_text("Preview.")).to_have_count(0)
    journey.check("the public profile, signed out")

    # Turned off again: gone for the visitor at once.
    sign_in(drive, journey, base, ADMIN, PASSWORD)
    page.goto(base + reverse("organisations:profile", args=[org.slug]))
    journey.check("profile settings again")
    drive.uncheck(page.get_by_label("Publish our profile"))
    drive.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The profile is not public.", exact=True)).to_be_visible()
    journey.check("profile withdrawn")
    sign_out(drive, journey)
    assert page.goto(public).status == 404
    journey.assert_every_page_checked()
