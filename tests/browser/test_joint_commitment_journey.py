"""Joint commitments: a medicines developer invites a patient organisation to a joint
adoption; the patient organisation accepts and confirms an entry.

The developer's PE lead opens the adoption of A1.1.1, asks "Patient Voices" to act on it
together with a message, and the request waits. The patient organisation's admin is told by
email (in the portal's language) with a link, finds the request on the dashboard, reads it and
accepts; then opens the joint adoption under its own address, sees the entry the developer
wrote ("Written by …") and confirms it: "Confirmed by Patient Voices". Back on the developer's
side, the entry shows the confirmation, and the partnership its state.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.adoption import services
from apps.adoption.models import Adoption, EntryConfirmation, Partnership, PartnershipState
from apps.adoption.services import EntryInput
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import Edition
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, membership_for
from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEAD, PATIENTS_ADMIN = "lead@pharma.example.org", "chair@patients.example.org"
CODE = "A1.1.1"
CLAIM = "Held the first co-design workshop with eight patients, paid for their time."


def _verified(user, name: str, role: str) -> Organisation:
    org = membership_for(user, organisation=name, role=role).organisation
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.VERIFIED)
    org.refresh_from_db()
    return org


def test_a_developer_and_a_patient_organisation_act_together(
    live_server, roadmap, journey, drive, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    action = Edition.objects.current().actions.get(code=CODE)
    lead = VerifiedUserFactory(email=LEAD, full_name="Paula Lead")
    pharma = _verified(lead, "Helix Pharma", Role.PE_LEAD)
    chair = VerifiedUserFactory(email=PATIENTS_ADMIN, full_name="Carla Chair")
    patients = _verified(chair, "Patient Voices", Role.ADMIN)
    adoption = services.adoption_create(organisation=pharma, action=action, by=lead)
    services.progress_entry_create(
        adoption=adoption,
        by=lead,
        data=EntryInput(entry_date=timezone.localdate(), narrative=CLAIM),
    )
    page = drive.page
    base = live_server.url

    # The developer's PE lead asks the patient organisation.
    sign_in(drive, journey, base, LEAD, PASSWORD)
    journey.check("signed in")
    page.goto(base + reverse("adoption:detail", args=[pharma.slug, adoption.pk]))
    journey.check("the adoption")
    partners = page.get_by_role("region", name="Partners")
    expect(partners.get_by_text("No partner organisation yet.")).to_be_visible()
    drive.select(
        partners.get_by_role("combobox", name=re.compile(r"^Organisation")), "Patient Voices"
    )
    drive.fill(partners.get_by_label("Message"), "Shall we write the patient information together?")
    drive.click(partners.get_by_role("button", name="Send the request"))
    expect(page.get_by_text(re.compile("Patient Voices is asked to act on A1.1.1"))).to_be_visible()
    journey.check("request sent")
    partnership = Partnership.objects.get()
    assert partnership.state == PartnershipState.PENDING
    expect(
        page.get_by_role("region", name="Partners").get_by_role(
            "row", name=re.compile("Patient Voices")
        )
    ).to_contain_text("Waiting for an answer")
    sign_out(drive, journey)

    # The patient organisation's admin is told, with a link to answer.
    told = [m for m in mail.outbox if PATIENTS_ADMIN in m.to]
    assert len(told) == 1
    assert "Helix Pharma asks you to act on A1.1.1 together" in told[0].subject
    link = reverse("adoption:partnership", args=[patients.slug, partnership.pk])
    assert link in told[0].body

    # … finds the request on the dashboard and accepts it.
    sign_in(drive, journey, base, PATIENTS_ADMIN, PASSWORD)
    journey.check("signed in")
    page.goto(base + reverse("organisations:home", args=[patients.slug]))
    journey.check("the patient organisation's dashboard")
    drive.click(page.get_by_role("link", name="Answer the request on A1.1.1"))
    expect(page).to_have_url(base + link)
    expect(page.get_by_text("Shall we write the patient information together?")).to_be_visible()
    journey.check("the request")
    drive.click(page.get_by_role("button", name="Accept the request"))
    expect(
        page.get_by_text("You accepted to act on A1.1.1 together with Helix Pharma.")
    ).to_be_visible()
    journey.check("accepted")
    partnership.refresh_from_db()
    assert partnership.state == PartnershipState.ACCEPTED

    # … opens the joint adoption under its own address and confirms the developer's entry.
    drive.click(page.get_by_role("link", name="Open the adoption of A1.1.1 and its progress log"))
    expect(page).to_have_url(base + reverse("adoption:detail", args=[patients.slug, adoption.pk]))
    journey.check("the joint adoption")
    entry = page.get_by_role("article").filter(has_text=CLAIM)
    expect(entry).to_contain_text("Helix Pharma")
    drive.click(entry.get_by_role("button", name=re.compile("Confirm this entry")))
    expect(page.get_by_text(re.compile("You confirmed the entry of"))).to_be_visible()
    expect(page.get_by_text(re.compile("Confirmed by Patient Voices on"))).to_be_visible()
    journey.check("entry confirmed")
    confirmation = EntryConfirmation.objects.get()
    assert confirmation.organisation == patients
    assert confirmation.entry.narrative == CLAIM
    sign_out(drive, journey)

    # The developer sees the confirmation on its own adoption.
    sign_in(drive, journey, base, LEAD, PASSWORD)
    page.goto(base + reverse("adoption:detail", args=[pharma.slug, adoption.pk]))
    journey.check("the adoption, confirmed")
    expect(page.get_by_text(re.compile("Confirmed by Patient Voices on"))).to_be_visible()
    expect(
        page.get_by_role("region", name="Partners").get_by_role(
            "row", name=re.compile("Patient Voices")
        )
    ).to_contain_text("Accepted")
    assert Adoption.objects.visible_to(patients).filter(pk=adoption.pk).exists()
    journey.assert_every_page_checked()
