"""Publishing a new edition moves adoptions to the mapped actions, with their history."""

import pytest
from django.core.exceptions import ValidationError

from apps.adoption.models import Adoption
from apps.audit.models import AuditEvent
from apps.organisations.permissions import Role
from apps.roadmap.models import Action
from apps.roadmap.services import edition_publish, edition_start_draft
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(small_roadmap):
    return edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)


def _adopt(organisation, edition, code):
    return AdoptionFactory(organisation=organisation, action=edition.actions.get(code=code))


def test_adoptions_follow_their_copies_by_default(
    small_roadmap, draft, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    lead = MembershipFactory(role=Role.PE_LEAD)
    organisation = lead.organisation
    adoption = _adopt(organisation, small_roadmap, "A1.1.1")
    ProgressEntryFactory(adoption=adoption, narrative="Kick-off held")
    renamed = draft.actions.get(code="A1.1.1")
    renamed.code = "A1.1.5"
    renamed.save()

    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=draft, by=None)

    adoption.refresh_from_db()
    assert adoption.action == renamed
    assert not adoption.action_removed
    narratives = list(adoption.entries.values_list("narrative", flat=True))
    assert "Kick-off held" in narratives
    assert any("A1.1.5" in n and "A1.1.1" in n for n in narratives)
    event = AuditEvent.objects.get(organisation=organisation, verb="adoptions.carried_over")
    assert event.after["moved"] == {"A1.1.1": "A1.1.5"}
    assert mailoutbox[-1].to == [lead.user.email]
    assert "A1.1.1 → A1.1.5" in mailoutbox[-1].body


def test_an_explicit_mapping_and_a_removed_action(small_roadmap, draft) -> None:
    organisation = OrganisationFactory()
    first = _adopt(organisation, small_roadmap, "A1.1.1")
    second = _adopt(organisation, small_roadmap, "A1.1.2")
    draft.actions.get(code="A1.1.2").delete()

    edition_publish(edition=draft, by=None, mapping={"A1.1.1": "A2.1.1"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.action == Action.objects.get(edition=draft, code="A2.1.1")
    assert second.action_removed
    assert second.is_read_only
    assert second.action.edition == small_roadmap


def test_two_actions_merged_into_one_keep_one_adoption_live(small_roadmap, draft) -> None:
    organisation = OrganisationFactory()
    first = _adopt(organisation, small_roadmap, "A1.1.1")
    second = _adopt(organisation, small_roadmap, "A1.1.2")

    edition_publish(edition=draft, by=None, mapping={"A1.1.2": "A1.1.1"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.action.edition == draft
    assert second.action_removed
    assert Adoption.objects.filter(organisation=organisation, action_removed=False).count() == 1


def test_a_mapping_to_an_unknown_code_publishes_nothing(small_roadmap, draft) -> None:
    adoption = _adopt(OrganisationFactory(), small_roadmap, "A1.1.1")
    with pytest.raises(ValidationError, match=r"A9\.9\.9"):
        edition_publish(edition=draft, by=None, mapping={"A1.1.1": "A9.9.9"})
    draft.refresh_from_db()
    adoption.refresh_from_db()
    assert draft.status == "draft"
    assert adoption.action.edition == small_roadmap
