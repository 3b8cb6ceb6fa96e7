"""What a new edition changes in the actions: the word-level comparison, the adoptions each
mapping moves, and what each organisation is told."""

import pytest

from apps.roadmap.changes import Segment, adoption_counts, edition_changes, word_diff
from apps.roadmap.models import Action, StakeholderGroup
from apps.roadmap.services import edition_start_draft
from tests.adoption.factories import AdoptionFactory
from tests.roadmap.factories import ActionFactory


def test_word_diff_marks_only_the_words_that_changed() -> None:
    assert word_diff("Adopt a PE policy.", "Adopt a written PE policy!") == [
        Segment("same", "Adopt a "),
        Segment("added", "written "),
        Segment("same", "PE policy"),
        Segment("removed", "."),
        Segment("added", "!"),
    ]


def test_changed_words_next_to_each_other_read_as_one_change() -> None:
    assert word_diff("The group plays its role here", "A new text plays its role here") == [
        Segment("removed", "The group"),
        Segment("added", "A new text"),
        Segment("same", " plays its role here"),
    ]


def test_word_diff_of_equal_texts_is_one_shared_piece() -> None:
    assert word_diff("Same words", "Same words") == [Segment("same", "Same words")]
    assert word_diff("", "") == []
    assert word_diff("", "New") == [Segment("added", "New")]


@pytest.fixture
def draft(small_roadmap):
    return edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)


@pytest.fixture
def reworded(small_roadmap, draft):
    """The draft rewords A1.1.1, renumbers A1.2.1, drops A1.1.2 and adds A1.1.3; three
    organisations adopted A1.1.1 (two) and A1.1.2 (one)."""
    first = draft.actions.get(code="A1.1.1")
    first.title_en = "Action 1.1.1, in writing"
    first.description_en = "Write it down."
    first.save()
    draft.actions.filter(code="A1.2.1").update(code="A1.2.9")
    draft.actions.get(code="A1.1.2").delete()
    hta = StakeholderGroup.objects.get(slug="hta-bodies")
    ActionFactory(
        intermediate_goal=draft.intermediate_goals.get(code="IG1.1"),
        code="A1.1.3",
        title="A new action for HTA bodies",
        stakeholder_groups=[hta],
    )
    old = {a.code: a for a in Action.objects.filter(edition=small_roadmap)}
    for _ in range(2):
        AdoptionFactory(action=old["A1.1.1"])
    AdoptionFactory(action=old["A1.1.2"])
    return draft


def test_each_action_beside_the_one_its_adoptions_move_to(small_roadmap, reworded) -> None:
    changes = edition_changes(edition=reworded, previous=small_roadmap)

    changed = {c.old.code: c for c in changes.changed}
    assert set(changed) == {"A1.1.1", "A1.2.1"}
    assert changed["A1.1.1"].new.title == "Action 1.1.1, in writing"
    assert changed["A1.1.1"].title_changed
    assert changed["A1.1.1"].description_changed
    assert Segment("added", ", in writing") in changed["A1.1.1"].title_diff
    assert changed["A1.1.1"].adoptions == 2
    assert changed["A1.2.1"].code_changed
    assert not changed["A1.2.1"].wording_changed
    assert changed["A1.2.1"].new.code == "A1.2.9"
    assert [(c.old.code, c.adoptions) for c in changes.removed] == [("A1.1.2", 1)]
    assert [a.code for a in changes.added] == ["A1.1.3"]
    assert len(changes.unchanged) == 5
    assert changes.adoptions_moving == 2
    assert changes.adoptions_kept_read_only == 1


def test_a_mapping_overrides_the_proposal(small_roadmap, reworded) -> None:
    changes = edition_changes(
        edition=reworded, previous=small_roadmap, mapping={"A1.1.2": "A1.1.3", "A2.1.1": None}
    )
    by_code = {c.old.code: c for c in changes.changes}
    assert by_code["A1.1.2"].new.code == "A1.1.3"
    assert by_code["A2.1.1"].removed
    # A1.1.3 now receives A1.1.2's adoptions; A2.1.1's copy receives none.
    assert [a.code for a in changes.added] == ["A2.1.1"]


def test_adoptions_are_counted_in_one_query(
    small_roadmap, reworded, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        counts = adoption_counts(small_roadmap)
    assert counts["A1.1.1"] == 2
    assert counts["A1.1.2"] == 1
    assert counts["A2.2.2"] == 0


def test_an_organisation_hears_about_its_own_actions(small_roadmap, reworded) -> None:
    changes = edition_changes(edition=reworded, previous=small_roadmap)
    hta = StakeholderGroup.objects.get(slug="hta-bodies")
    patients = StakeholderGroup.objects.get(slug="patient-organisations")
    moved = {"A1.1.1": "A1.1.1", "A2.2.2": "A2.2.2"}

    # A2.1.1 was kept read-only although it has a copy: the organisation had adopted the
    # action its adoptions went to (a merge), so it is not "removed from the roadmap".
    news = changes.for_organisation(
        moved=moved, removed=["A2.1.1", "A1.1.2"], merged={"A2.1.1": "A2.1.1"}, group_id=hta.pk
    )

    assert [c.old.code for c in news.changed] == ["A1.1.1"]
    assert news.unchanged == 1
    assert [a.code for a in news.removed] == ["A1.1.2"]
    assert [(c.old.code, c.new.code) for c in news.merged] == [("A2.1.1", "A2.1.1")]
    assert [a.code for a in news.added] == ["A1.1.3"]
    other = changes.for_organisation(moved={}, removed=[], group_id=patients.pk)
    assert other.changed == other.added == other.removed == other.merged == []


def test_the_first_edition_is_all_new(db) -> None:
    action = ActionFactory(code="A1.1.1")
    changes = edition_changes(edition=action.edition, previous=None)
    assert [a.code for a in changes.added] == ["A1.1.1"]
    assert changes.changes == []


def test_the_wording_is_compared_in_english_and_read_in_the_readers_language(
    small_roadmap, reworded
) -> None:
    from django.utils import translation

    # A1.1.1's new wording has a Polish translation; A1.2.1's only changes its Polish.
    reworded.actions.filter(code="A1.1.1").update(title_pl="Działanie 1.1.1, na piśmie")
    reworded.actions.filter(code="A1.2.9").update(title_pl="Nowe tłumaczenie")
    changes = edition_changes(edition=reworded, previous=small_roadmap)
    changed = {c.old.code: c for c in changes.changes}

    assert not changed["A1.2.1"].wording_changed  # a translation is not a new wording
    with translation.override("pl"):
        assert changed["A1.1.1"].new.title == "Działanie 1.1.1, na piśmie"
    with translation.override("fr"):  # no French: the English
        assert changed["A1.1.1"].new.title == "Action 1.1.1, in writing"
        assert changed["A1.1.1"].new.description == "Write it down."
