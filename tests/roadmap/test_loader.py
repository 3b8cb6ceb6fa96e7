"""The PARADIGM fixture: its integrity, and loading it idempotently."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.roadmap.loader import DEFAULT_FIXTURE, PAPER_TEXT, load_roadmap, read_fixture
from apps.roadmap.models import (
    Action,
    Assumption,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Provenance,
    Resource,
    StakeholderGroup,
)

PAPER = PAPER_TEXT


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def fixture_data() -> dict:
    return read_fixture(DEFAULT_FIXTURE)


@pytest.fixture
def loaded(db) -> Edition:
    load_roadmap()
    return Edition.objects.get(version_label="2021")


def _actions(data: dict) -> list[dict]:
    return [
        action
        for end_goal in data["end_goals"]
        for goal in end_goal["intermediate_goals"]
        for action in goal["actions"]
    ]


def test_fixture_has_four_verbatim_end_goals(fixture_data) -> None:
    end_goals = fixture_data["end_goals"]
    assert [g["code"] for g in end_goals] == ["EG1", "EG2", "EG3", "EG4"]
    assert all(g["provenance"] == "verbatim" for g in end_goals)
    assert end_goals[1]["title"] == "Secure inclusive and diverse PE."


def test_fixture_codes_are_unique_and_nest_under_their_parents(fixture_data) -> None:
    codes = []
    for end_goal in fixture_data["end_goals"]:
        number = end_goal["code"][2:]
        for goal in end_goal["intermediate_goals"]:
            assert goal["code"].startswith(f"IG{number}.")
            for action in goal["actions"]:
                assert action["code"].startswith(f"A{goal['code'][2:]}.")
                codes.append(action["code"])
            codes.append(goal["code"])
    assert len(codes) == len(set(codes))


def test_fixture_every_goal_has_actions(fixture_data) -> None:
    for end_goal in fixture_data["end_goals"]:
        assert end_goal["intermediate_goals"], end_goal["code"]
        for goal in end_goal["intermediate_goals"]:
            assert goal["actions"], goal["code"]


def test_fixture_has_about_fifty_actions_each_complete(fixture_data) -> None:
    actions = _actions(fixture_data)
    assert 40 <= len(actions) <= 65
    groups = {g["slug"] for g in fixture_data["stakeholder_groups"]}
    dimensions = {d["slug"] for d in fixture_data["dimensions"]}
    for action in actions:
        assert action["stakeholder_groups"], action["code"]
        assert set(action["stakeholder_groups"]) <= groups, action["code"]
        assert action["dimension"] in dimensions, action["code"]
        assert action["provenance"] in Provenance.values, action["code"]
        assert action["title"].strip(), action["code"]


def test_fixture_taxonomies(fixture_data) -> None:
    assert len(fixture_data["stakeholder_groups"]) == 8
    assert [d["slug"] for d in fixture_data["dimensions"]] == ["culture", "processes", "resources"]
    assert len(fixture_data["barrier_categories"]) == 7


def test_vision_and_mission_are_marked_reconstructed(fixture_data) -> None:
    edition = fixture_data["edition"]
    assert edition["vision_provenance"] == "reconstructed"
    assert edition["mission_provenance"] == "reconstructed"


def test_the_paper_is_kept_in_the_repository_with_its_licence() -> None:
    root = settings.BASE_DIR.resolve()
    assert PAPER.resolve().is_relative_to(root)
    notice = (PAPER.parent / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in notice
    assert "10.1007/s43441-021-00282-z" in notice


def test_every_source_passage_is_found_in_the_paper(fixture_data) -> None:
    paper = _collapse(PAPER.read_text(encoding="utf-8"))
    items = [*fixture_data["end_goals"], *_actions(fixture_data)]
    items += [g for eg in fixture_data["end_goals"] for g in eg["intermediate_goals"]]
    items += [a for goal in items for a in goal.get("assumptions", [])]
    items += fixture_data["pulse_statements"]
    missing = [
        item["code"]
        for item in items
        if item.get("source_passage") and _collapse(item["source_passage"]) not in paper
    ]
    assert not missing, f"source passages not found in the paper: {missing}"
    assert all(item.get("source_passage") for item in items)


def test_load_creates_the_published_roadmap(loaded, fixture_data) -> None:
    assert loaded.status == Edition.Status.PUBLISHED
    assert Edition.objects.current() == loaded
    assert EndGoal.objects.filter(edition=loaded).count() == 4
    assert Action.objects.filter(edition=loaded).count() == len(_actions(fixture_data))
    assert StakeholderGroup.objects.count() == 8
    assert Dimension.objects.count() == 3
    assert BarrierCategory.objects.count() == 7
    assert Resource.objects.exists()
    assert not Action.objects.filter(stakeholder_groups__isnull=True).exists()
    assert not IntermediateGoal.objects.filter(actions__isnull=True).exists()


def _snapshot() -> dict:
    models = (Edition, EndGoal, IntermediateGoal, Action, Assumption, StakeholderGroup, Resource)
    snapshot = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    snapshot["history"] = [m.history.count() for m in models]
    snapshot["groups"] = list(
        Action.stakeholder_groups.through.objects.order_by("pk").values_list("pk", flat=True)
    )
    snapshot["contributions"] = list(
        Action.contributes_to.through.objects.order_by("pk").values_list("pk", flat=True)
    )
    return snapshot


def test_loading_twice_changes_nothing(loaded) -> None:
    before = _snapshot()
    report = load_roadmap(sync=True)
    assert not report.changed
    assert _snapshot() == before


def test_sync_restores_the_fixture_text_and_records_history(loaded) -> None:
    action = Action.objects.filter(edition=loaded).first()
    original = action.title
    Action.objects.filter(pk=action.pk).update(title="Changed by hand")
    history_before = action.history.count()

    report = load_roadmap(sync=True)

    action.refresh_from_db()
    assert report.updated == 1
    assert action.title == original
    assert action.history.count() == history_before + 1


def test_without_sync_a_curated_edition_is_left_alone(loaded) -> None:
    action = Action.objects.filter(edition=loaded).first()
    Action.objects.filter(pk=action.pk).update(title="Curated by an admin")
    load_roadmap()
    action.refresh_from_db()
    assert action.title == "Curated by an admin"


def test_a_newer_published_edition_stays_current(db) -> None:
    from tests.roadmap.factories import EditionFactory

    newer = EditionFactory(published=True, version_label="2030")
    load_roadmap()
    assert Edition.objects.current() == newer
    assert Edition.objects.get(version_label="2021").status == Edition.Status.DRAFT


def test_command_reports_counts(db, capsys) -> None:
    call_command("load_roadmap")
    call_command("load_roadmap")
    out = capsys.readouterr().out
    assert "0 created, 0 updated" in out.splitlines()[-1]
