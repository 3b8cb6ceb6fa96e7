"""Publishing with sight: the publish screen compares each action's old and new text, counts
the adoptions each mapping moves, and each organisation is emailed what changed for it."""

import re

import pytest
from django.urls import reverse

from apps.adoption.models import Adoption
from apps.organisations.permissions import Role
from apps.roadmap.models import Action, Edition, StakeholderGroup
from apps.roadmap.services import edition_start_draft
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import ActionFactory


@pytest.fixture
def portal_admin(client, db):
    """A superuser, signed in: the portal admin who publishes editions."""
    client.force_login(UserFactory(staff=True, email="portal-admin@example.org"))
    return client


@pytest.fixture
def draft(small_roadmap):
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)
    first = draft.actions.get(code="A1.1.1")
    first.title_en = "Action 1.1.1 in writing"
    first.save()
    draft.actions.get(code="A1.1.2").delete()
    ActionFactory(
        intermediate_goal=draft.intermediate_goals.get(code="IG1.1"),
        code="A1.1.3",
        title="A new action for HTA bodies",
        stakeholder_groups=[StakeholderGroup.objects.get(slug="hta-bodies")],
    )
    return draft


@pytest.fixture
def hta_org(small_roadmap):
    """An HTA body whose PE lead hears of new editions; it adopted A1.1.1, A1.1.2 and A2.2.2."""
    lead = MembershipFactory(
        role=Role.PE_LEAD,
        organisation=OrganisationFactory(
            stakeholder_group=StakeholderGroup.objects.get(slug="hta-bodies")
        ),
    )
    for code in ("A1.1.1", "A1.1.2", "A2.2.2"):
        AdoptionFactory(
            organisation=lead.organisation,
            action=Action.objects.get(edition=small_roadmap, code=code),
        )
    return lead


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_publish_screen_shows_old_and_new_text_word_by_word(
    portal_admin, draft, hta_org
) -> None:
    AdoptionFactory(action=Action.objects.get(edition__status="published", code="A1.1.1"))

    page = _text(
        portal_admin.get(reverse("admin:roadmap_edition_publish", args=[draft.pk])).content.decode()
    )

    changed = page[page.index('id="changed-actions"') : page.index('id="removed-actions"')]
    assert "<strong>A1.1.1</strong> Action 1.1.1" in changed
    assert (
        '<ins><span class="visually-hidden">added: </span> in writing'
        '<span class="visually-hidden"> (end of addition)</span></ins>'
    ) in changed
    assert '<td class="numeric">2</td>' in changed  # two organisations adopted A1.1.1
    removed = page[page.index('id="removed-actions"') : page.index('id="new-actions"')]
    assert '<strong>A1.1.2</strong> Action 1.1.2</td><td class="numeric">1</td>' in removed
    added = page[page.index('id="new-actions"') : page.index('id="unchanged-actions"')]
    assert "A1.1.3</strong> A new action for HTA bodies" in added
    assert "6 actions keep their code and wording" in page
    assert "3 adoptions move to the new edition." in page
    assert "1 adoption of a removed action is kept read-only." in page
    assert "A1.1.1 -&gt; A1.1.1" not in page  # no raw mapping lines


def test_a_preview_shows_the_typed_mapping_and_publishes_nothing(
    portal_admin, draft, hta_org
) -> None:
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])

    response = portal_admin.post(url, {"mapping": "A1.1.2 -> A1.1.3", "_preview": "1"})

    page = _text(response.content.decode())
    assert response.status_code == 200
    assert 'id="removed-actions"' not in page
    assert "Nothing is published yet." in page
    changed = page[
        page.index('id="changed-actions"') : page.index(
            "</table>", page.index('id="changed-actions"')
        )
    ]
    assert "A1.1.3" in changed
    assert "Several old actions go to one new action" not in page
    merging = portal_admin.post(url, {"mapping": "A1.1.2 -> A1.1.1", "_preview": "1"})
    assert "A1.1.1, A1.1.2 → A1.1.1." in _text(merging.content.decode())
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT


def test_an_unknown_code_in_the_mapping_is_an_error_and_publishes_nothing(
    portal_admin, draft
) -> None:
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])

    response = portal_admin.post(url, {"mapping": "A1.1.2 -> A9.9.9"})

    assert response.status_code == 200
    assert "A9.9.9 is not an action of edition 2026.1." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT


def test_publishing_with_a_mapping_moves_the_adoptions(portal_admin, draft, hta_org) -> None:
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])

    response = portal_admin.post(url, {"mapping": "A1.1.2 -> A1.1.3"})

    assert response.status_code == 302
    codes = Adoption.objects.filter(organisation=hta_org.organisation, action_removed=False)
    assert set(codes.values_list("action__code", flat=True)) == {"A1.1.1", "A1.1.3", "A2.2.2"}


def test_organisations_are_emailed_what_changed_in_the_actions_they_adopted(
    portal_admin, draft, hta_org, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        portal_admin.post(url)

    [email] = [m for m in mailoutbox if m.to == [hta_org.user.email]]
    body = email.body
    assert "Title before: Action 1.1.1\n" in body
    assert "Title now: Action 1.1.1 in writing\n" in body
    assert "1 other action you adopted did not change" in body
    assert "no longer in the roadmap" in body
    assert "- A1.1.2 Action 1.1.2" in body
    assert "New actions for your stakeholder group:\n- A1.1.3 A new action for HTA bodies" in body
    assert "/roadmap/actions/A1.1.3/" in body
    assert "A2.2.2" not in body  # unchanged: counted, not listed
    assert "→ A1.1.1" not in body  # no raw mapping lines


def test_an_organisation_of_another_group_is_not_told_of_its_new_actions(
    portal_admin, draft, small_roadmap, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    lead = MembershipFactory(
        role=Role.PE_LEAD,
        organisation=OrganisationFactory(
            stakeholder_group=StakeholderGroup.objects.get(slug="patient-organisations")
        ),
    )
    AdoptionFactory(
        organisation=lead.organisation,
        action=Action.objects.get(edition=small_roadmap, code="A2.2.2"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        portal_admin.post(reverse("admin:roadmap_edition_publish", args=[draft.pk]))

    [email] = [m for m in mailoutbox if m.to == [lead.user.email]]
    assert "A1.1.3" not in email.body
    assert "1 other action you adopted did not change" in email.body


def test_an_adoption_merged_into_another_is_not_called_removed(
    portal_admin, draft, hta_org, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        portal_admin.post(url, {"mapping": "A2.2.2 -> A1.1.1"})

    [email] = [m for m in mailoutbox if m.to == [hta_org.user.email]]
    merged, _, rest = email.body.partition("went into an action you had already adopted")
    assert "- A2.2.2 → A1.1.1 Action 1.1.1 in writing" in rest
    removed = merged[merged.index("no longer in the roadmap") :]
    assert "A2.2.2" not in removed
    kept = Adoption.objects.get(organisation=hta_org.organisation, action__code="A2.2.2")
    assert kept.action_removed
    note = kept.entries.values_list("narrative", flat=True).get()
    assert note.startswith("A2.2.2 went into A1.1.1 in edition 2026.1")
