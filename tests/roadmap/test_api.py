"""The public read-only roadmap API under /api/v1/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from apps.roadmap.models import Action, Edition
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

ROADMAP_URL = "/api/v1/roadmap/"
ACTIONS_URL = "/api/v1/actions/"
GROUPS_URL = "/api/v1/stakeholder-groups/"
DIMENSIONS_URL = "/api/v1/dimensions/"


def _codes(response: object) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def _get_counting_queries(client: object, url: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def _draft_only_action(groups: list | None = None) -> Action:
    """Action A9.9.9, which exists only in a draft edition."""
    draft = EditionFactory(status=Edition.Status.DRAFT, version_label="2025-draft")
    eg = EndGoalFactory(edition=draft, code="EG1")
    ig = IntermediateGoalFactory(end_goal=eg, code="IG1.1")
    return ActionFactory(
        intermediate_goal=ig, code="A9.9.9", title="Draft only", stakeholder_groups=groups
    )


# --- URL names ---------------------------------------------------------------------------------


def test_it_names_urls_in_the_api_roadmap_namespace() -> None:
    assert reverse("api-roadmap:roadmap") == ROADMAP_URL
    assert reverse("api-roadmap:action-list") == ACTIONS_URL
    assert reverse("api-roadmap:action-detail", kwargs={"code": "A1.2.3"}) == (
        "/api/v1/actions/A1.2.3/"
    )
    assert reverse("api-roadmap:stakeholder-group-list") == GROUPS_URL
    assert reverse("api-roadmap:stakeholder-group-detail", kwargs={"slug": "hta-bodies"}) == (
        "/api/v1/stakeholder-groups/hta-bodies/"
    )
    assert reverse("api-roadmap:dimension-list") == DIMENSIONS_URL
    assert reverse("api-roadmap:dimension-detail", kwargs={"slug": "culture"}) == (
        "/api/v1/dimensions/culture/"
    )


# --- /roadmap/ ---------------------------------------------------------------------------------


def test_it_returns_the_published_roadmap_tree(client: object, small_roadmap: Edition) -> None:
    _draft_only_action()

    response = client.get(ROADMAP_URL)

    assert response.status_code == 200
    data = response.json()
    assert data["version_label"] == "2021"
    assert data["status"] == "published"
    assert data["title"] == "PE Sustainability Roadmap"
    assert data["vision"] == {
        "text": small_roadmap.vision,
        "provenance": "reconstructed",
        "source_passage": "",
    }
    assert data["mission"]["text"] == small_roadmap.mission
    assert data["mission"]["provenance"] == "reconstructed"
    assert data["citation"] == small_roadmap.citation
    assert data["doi"] == "10.1007/s43441-021-00282-z"
    assert data["licence"] == "CC BY 4.0"
    assert data["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["published_at"]
    assert [eg["code"] for eg in data["end_goals"]] == ["EG1", "EG2"]
    eg1 = data["end_goals"][0]
    assert eg1["title"] == "End goal 1"
    assert eg1["html_url"] == "http://testserver/roadmap/end-goals/EG1/"
    assert [ig["code"] for ig in eg1["intermediate_goals"]] == ["IG1.1", "IG1.2"]
    ig11 = eg1["intermediate_goals"][0]
    assert ig11["html_url"] == "http://testserver/roadmap/intermediate-goals/IG1.1/"
    assert [a["code"] for a in ig11["actions"]] == ["A1.1.1", "A1.1.2"]
    assert ig11["actions"][0] == {
        "code": "A1.1.1",
        "title": "Action 1.1.1",
        "description": "Do something that sustains patient engagement.",
        "provenance": "paraphrase",
        "source_passage": "",
        "dimension": "culture",
        "stakeholder_groups": ["patient-organisations"],
        "contributes_to": [],
        "addresses_barriers": [],
        "url": "http://testserver/api/v1/actions/A1.1.1/",
        "html_url": "http://testserver/roadmap/actions/A1.1.1/",
    }
    all_codes = [
        a["code"]
        for eg in data["end_goals"]
        for ig in eg["intermediate_goals"]
        for a in ig["actions"]
    ]
    assert len(all_codes) == 8
    assert "A9.9.9" not in all_codes


def test_it_reads_the_tree_in_a_fixed_number_of_queries(
    client: object, small_roadmap: Edition
) -> None:
    response, before = _get_counting_queries(client, ROADMAP_URL)
    assert response.status_code == 200

    ig = small_roadmap.intermediate_goals.get(code="IG2.2")
    groups = [StakeholderGroupFactory(), StakeholderGroupFactory()]
    for n in range(20):
        ActionFactory(intermediate_goal=ig, code=f"A2.2.{n + 3}", stakeholder_groups=groups)
    eg3 = EndGoalFactory(edition=small_roadmap, code="EG3")
    ActionFactory(intermediate_goal=IntermediateGoalFactory(end_goal=eg3, code="IG3.1"))

    response, after = _get_counting_queries(client, ROADMAP_URL)
    assert response.status_code == 200
    assert len(response.json()["end_goals"][1]["intermediate_goals"][1]["actions"]) == 22
    assert len(after) == len(before), "\n".join(after)


def test_it_returns_json_404_when_nothing_is_published(client: object) -> None:
    EditionFactory(status=Edition.Status.DRAFT)

    response = client.get(ROADMAP_URL)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "published" in response.json()["detail"]


# --- /actions/ ---------------------------------------------------------------------------------


def test_it_lists_the_published_actions(client: object, small_roadmap: Edition) -> None:
    _draft_only_action()

    response = client.get(ACTIONS_URL)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 8
    assert {"next", "previous"} <= data.keys()
    assert _codes(response)[:2] == ["A1.1.1", "A1.1.2"]
    assert "A9.9.9" not in _codes(response)
    assert data["results"][0] == {
        "code": "A1.1.1",
        "title": "Action 1.1.1",
        "description": "Do something that sustains patient engagement.",
        "provenance": "paraphrase",
        "source_passage": "",
        "intermediate_goal": "IG1.1",
        "end_goal": "EG1",
        "dimension": "culture",
        "stakeholder_groups": ["patient-organisations"],
        "url": "http://testserver/api/v1/actions/A1.1.1/",
        "html_url": "http://testserver/roadmap/actions/A1.1.1/",
    }


def test_it_lists_actions_in_a_fixed_number_of_queries(
    client: object, small_roadmap: Edition
) -> None:
    _, before = _get_counting_queries(client, ACTIONS_URL)
    ig = small_roadmap.intermediate_goals.get(code="IG1.1")
    for n in range(20):
        ActionFactory(intermediate_goal=ig, code=f"A1.1.{n + 3}")

    response, after = _get_counting_queries(client, ACTIONS_URL)

    assert response.json()["count"] == 28
    assert len(after) == len(before), "\n".join(after)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stakeholder_group=hta-bodies", ["A1.1.2", "A1.2.2", "A2.1.1", "A2.2.1"]),
        ("stakeholder_group=patient-organisations", ["A1.1.1", "A1.2.1", "A2.1.2", "A2.2.2"]),
        ("dimension=processes", ["A1.1.2", "A1.2.2", "A2.1.2", "A2.2.2"]),
        ("end_goal=EG2", ["A2.1.1", "A2.1.2", "A2.2.1", "A2.2.2"]),
        ("search=A1.2", ["A1.2.1", "A1.2.2"]),
        ("search=action+a1.2", ["A1.2.1", "A1.2.2"]),
        ("search=a2.1.2", ["A2.1.2"]),
        ("search=nothing+like+this", []),
        ("end_goal=EG2&dimension=culture", ["A2.1.1", "A2.2.1"]),
        ("end_goal=EG1&stakeholder_group=hta-bodies&dimension=processes", ["A1.1.2", "A1.2.2"]),
        ("end_goal=EG1&stakeholder_group=hta-bodies&dimension=culture", []),
        ("stakeholder_group=hta-bodies&search=A1", ["A1.1.2", "A1.2.2"]),
    ],
)
def test_it_filters_actions(
    client: object, small_roadmap: Edition, query: str, expected: list[str]
) -> None:
    response = client.get(f"{ACTIONS_URL}?{query}")

    assert response.status_code == 200
    assert sorted(_codes(response)) == expected
    assert response.json()["count"] == len(expected)


def test_it_searches_other_actors(client: object, small_roadmap: Edition) -> None:
    action = Action.objects.get(code="A2.2.1")
    action.other_actors = "Learned societies"
    action.save()

    response = client.get(ACTIONS_URL, {"search": "learned SOCIETIES"})

    assert _codes(response) == ["A2.2.1"]


def test_it_filters_end_goals_of_the_published_edition_only(
    client: object, small_roadmap: Edition
) -> None:
    draft = EditionFactory(status=Edition.Status.DRAFT)
    EndGoalFactory(edition=draft, code="EG7")

    response = client.get(ACTIONS_URL, {"end_goal": "EG7"})

    assert response.status_code == 400
    assert "end_goal" in response.json()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("stakeholder_group", "nobody"),
        ("dimension", "colour"),
        ("end_goal", "EG99"),
        ("end_goal", "x' OR 1=1"),
    ],
)
def test_it_rejects_invalid_filters_with_400(
    client: object, small_roadmap: Edition, name: str, value: str
) -> None:
    response = client.get(ACTIONS_URL, {name: value})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "valid choice" in response.json()[name][0]


def test_it_rejects_an_overlong_search_with_400(client: object, small_roadmap: Edition) -> None:
    response = client.get(ACTIONS_URL, {"search": "x" * 201})

    assert response.status_code == 400
    assert "search" in response.json()


def test_it_paginates_actions(client: object, small_roadmap: Edition) -> None:
    first = client.get(ACTIONS_URL, {"page_size": 3}).json()
    last = client.get(ACTIONS_URL, {"page_size": 3, "page": 3}).json()

    assert first["count"] == 8
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/actions/?page=2&page_size=3"
    assert [r["code"] for r in last["results"]] == ["A2.2.1", "A2.2.2"]
    assert last["next"] is None


def test_it_answers_json_404_past_the_last_page(client: object, small_roadmap: Edition) -> None:
    response = client.get(ACTIONS_URL, {"page": 99})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_it_returns_an_action_in_full(client: object, small_roadmap: Edition) -> None:
    action = Action.objects.get(code="A1.2.2")
    action.other_actors = "Learned societies"
    action.source_passage = "The paper's words."
    action.targets_basis = "paraphrase"
    action.save()
    action.resources.set(
        [
            ResourceFactory(
                slug="paradigm-toolbox",
                title="PARADIGM toolbox",
                kind="toolbox",
                publisher="PARADIGM",
                url="https://imi-paradigm.eu/petoolbox/",
                description="Tools for PE.",
            )
        ]
    )

    response = client.get(f"{ACTIONS_URL}A1.2.2/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "A1.2.2",
        "title": "Action 1.2.2",
        "description": "Do something that sustains patient engagement.",
        "provenance": "paraphrase",
        "source_passage": "The paper's words.",
        "intermediate_goal": {
            "code": "IG1.2",
            "title": "Intermediate goal 1.2",
            "html_url": "http://testserver/roadmap/intermediate-goals/IG1.2/",
        },
        "end_goal": {
            "code": "EG1",
            "title": "End goal 1",
            "html_url": "http://testserver/roadmap/end-goals/EG1/",
        },
        "dimension": {
            "slug": "processes",
            "name": "Processes",
            "url": "http://testserver/api/v1/dimensions/processes/",
        },
        "stakeholder_groups": [
            {
                "slug": "hta-bodies",
                "name": "HTA bodies",
                "url": "http://testserver/api/v1/stakeholder-groups/hta-bodies/",
            }
        ],
        "targets_basis": "paraphrase",
        "other_actors": "Learned societies",
        "resources": [
            {
                "slug": "paradigm-toolbox",
                "title": "PARADIGM toolbox",
                "kind": "toolbox",
                "publisher": "PARADIGM",
                "url": "https://imi-paradigm.eu/petoolbox/",
                "description": "Tools for PE.",
            }
        ],
        "url": "http://testserver/api/v1/actions/A1.2.2/",
        "html_url": "http://testserver/roadmap/actions/A1.2.2/",
    }


def test_it_returns_the_published_action_when_a_draft_shares_its_code(
    client: object, small_roadmap: Edition
) -> None:
    draft = EditionFactory(status=Edition.Status.DRAFT)
    ig = IntermediateGoalFactory(end_goal=EndGoalFactory(edition=draft, code="EG1"), code="IG1.1")
    ActionFactory(intermediate_goal=ig, code="A1.1.1", title="Reworded in the draft")

    response = client.get(f"{ACTIONS_URL}A1.1.1/")

    assert response.status_code == 200
    assert response.json()["title"] == "Action 1.1.1"


def test_it_answers_json_404_for_an_unknown_action(client: object, small_roadmap: Edition) -> None:
    response = client.get(f"{ACTIONS_URL}A7.7.7/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_it_answers_404_for_an_action_only_in_a_draft(
    client: object, small_roadmap: Edition
) -> None:
    _draft_only_action()

    response = client.get(f"{ACTIONS_URL}A9.9.9/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- Read-only -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        ROADMAP_URL,
        ACTIONS_URL,
        f"{ACTIONS_URL}A1.1.1/",
        GROUPS_URL,
        f"{GROUPS_URL}hta-bodies/",
        DIMENSIONS_URL,
        f"{DIMENSIONS_URL}culture/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_writes_with_405(
    client: object, small_roadmap: Edition, url: str, method: str
) -> None:
    response = getattr(client, method)(url, {}, content_type="application/json")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_it_refuses_writes_with_405_for_a_signed_in_user(
    client: object, small_roadmap: Edition, django_user_model: object
) -> None:
    client.force_login(django_user_model.objects.create_user(email="reader@example.org"))

    response = client.delete(f"{ACTIONS_URL}A1.1.1/")

    assert response.status_code == 405
    assert Action.objects.filter(code="A1.1.1").exists()


# --- Stakeholder groups and dimensions ---------------------------------------------------


def test_it_lists_stakeholder_groups_with_published_action_counts(
    client: object, small_roadmap: Edition
) -> None:
    hta = StakeholderGroupFactory(slug="hta-bodies")
    payers = StakeholderGroupFactory(slug="payers", name="Payers", short_name="Payers")
    _draft_only_action(groups=[hta, payers])
    archived = EditionFactory(status=Edition.Status.ARCHIVED)
    ig = IntermediateGoalFactory(end_goal=EndGoalFactory(edition=archived))
    ActionFactory(intermediate_goal=ig, stakeholder_groups=[payers])

    response = client.get(GROUPS_URL)

    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert rows["hta-bodies"]["action_count"] == 4
    assert rows["patient-organisations"]["action_count"] == 4
    assert rows["payers"]["action_count"] == 0
    assert rows["payers"] == {
        "slug": "payers",
        "name": "Payers",
        "short_name": "Payers",
        "description": "",
        "action_count": 0,
        "url": "http://testserver/api/v1/stakeholder-groups/payers/",
        "actions_url": "http://testserver/api/v1/actions/?stakeholder_group=payers",
    }


def test_it_counts_groups_in_the_database(client: object, small_roadmap: Edition) -> None:
    _, before = _get_counting_queries(client, GROUPS_URL)
    StakeholderGroupFactory.create_batch(5)

    response, after = _get_counting_queries(client, GROUPS_URL)

    assert response.json()["count"] == 7
    # One read: the page ends the list, so its rows tell the count (no COUNT query).
    assert len(after) == len(before) == 1, "\n".join(after)


def test_it_returns_a_stakeholder_group(client: object, small_roadmap: Edition) -> None:
    response = client.get(f"{GROUPS_URL}hta-bodies/")

    assert response.status_code == 200
    assert response.json()["name"] == "HTA bodies"
    assert response.json()["action_count"] == 4


def test_it_answers_json_404_for_an_unknown_group(client: object, small_roadmap: Edition) -> None:
    response = client.get(f"{GROUPS_URL}nobody/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_it_lists_dimensions_with_published_action_counts(
    client: object, small_roadmap: Edition
) -> None:
    DimensionFactory(slug="resources")

    response = client.get(DIMENSIONS_URL)

    assert response.status_code == 200
    counts = {row["slug"]: row["action_count"] for row in response.json()["results"]}
    assert counts == {"culture": 4, "processes": 4, "resources": 0}
    detail = client.get(f"{DIMENSIONS_URL}culture/").json()
    assert detail["purpose"] == "to drive stakeholder alignment."


# --- Schema, docs and errors ---------------------------------------------------------------


def test_it_publishes_a_valid_openapi_schema(client: object) -> None:
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    for api_path in (
        "/api/v1/roadmap/",
        "/api/v1/actions/",
        "/api/v1/actions/{code}/",
        "/api/v1/stakeholder-groups/",
        "/api/v1/stakeholder-groups/{slug}/",
        "/api/v1/dimensions/",
    ):
        assert api_path in schema["paths"]
        for operation in schema["paths"][api_path].values():
            assert operation["tags"] == ["roadmap"]
            assert operation["summary"]
    list_params = {p["name"] for p in schema["paths"]["/api/v1/actions/"]["get"]["parameters"]}
    assert {"stakeholder_group", "dimension", "end_goal", "search", "page"} <= list_params


def test_it_generates_the_schema_without_warnings() -> None:
    reset_generator_stats()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("apps.roadmap.api.urls"))])

    generator.get_schema(request=None, public=True)

    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not messages, "\n".join(messages)


def test_it_serves_the_docs_from_static_assets(client: object) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg" not in html


def test_it_answers_json_404_for_an_unknown_api_url(client: object) -> None:
    response = client.get("/api/v1/nope/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
