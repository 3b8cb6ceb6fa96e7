"""Issue 16: the assumptions under the goals and the "contributes to" links between actions and
goals of other branches: loaded with the fixture, copied into drafts, validated to one edition,
shown on the map and its outline, and given by the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import Action, Assumption, Edition, IntermediateGoal, Provenance
from apps.roadmap.services import action_set_contributions, edition_start_draft
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import AssumptionFactory, action_admin_form

pytestmark = pytest.mark.django_db

MAP = reverse("roadmap:map")
API = reverse("api-roadmap:roadmap")


@pytest.fixture
def linked(small_roadmap: Edition) -> Edition:
    """The small roadmap with an assumption on EG1 and on IG1.1, and A1.1.1 → IG2.1."""
    AssumptionFactory(
        end_goal=small_roadmap.end_goals.get(code="EG1"),
        intermediate_goal=None,
        code="AS-EG1-1",
        text="Trust sustains collaboration.",
        provenance=Provenance.VERBATIM,
    )
    AssumptionFactory(
        intermediate_goal=small_roadmap.intermediate_goals.get(code="IG1.1"),
        code="AS-IG1.1-1",
        text="Decision-makers listen to a unified voice.",
    )
    action = small_roadmap.actions.get(code="A1.1.1")
    action_set_contributions(
        action=action, goals=[small_roadmap.intermediate_goals.get(code="IG2.1")]
    )
    return small_roadmap


# --- The fixture ------------------------------------------------------------------------------


def test_the_fixture_loads_assumptions_and_links_once(db) -> None:
    load_roadmap()
    edition = Edition.objects.get(version_label="2021")
    assumptions = Assumption.objects.filter(edition=edition)

    trust = assumptions.get(code="AS-EG1-1")
    assert trust.end_goal.code == "EG1"
    assert trust.provenance == Provenance.VERBATIM
    assert trust.source_passage.startswith("Trust is one of the critical underlying factors")
    assert all(getattr(trust, f"text_{code}") for code in ("fr", "de", "es", "pl"))
    assert {a.provenance for a in assumptions} >= {Provenance.VERBATIM, Provenance.CURATED}
    assert all(a.source_passage for a in assumptions)
    action = Action.objects.get(edition=edition, code="A4.1.2")
    assert [g.code for g in action.contributes_to.all()] == ["IG3.1"]

    report = load_roadmap(sync=True)

    assert not report.changed
    assert Assumption.objects.filter(edition=edition).count() == assumptions.count()


# --- The model and the links' rules ------------------------------------------------------------


def test_an_assumption_belongs_to_exactly_one_goal(small_roadmap: Edition) -> None:
    end_goal = small_roadmap.end_goals.get(code="EG1")
    goal = small_roadmap.intermediate_goals.get(code="IG1.1")
    both = Assumption(
        edition=small_roadmap,
        end_goal=end_goal,
        intermediate_goal=goal,
        code="AS-EG1-1",
        text="x",
    )
    with pytest.raises(ValidationError):
        both.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assumption.objects.create(edition=small_roadmap, code="AS-EG1-2", text="no goal")


def test_an_assumption_s_code_names_its_goal(small_roadmap: Edition) -> None:
    goal = small_roadmap.intermediate_goals.get(code="IG1.1")
    wrong = Assumption(intermediate_goal=goal, code="AS-IG2.1-1", text="x")

    with pytest.raises(ValidationError) as error:
        wrong.full_clean()

    assert "code" in error.value.message_dict
    wrong.code = "AS-IG1.1-1"
    wrong.full_clean()
    assert wrong.edition == small_roadmap  # from its goal


def test_an_action_contributes_only_to_another_goal_of_its_edition(linked: Edition) -> None:
    action = linked.actions.get(code="A1.1.1")
    draft = edition_start_draft(source=linked, version_label="2026.1", by=None)
    elsewhere = draft.intermediate_goals.get(code="IG2.2")

    for goal in (elsewhere, action.intermediate_goal):
        with pytest.raises(ValidationError) as error:
            action_set_contributions(action=action, goals=[goal])
        assert "contributes_to" in error.value.message_dict

    assert [g.code for g in action.contributes_to.all()] == ["IG2.1"]  # unchanged


def test_the_admin_offers_and_accepts_only_goals_of_the_action_s_edition(
    client, linked: Edition
) -> None:
    draft = edition_start_draft(source=linked, version_label="2026.1", by=None)
    action = draft.actions.get(code="A1.2.1")
    client.force_login(UserFactory(staff=True))
    url = reverse("admin:roadmap_action_change", args=[action.pk])

    offered = client.get(url).context["adminform"].form.fields["contributes_to"].queryset
    assert set(offered) == set(draft.intermediate_goals.exclude(code="IG1.2"))

    other_edition = linked.intermediate_goals.get(code="IG2.2")
    refused = client.post(url, action_admin_form(action, contributes_to=[other_edition.pk]))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["contributes_to"]

    target = draft.intermediate_goals.get(code="IG2.2")
    saved = client.post(url, action_admin_form(action, contributes_to=[target.pk]))
    assert saved.status_code == 302
    assert list(action.contributes_to.all()) == [target]


def test_a_draft_copies_assumptions_and_links_into_its_own_tree(linked: Edition) -> None:
    draft = edition_start_draft(source=linked, version_label="2026.1", by=None)

    copies = Assumption.objects.filter(edition=draft)
    assert sorted(copies.values_list("code", flat=True)) == ["AS-EG1-1", "AS-IG1.1-1"]
    assert copies.get(code="AS-EG1-1").end_goal.edition == draft
    assert copies.get(code="AS-IG1.1-1").intermediate_goal.edition == draft
    action = draft.actions.get(code="A1.1.1")
    assert list(action.contributes_to.all()) == [draft.intermediate_goals.get(code="IG2.1")]
    assert Assumption.objects.filter(edition=linked).count() == 2  # the source keeps its own


# --- The map, its outline and the API ----------------------------------------------------------


def test_the_map_marks_assumptions_and_draws_links_dashed_with_a_legend(client, linked) -> None:
    html = client.get(MAP).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]

    assert 'aria-label="EG1 End goal 1 (1 assumption)"' in svg
    assert "⚑1" in svg
    assert 'aria-label="A1.1.1 Action 1.1.1 (also contributes to IG2.1)' in svg
    dashed = svg[svg.index('stroke-dasharray="6 4"') :]
    assert dashed.count("<path ") == 1  # one dashed arrow, apart from the solid ones
    assert 'marker-end="url(#toc-arrow-open)"' in dashed
    assert "a dashed arrow: contributes to" in html  # the legend says it in words
    # The outline lists each goal's assumptions, and each action's goals of other branches.
    outline = html[html.index('id="outline-heading"') :]
    assert "Trust sustains collaboration." in outline
    assert "Decision-makers listen to a unified voice." in outline
    action = outline[outline.index("/roadmap/actions/A1.1.1/") :]
    action = action[: action.index("</li>")]
    assert "also contributes to" in action
    assert 'href="#ig2-1"' in action


def test_the_api_gives_assumptions_and_links(client, linked) -> None:
    data = client.get(API).json()

    eg1 = data["end_goals"][0]
    assert eg1["assumptions"] == [
        {
            "code": "AS-EG1-1",
            "text": "Trust sustains collaboration.",
            "provenance": "verbatim",
            "source_passage": "Trust is one of the critical underlying factors.",
        }
    ]
    ig11 = eg1["intermediate_goals"][0]
    assert [a["code"] for a in ig11["assumptions"]] == ["AS-IG1.1-1"]
    assert ig11["actions"][0]["contributes_to"] == ["IG2.1"]


def test_the_map_and_the_api_read_the_links_in_a_fixed_number_of_queries(
    client, linked, django_assert_max_num_queries
) -> None:
    goal = IntermediateGoal.objects.get(edition=linked, code="IG2.2")
    for code in ("A1.1.2", "A1.2.1"):
        action_set_contributions(action=linked.actions.get(code=code), goals=[goal])
    AssumptionFactory(intermediate_goal=goal, code="AS-IG2.2-1")

    with django_assert_max_num_queries(12):
        client.get(API)
    with django_assert_max_num_queries(15):
        client.get(MAP)


def test_a_goal_s_page_lists_its_assumptions_and_the_actions_contributing_to_it(
    client, linked
) -> None:
    end_goal = client.get(reverse("roadmap:end-goal", kwargs={"code": "EG1"})).content.decode()
    goal = client.get(reverse("roadmap:intermediate-goal", kwargs={"code": "IG2.1"}))

    assert "Trust sustains collaboration." in end_goal
    html = goal.content.decode()
    contributors = html[html.index('id="contributors-heading"') :]
    assert "/roadmap/actions/A1.1.1/" in contributors


def test_curators_edit_a_draft_s_assumptions_on_its_goal_s_page(client, linked) -> None:
    draft = edition_start_draft(source=linked, version_label="2026.1", by=None)
    client.force_login(UserFactory(staff=True))
    draft_goal = draft.end_goals.get(code="EG1")
    published_goal = linked.end_goals.get(code="EG1")

    editable = client.get(reverse("admin:roadmap_endgoal_change", args=[draft_goal.pk]))
    record = client.get(reverse("admin:roadmap_endgoal_change", args=[published_goal.pk]))

    inline = next(
        f for f in editable.context["inline_admin_formsets"] if f.opts.model is Assumption
    )
    assert inline.has_add_permission
    assert [form.instance.code for form in inline.formset.forms] == ["AS-EG1-1"]
    inline = next(f for f in record.context["inline_admin_formsets"] if f.opts.model is Assumption)
    assert not inline.has_add_permission
    assert not inline.has_change_permission
