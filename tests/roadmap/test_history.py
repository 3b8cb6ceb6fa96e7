"""The roadmap's history for bulk writes: one row per item, with its final links
(``apps/roadmap/history.py``)."""

import pytest
from django.db import transaction

from apps.roadmap.history import one_record_each
from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import Action, Edition, StakeholderGroup
from apps.roadmap.services import edition_start_draft
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _group_slugs(record) -> set[str]:
    return set(record.stakeholder_groups.values_list("stakeholdergroup__slug", flat=True))


def _one_complete_row_each(actions) -> None:
    for action in actions:
        rows = list(action.history.all())
        assert [row.history_type for row in rows] == ["+"], action.code
        assert _group_slugs(rows[0]) == set(
            action.stakeholder_groups.values_list("slug", flat=True)
        ), action.code
        assert rows[0].title_en == action.title_en


def test_loading_the_roadmap_writes_one_row_per_item_with_its_links() -> None:
    load_roadmap()
    _one_complete_row_each(Action.objects.all())
    # Loading again changes nothing, and writes nothing.
    load_roadmap()
    assert all(action.history.count() == 1 for action in Action.objects.all())


def test_a_draft_copy_writes_one_row_per_item_with_its_links() -> None:
    load_roadmap()
    source = Edition.objects.get()
    draft = edition_start_draft(source=source, version_label="2.0", by=UserFactory(staff=True))
    copies = Action.objects.filter(edition=draft)
    assert copies.count() == source.actions.count()
    _one_complete_row_each(copies)
    assert all(goal.history.count() == 1 for goal in draft.intermediate_goals.all())


def test_outside_a_block_every_save_and_link_writes_its_row(small_roadmap) -> None:
    action = Action.objects.filter(edition=small_roadmap).first()
    before = action.history.count()
    action.stakeholder_groups.add(StakeholderGroup.objects.exclude(actions=action).first())
    action.save()
    assert action.history.count() == before + 2


def test_a_block_left_by_an_error_writes_nothing(small_roadmap) -> None:
    action = Action.objects.filter(edition=small_roadmap).first()
    before = action.history.count()

    def save_then_fail() -> None:
        with transaction.atomic(), one_record_each():
            action.save()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert action.history.count() == before
    # The next write is recorded as usual.
    action.save()
    assert action.history.count() == before + 1


def test_an_item_deleted_in_the_block_keeps_only_its_deletion(small_roadmap) -> None:
    action = Action.objects.filter(edition=small_roadmap).first()
    pk = action.pk
    before = Action.history.filter(id=pk).count()
    with one_record_each():
        action.save()
        action.delete()
    rows = Action.history.filter(id=pk)
    assert rows.count() == before + 1
    assert rows.first().history_type == "-"
