"""Curating the roadmap in the admin: drafts, publishing and history."""

import pytest
from django.urls import reverse

from apps.roadmap.models import Action, Edition, IntermediateGoal
from apps.roadmap.services import edition_publish, edition_start_draft
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import action_admin_form


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(staff=True))
    return client


@pytest.fixture
def draft(small_roadmap):
    return edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)


@pytest.mark.parametrize(
    "model",
    [
        "edition",
        "endgoal",
        "intermediategoal",
        "action",
        "stakeholdergroup",
        "dimension",
        "barriercategory",
        "resource",
        "assumption",
    ],
)
def test_every_roadmap_model_is_listed(admin_client, small_roadmap, model) -> None:
    response = admin_client.get(reverse(f"admin:roadmap_{model}_changelist"))
    assert response.status_code == 200


def test_the_admin_is_for_staff_only(client, small_roadmap) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("admin:roadmap_action_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_start_a_new_edition_from_the_published_one(admin_client, small_roadmap) -> None:
    url = reverse("admin:roadmap_edition_start_draft", args=[small_roadmap.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"version_label": "2026.1", "title": "Roadmap 2026"})

    draft = Edition.objects.get(version_label="2026.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:roadmap_edition_change", args=[draft.pk])
    assert draft.status == Edition.Status.DRAFT
    assert draft.actions.count() == 8


def test_start_draft_with_a_bad_label_shows_an_error(admin_client, small_roadmap) -> None:
    url = reverse("admin:roadmap_edition_start_draft", args=[small_roadmap.pk])
    response = admin_client.post(url, {"version_label": "2021", "title": "Again"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = admin_client.post(url, {"version_label": "no spaces", "title": "Again"})
    assert response.status_code == 200
    assert Edition.objects.count() == 1


def test_publishing_a_draft_archives_the_previous_edition(admin_client, small_roadmap, draft):
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])
    assert "will be archived" in admin_client.get(url).content.decode()

    response = admin_client.post(url)

    assert response.status_code == 302
    small_roadmap.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.PUBLISHED
    assert small_roadmap.status == Edition.Status.ARCHIVED


def test_an_incomplete_draft_lists_what_is_missing(admin_client, draft) -> None:
    draft.actions.filter(intermediate_goal__code="IG1.1").delete()
    url = reverse("admin:roadmap_edition_publish", args=[draft.pk])
    response = admin_client.post(url)
    assert response.status_code == 200
    assert "IG1.1 has no actions" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT


def test_published_english_content_is_read_only(admin_client, small_roadmap) -> None:
    action = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])

    response = admin_client.post(url, {"title_en": "Sneaky edit", "code": "A9.9.9"})

    # Only the translations of a published edition can change (test_content_translations).
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Action 1.1.1"
    assert action.code == "A1.1.1"


def test_archived_content_is_read_only(admin_client, small_roadmap, draft) -> None:
    edition_publish(edition=draft, by=None)
    action = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])

    response = admin_client.post(url, {"title_pl": "Zmiana"})

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.title_pl is None


def test_editing_a_draft_action_is_kept_in_its_history(admin_client, draft) -> None:
    action = draft.actions.get(code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])

    response = admin_client.post(url, action_admin_form(action, title_en="Adopt a PE policy"))

    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert action.title == "Adopt a PE policy"
    history = admin_client.get(reverse("admin:roadmap_action_history", args=[action.pk]))
    page = history.content.decode()
    assert "Adopt a PE policy" in page
    assert "Action 1.1.1" in page  # the old value, shown in the change's delta


def test_a_duplicate_code_in_a_draft_is_a_form_error(admin_client, draft) -> None:
    action = draft.actions.get(code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])
    response = admin_client.post(url, action_admin_form(action, code="A1.1.2"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_new_action_takes_its_goals_edition(admin_client, draft) -> None:
    goal = IntermediateGoal.objects.get(edition=draft, code="IG2.1")
    template = draft.actions.get(code="A2.1.1")
    data = action_admin_form(template, code="A2.1.9", title_en="A new action")
    data["intermediate_goal"] = goal.pk
    response = admin_client.post(reverse("admin:roadmap_action_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Action.objects.get(code="A2.1.9").edition == draft


def test_actions_of_a_published_edition_cannot_be_added_to(admin_client, small_roadmap) -> None:
    template = Action.objects.get(edition=small_roadmap, code="A2.1.1")
    data = action_admin_form(template, code="A2.1.9", title_en="Into the published edition")
    response = admin_client.post(reverse("admin:roadmap_action_add"), data)
    assert response.status_code == 200
    assert not Action.objects.filter(code="A2.1.9").exists()
