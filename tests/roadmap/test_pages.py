"""The public roadmap pages: content, 404s, the catalogue's filters, query counts, markup."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.roadmap.models import Edition, Provenance
from tests.roadmap.factories import (
    ActionFactory,
    DimensionFactory,
    EditionFactory,
    EndGoalFactory,
    IntermediateGoalFactory,
    ResourceFactory,
    StakeholderGroupFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("roadmap:home")
MAP = reverse("roadmap:map")
ACTIONS = reverse("roadmap:actions")
RESOURCES = reverse("roadmap:resources")


def _action_codes(html: str) -> set[str]:
    """Codes of the actions a catalogue page lists, read from their links."""
    return set(re.findall(r'href="/roadmap/actions/(A[\d.]+)/"', html))


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_end_goal_with_actions(edition: Edition, number: int, actions: int) -> None:
    """A new end goal with two intermediate goals sharing ``actions`` actions, with resources."""
    eg = EndGoalFactory(edition=edition, code=f"EG{number}", title=f"End goal {number}")
    groups = [StakeholderGroupFactory(), StakeholderGroupFactory()]
    for n in range(actions):
        ig_number = n % 2 + 1
        ig, _ = eg.intermediate_goals.get_or_create(
            edition=edition,
            code=f"IG{number}.{ig_number}",
            defaults={"title": f"Intermediate goal {number}.{ig_number}"},
        )
        action = ActionFactory(
            intermediate_goal=ig,
            code=f"A{number}.{ig_number}.{n + 1}",
            dimension=DimensionFactory(slug="resources"),
            stakeholder_groups=groups,
        )
        action.resources.set([ResourceFactory()])


# --- Home --------------------------------------------------------------------------


def test_it_shows_the_home_page_with_vision_mission_end_goals_and_citation(client, small_roadmap):
    small_roadmap.vision = "A distinctive vision sentence."
    small_roadmap.mission = "A distinctive mission sentence."
    small_roadmap.save()

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "PARADIGM PE Sustainability Roadmap" in html
    assert "A distinctive vision sentence." in html
    assert "A distinctive mission sentence." in html
    for code in ("EG1", "EG2"):
        assert f'href="/roadmap/end-goals/{code}/"' in html
    assert small_roadmap.citation in html
    assert 'href="https://doi.org/10.1007/s43441-021-00282-z"' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "CC BY 4.0" in html
    assert f'href="{MAP}"' in html
    assert 'href="/api/docs/"' in html


@pytest.mark.parametrize("url", [HOME, MAP, "/roadmap/end-goals/EG1/", "/roadmap/actions/A1.1.1/"])
def test_a_page_cites_the_paper_once(client, small_roadmap, url):
    """Issue 15: every item's source note repeated the full citation (six times on the home
    page with the real roadmap); the notes say where each text comes from, and the footer
    cites the paper once, on every page."""
    html = client.get(url).content.decode()

    assert html.count(small_roadmap.citation) == 1
    assert 'class="source-note' in html


def test_it_links_the_home_page_to_the_catalogue_for_each_stakeholder_group(client, small_roadmap):
    html = client.get(HOME).content.decode()

    assert f'href="{ACTIONS}?stakeholder_group=patient-organisations"' in html
    assert f'href="{ACTIONS}?stakeholder_group=hta-bodies"' in html


def test_it_shows_a_message_on_the_home_page_when_no_edition_is_published(client, db):
    EditionFactory(status=Edition.Status.DRAFT, vision="Draft vision, not for readers.")

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "not published yet" in html
    assert "Draft vision, not for readers." not in html


def test_it_labels_reconstructed_vision_as_the_editors_work(client, small_roadmap):
    small_roadmap.vision_source = "achieve meaningful and sustainable PE"
    small_roadmap.save()

    html = client.get(HOME).content.decode()

    assert "Reconstructed by the portal editors" in html
    assert "<details>" in html
    assert "achieve meaningful and sustainable PE" in html


def test_it_shows_the_citation_and_licence_in_the_footer_of_every_page(client, small_roadmap):
    for url in (MAP, ACTIONS, "/roadmap/actions/A1.1.1/", "/no-such-page/"):
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        assert small_roadmap.citation in footer, url
        assert "Roadmap content © the authors" in footer, url
        assert 'rel="license"' in footer, url


# --- Map ---------------------------------------------------------------------------


def test_it_shows_the_whole_roadmap_on_the_map(client, small_roadmap):
    response = client.get(MAP)

    assert response.status_code == 200
    html = response.content.decode()
    assert small_roadmap.vision in html
    assert small_roadmap.mission in html
    for e in (1, 2):
        assert f'href="/roadmap/end-goals/EG{e}/"' in html
        assert f'href="#eg{e}"' in html  # "on this page"
        assert f'id="eg{e}"' in html
        for i in (1, 2):
            assert f'href="/roadmap/intermediate-goals/IG{e}.{i}/"' in html
            for a in (1, 2):
                assert f'href="/roadmap/actions/A{e}.{i}.{a}/"' in html
                assert f"Action {e}.{i}.{a}" in html


def test_it_shows_dimension_and_group_count_as_text_on_the_map(client, small_roadmap):
    html = client.get(MAP).content.decode()

    assert "Culture" in html
    assert "Processes" in html
    assert "1 stakeholder group" in html


def test_it_shows_the_map_in_a_fixed_number_of_queries(client, small_roadmap):
    before = _count_queries(client, MAP)
    _add_end_goal_with_actions(small_roadmap, 3, actions=20)

    after = _count_queries(client, MAP)

    assert "A3.2.20" in client.get(MAP).content.decode()
    assert after == before


def test_it_shows_a_message_on_the_map_when_no_edition_is_published(client, db):
    response = client.get(MAP)

    assert response.status_code == 200
    assert "not published yet" in response.content.decode()


# --- Detail pages ------------------------------------------------------------------


def test_it_shows_an_end_goal_with_its_intermediate_goals(client, small_roadmap):
    response = client.get(reverse("roadmap:end-goal", kwargs={"code": "EG1"}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "End goal 1" in html
    assert 'href="/roadmap/intermediate-goals/IG1.1/"' in html
    assert 'href="/roadmap/intermediate-goals/IG1.2/"' in html
    assert "IG2.1" not in html
    assert 'aria-label="Breadcrumb"' in html
    assert "Verbatim from the paper" in html


def test_it_shows_an_intermediate_goal_with_its_parent_and_actions(client, small_roadmap):
    response = client.get(reverse("roadmap:intermediate-goal", kwargs={"code": "IG1.2"}))

    assert response.status_code == 200
    html = response.content.decode()
    breadcrumb = html[
        html.index('aria-label="Breadcrumb"') : html.index(
            "</nav>", html.index('aria-label="Breadcrumb"')
        )
    ]
    assert 'href="/roadmap/end-goals/EG1/"' in breadcrumb
    assert 'href="/roadmap/actions/A1.2.1/"' in html
    assert 'href="/roadmap/actions/A1.2.2/"' in html
    assert "A1.1.1" not in html
    assert "Reconstructed by the portal editors: the paper&#x27;s heading was lost" in html


def test_it_shows_an_action_with_groups_dimension_resources_and_provenance(client, small_roadmap):
    action = small_roadmap.actions.get(code="A1.2.1")
    action.targets_basis = "all_stakeholders"
    action.other_actors = "learned societies"
    action.source_passage = "Stakeholders should train their staff."
    action.save()
    action.resources.set(
        [
            ResourceFactory(
                title="PE Quality Guidance",
                description="Seven quality criteria.",
                url="https://example.org/guidance",
            )
        ]
    )

    response = client.get(reverse("roadmap:action", kwargs={"code": "A1.2.1"}))

    assert response.status_code == 200
    html = response.content.decode()
    breadcrumb = html[
        html.index('aria-label="Breadcrumb"') : html.index(
            "</nav>", html.index('aria-label="Breadcrumb"')
        )
    ]
    assert 'href="/roadmap/end-goals/EG1/"' in breadcrumb
    assert 'href="/roadmap/intermediate-goals/IG1.2/"' in breadcrumb
    who = html[html.index('id="groups-heading"') : html.index('id="dimension-heading"')]
    assert "Patients and POs" in who  # conftest: A1.2.1 targets groups[(1 + 1) % 2]
    assert "HTA bodies" not in who
    assert "The paper addresses all stakeholders" in html
    assert "learned societies" in html
    assert "Culture" in html
    assert "this is the editors' judgement" in html
    assert 'href="https://example.org/guidance"' in html
    assert "Seven quality criteria." in html
    assert "Guidance" in html  # the resource kind
    assert "Paraphrased from the paper" in html
    assert "Stakeholders should train their staff." in html
    assert small_roadmap.citation in html


@pytest.mark.parametrize(
    ("name", "code"),
    [("end-goal", "EG9"), ("intermediate-goal", "IG9.9"), ("action", "A9.9.9")],
)
def test_it_answers_404_for_an_unknown_code(client, small_roadmap, name, code):
    response = client.get(reverse(f"roadmap:{name}", kwargs={"code": code}))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert f'href="{MAP}"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "code"),
    [("end-goal", "EG7"), ("intermediate-goal", "IG7.1"), ("action", "A7.1.1")],
)
def test_it_answers_404_for_a_code_of_a_draft_edition(client, small_roadmap, name, code):
    draft = EditionFactory(status=Edition.Status.DRAFT)
    eg = EndGoalFactory(edition=draft, code="EG7")
    ig = IntermediateGoalFactory(end_goal=eg, code="IG7.1")
    ActionFactory(intermediate_goal=ig, code="A7.1.1")

    response = client.get(reverse(f"roadmap:{name}", kwargs={"code": code}))

    assert response.status_code == 404


def test_it_shows_the_published_item_when_a_draft_has_the_same_code(client, small_roadmap):
    draft = EditionFactory(status=Edition.Status.DRAFT)
    EndGoalFactory(edition=draft, code="EG1", title="Draft wording of EG1")

    html = client.get(reverse("roadmap:end-goal", kwargs={"code": "EG1"})).content.decode()

    assert "End goal 1" in html
    assert "Draft wording of EG1" not in html


# --- Catalogue ---------------------------------------------------------------------


def test_it_lists_every_published_action_in_the_catalogue(client, small_roadmap):
    draft = EditionFactory(status=Edition.Status.DRAFT)
    ActionFactory(intermediate_goal__end_goal__edition=draft, code="A8.1.1")

    response = client.get(ACTIONS)

    assert response.status_code == 200
    html = response.content.decode()
    assert _action_codes(html) == {f"A{e}.{i}.{a}" for e in (1, 2) for i in (1, 2) for a in (1, 2)}
    assert re.search(r'role="status"[^>]*>\s*8 actions\s*</p>', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # conftest: action A{e}.{i}.{a} targets groups[(e + a) % 2], dimension dims[a - 1].
        ("stakeholder_group=patient-organisations", {"A1.1.1", "A1.2.1", "A2.1.2", "A2.2.2"}),
        ("stakeholder_group=hta-bodies", {"A1.1.2", "A1.2.2", "A2.1.1", "A2.2.1"}),
        ("dimension=culture", {"A1.1.1", "A1.2.1", "A2.1.1", "A2.2.1"}),
        ("dimension=processes", {"A1.1.2", "A1.2.2", "A2.1.2", "A2.2.2"}),
        ("end_goal=EG2", {"A2.1.1", "A2.1.2", "A2.2.1", "A2.2.2"}),
        ("end_goal=EG1&dimension=processes", {"A1.1.2", "A1.2.2"}),
        ("search=Action+2.1.1", {"A2.1.1"}),  # every word must match
        ("search=A1.2.2", {"A1.2.2"}),
    ],
)
def test_it_narrows_the_catalogue_with_each_filter(client, small_roadmap, query, expected):
    response = client.get(f"{ACTIONS}?{query}")

    assert response.status_code == 200
    assert _action_codes(response.content.decode()) == expected


def test_it_searches_action_descriptions(client, small_roadmap):
    action = small_roadmap.actions.get(code="A2.2.1")
    action.description = "Publish a yearly benchmarking report."
    action.save()

    html = client.get(f"{ACTIONS}?search=benchmarking").content.decode()

    assert _action_codes(html) == {"A2.2.1"}
    assert re.search(r'role="status"[^>]*>\s*1 action\s*</p>', html)


def test_it_shows_no_results_message_when_nothing_matches(client, small_roadmap):
    html = client.get(f"{ACTIONS}?search=nothing-like-this").content.decode()

    assert _action_codes(html) == set()
    assert "0 actions" in html
    assert "No actions match these filters." in html


@pytest.mark.parametrize(
    "query", ["dimension=nope", "stakeholder_group=nope", "end_goal=EG99", "search=" + "x" * 201]
)
def test_it_shows_the_form_error_for_an_invalid_filter_value(client, small_roadmap, query):
    response = client.get(f"{ACTIONS}?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html
    assert "not valid" in html
    # Documented choice: an invalid filter lists no actions rather than ignoring the filter.
    assert _action_codes(html) == set()


def test_it_keeps_the_chosen_filters_in_the_form(client, small_roadmap):
    html = client.get(f"{ACTIONS}?dimension=processes&search=Action").content.decode()

    assert re.search(r'<option value="processes"[^>]*selected', html)
    assert 'value="Action"' in html
    assert "Clear filters" in html


def test_it_does_not_offer_end_goals_of_a_draft_edition_as_filters(client, small_roadmap):
    draft = EditionFactory(status=Edition.Status.DRAFT)
    EndGoalFactory(edition=draft, code="EG5", title="Draft-only end goal")

    html = client.get(ACTIONS).content.decode()

    assert "Draft-only end goal" not in html


def test_it_shows_the_catalogue_in_a_fixed_number_of_queries(client, small_roadmap):
    before = _count_queries(client, ACTIONS)
    _add_end_goal_with_actions(small_roadmap, 3, actions=20)

    after = _count_queries(client, ACTIONS)

    assert len(_action_codes(client.get(ACTIONS).content.decode())) == 28
    assert after == before


def test_it_shows_a_filtered_catalogue_in_a_fixed_number_of_queries(client, small_roadmap):
    url = f"{ACTIONS}?search=Action&end_goal=EG1"
    before = _count_queries(client, url)
    _add_end_goal_with_actions(small_roadmap, 3, actions=20)
    small_roadmap.actions.filter(code__startswith="A3.").update(
        intermediate_goal=small_roadmap.intermediate_goals.get(code="IG1.1")
    )

    after = _count_queries(client, url)

    assert len(_action_codes(client.get(url).content.decode())) == 24
    assert after == before


# --- Resources -----------------------------------------------------------------------


def test_the_resources_page_lists_each_tool_by_kind_with_the_published_actions_it_serves(
    client, small_roadmap
):
    tool = ResourceFactory(
        title="Plan your engagement", kind="tool", publisher="PARADIGM", phase="planning"
    )
    small_roadmap.actions.get(code="A1.1.1").resources.add(tool)
    draft = EditionFactory(status=Edition.Status.DRAFT, version_label="next")
    draft_action = ActionFactory(
        intermediate_goal=IntermediateGoalFactory(end_goal=EndGoalFactory(edition=draft)),
        code="A7.7.7",
    )
    draft_action.resources.add(tool)
    unused = ResourceFactory(title="Unlinked guidance")

    html = client.get(RESOURCES).content.decode()

    assert 'id="kind-tool"' in html
    assert "Plan your engagement" in html
    assert "PARADIGM" in html
    assert 'href="/roadmap/actions/A1.1.1/"' in html
    assert "A7.7.7" not in html  # a draft's action is not offered
    assert unused.title in html
    assert "Not linked to an action of the current roadmap." in html


def test_the_resources_page_takes_a_fixed_number_of_queries(client, small_roadmap):
    ResourceFactory()
    before = _count_queries(client, RESOURCES)
    _add_end_goal_with_actions(small_roadmap, 3, actions=20)

    assert _count_queries(client, RESOURCES) == before


# --- Escaping and markup -------------------------------------------------------------

XSS = '<script>alert("x")</script>'


@pytest.mark.parametrize(
    "url",
    [MAP, ACTIONS, "/roadmap/actions/A1.1.1/", "/roadmap/intermediate-goals/IG1.1/"],
)
def test_it_escapes_html_in_an_action_title(client, small_roadmap, url):
    action = small_roadmap.actions.get(code="A1.1.1")
    action.title = XSS
    action.save()

    html = client.get(url).content.decode()

    assert XSS not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_it_escapes_html_in_a_source_passage(client, small_roadmap):
    action = small_roadmap.actions.get(code="A1.1.1")
    action.source_passage = XSS
    action.save()

    html = client.get("/roadmap/actions/A1.1.1/").content.decode()

    assert XSS not in html


PAGES = [
    HOME,
    MAP,
    ACTIONS,
    f"{ACTIONS}?dimension=nope",
    "/roadmap/end-goals/EG1/",
    "/roadmap/intermediate-goals/IG1.1/",
    "/roadmap/actions/A1.1.1/",
    "/roadmap/actions/A9.9.9/",  # the 404 page
    RESOURCES,
]


@pytest.mark.parametrize("url", PAGES)
def test_it_has_one_h1_a_skip_link_and_a_main_landmark(client, small_roadmap, url):
    html = client.get(url).content.decode()

    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'href="#main"' in html
    assert len(re.findall(r'<main[^>]*id="main"', html)) == 1
    assert '<html lang="en"' in html


@pytest.mark.parametrize("url", PAGES)
def test_it_has_no_inline_script_or_style(client, small_roadmap, url):
    html = client.get(url).content.decode()

    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_it_marks_the_current_page_in_the_nav(client, small_roadmap):
    html = client.get(MAP).content.decode()

    assert re.search(rf'href="{MAP}"\s*aria-current="page"', html)
    assert not re.search(rf'href="{ACTIONS}"\s*aria-current="page"', html)


def test_it_shows_the_admin_link_only_to_staff(client, small_roadmap, django_user_model):
    assert 'href="/admin/"' not in client.get(HOME).content.decode()

    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)

    assert 'href="/admin/"' in client.get(HOME).content.decode()


def test_it_renders_the_500_page_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert '<html lang="en"' in html


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (Provenance.VERBATIM, "Verbatim from the paper"),
        (Provenance.PARAPHRASE, "Paraphrased from the paper"),
        (Provenance.RECONSTRUCTED, "Reconstructed by the portal editors: the paper's heading"),
    ],
)
def test_it_renders_each_provenance_with_a_human_label(value, label):
    html = render_to_string(
        "roadmap/_provenance.html",
        {"provenance": value, "passage": "", "edition": None},
    )

    assert label.replace("'", "&#x27;") in html
    assert "<details>" not in html


def test_it_does_not_crash_on_the_catalogue_with_no_published_edition(client, db):
    response = client.get(ACTIONS)

    assert response.status_code == 200
    assert "0 actions" in response.content.decode()
