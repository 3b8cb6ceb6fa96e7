"""Proposals: a flag or an action, and carried into the next draft edition's changelog."""

import pytest
from django.core.exceptions import ValidationError

from apps.curation.models import Flag, Proposal
from apps.curation.services import proposal_create
from apps.roadmap.models import Edition
from apps.roadmap.services import edition_start_draft

pytestmark = pytest.mark.django_db


def test_a_proposal_needs_a_flag_or_an_action(small_roadmap, curator) -> None:
    with pytest.raises(ValidationError, match="needs a flag or an action"):
        proposal_create(action=None, flag="", text="Reword it.", by=curator)
    assert not Proposal.objects.exists()
    proposal_create(action=None, flag=Flag.LOW_UPTAKE, text="Explain the low ones.", by=curator)
    assert Proposal.objects.count() == 1


def test_the_form_says_so_too(client, curation_data, curator) -> None:
    client.force_login(curator)
    response = client.post("/curation/actions/A1.1.1/", {"text": "Reword it.", "flag": ""})
    assert response.status_code == 400
    assert "needs a flag or an action" in response.content.decode()


def test_a_proposal_goes_into_the_next_draft_changelog(small_roadmap, curator) -> None:
    action = small_roadmap.actions.get(code="A1.1.1")
    proposal = proposal_create(
        action=action, flag=Flag.STALLED, text="Split it into two steps.", by=curator
    )
    assert proposal.carried_into is None  # no draft yet

    draft = edition_start_draft(source=small_roadmap, version_label="2027.1", by=curator)

    changelog = Edition.objects.get(pk=draft.pk).changelog
    assert "A1.1.1 · Stalled: many adopters dormant: Split it into two steps." in changelog
    proposal.refresh_from_db()
    assert proposal.carried_into == draft
    # Carried once: a later proposal is appended at once, under the same heading.
    proposal_create(action=action, flag="", text="Add a resource.", by=curator)
    changelog = Edition.objects.get(pk=draft.pk).changelog
    assert changelog.count("Proposals from the curators' learning report") == 1
    assert changelog.count("Split it into two steps.") == 1
    assert "A1.1.1: Add a resource." in changelog


def test_writing_one_from_a_flag_on_the_page(client, curation_data, curator) -> None:
    client.force_login(curator)
    response = client.get("/curation/actions/A1.1.1/", {"flag": Flag.STALLED})
    assert response.status_code == 200
    assert response.context["form"].initial["flag"] == Flag.STALLED
    response = client.post(
        "/curation/actions/A1.1.1/",
        {"flag": Flag.STALLED, "about_action": "on", "text": "Say when to pause."},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.action.code, proposal.flag, proposal.author) == ("A1.1.1", "stalled", curator)
