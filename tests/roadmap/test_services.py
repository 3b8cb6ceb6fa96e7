import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.roadmap.models import Action, Edition
from apps.roadmap.services import edition_publish, edition_start_draft
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import EditionFactory, ResourceFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(staff=True)


def test_start_draft_copies_the_whole_tree(small_roadmap, admin_user) -> None:
    resource = ResourceFactory()
    original = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    original.resources.add(resource)

    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)

    assert draft.status == Edition.Status.DRAFT
    assert draft.based_on == small_roadmap
    assert draft.vision == small_roadmap.vision
    assert draft.end_goals.count() == 2
    assert draft.intermediate_goals.count() == 4
    assert draft.actions.count() == 8
    copy = draft.actions.get(code="A1.1.1")
    assert copy.pk != original.pk
    assert copy.derived_from == original
    assert copy.intermediate_goal.edition == draft
    assert copy.intermediate_goal.end_goal.edition == draft
    assert list(copy.resources.all()) == [resource]
    assert set(copy.stakeholder_groups.all()) == set(original.stakeholder_groups.all())
    # The source is untouched.
    assert small_roadmap.actions.count() == 8
    assert Edition.objects.current() == small_roadmap
    assert draft.history.first().history_user == admin_user


def test_start_draft_refuses_a_label_in_use(small_roadmap, admin_user) -> None:
    with pytest.raises(ValidationError):
        edition_start_draft(source=small_roadmap, version_label="2021", by=admin_user)
    assert Edition.objects.count() == 1


def test_publish_archives_the_previous_edition(small_roadmap, admin_user) -> None:
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    edition_publish(edition=draft, by=admin_user)

    small_roadmap.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.PUBLISHED
    assert draft.published_at is not None
    assert small_roadmap.status == Edition.Status.ARCHIVED
    assert Edition.objects.current() == draft
    assert Edition.objects.published().count() == 1


def test_publish_refuses_an_incomplete_draft_and_changes_nothing(small_roadmap, admin_user) -> None:
    empty = EditionFactory(version_label="empty")
    with pytest.raises(ValidationError) as excinfo:
        edition_publish(edition=empty, by=admin_user)
    assert "no end goals" in str(excinfo.value)
    empty.refresh_from_db()
    assert empty.status == Edition.Status.DRAFT
    assert Edition.objects.current() == small_roadmap


def test_publish_refuses_an_action_without_groups(small_roadmap, admin_user) -> None:
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    draft.actions.get(code="A2.2.2").stakeholder_groups.clear()
    with pytest.raises(ValidationError, match=r"A2\.2\.2"):
        edition_publish(edition=draft, by=admin_user)


def test_publish_refuses_a_published_edition(small_roadmap, admin_user) -> None:
    with pytest.raises(ValidationError, match="Only a draft"):
        edition_publish(edition=small_roadmap, by=admin_user)


def test_database_allows_only_one_published_edition(small_roadmap) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(published=True, version_label="second")
