"""The OpenAPI schema documents every endpoint of the accounts and organisations API."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/auth/token/": {"post", "delete"},
    "/api/v1/me/": {"get"},
    "/api/v1/organisations/": {"get", "post"},
    "/api/v1/organisations/{slug}/": {"get", "patch"},
    "/api/v1/organisations/{slug}/members/": {"get", "post"},
    "/api/v1/organisations/{slug}/members/{id}/": {"get", "patch", "delete"},
    "/api/v1/organisations/{slug}/invitations/": {"get", "post"},
    "/api/v1/organisations/{slug}/invitations/{id}/": {"get", "delete"},
}


def test_it_documents_every_path_with_tags_and_summaries(client: object) -> None:
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    for api_path, methods in PATHS.items():
        assert api_path in schema["paths"], api_path
        operations = {m: op for m, op in schema["paths"][api_path].items() if m != "parameters"}
        assert set(operations) == methods, api_path
        for operation in operations.values():
            assert operation["tags"], api_path
            assert operation["summary"], api_path
            assert operation["description"], api_path


def test_it_says_that_posting_a_member_creates_an_invitation(client: object) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/organisations/{slug}/members/"]["post"]

    assert "invitation" in operation["description"]
    assert operation["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Invitation"
    }


def test_it_marks_member_only_fields_optional(client: object) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()

    organisation = schema["components"]["schemas"]["Organisation"]

    assert {"status", "in_directory", "role"} <= set(organisation["properties"])
    assert not {"status", "in_directory", "role"} & set(organisation["required"])
    assert "token" not in schema["components"]["schemas"]["Invitation"]["properties"]


def test_it_documents_the_list_filters(client: object) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]

    assert {"stakeholder_group", "country", "region", "page"} <= {p["name"] for p in parameters}


def test_it_generates_the_schema_of_every_api_without_warnings() -> None:
    """Every app's API, as the project serves it: one generation over the root URLconf."""
    reset_generator_stats()
    generator = SchemaGenerator(urlconf="roadmap_portal.urls")

    schema = generator.get_schema(request=None, public=True)

    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not messages, "\n".join(messages)
    assert {"/api/v1/metrics/", "/api/v1/organisations/"} <= set(schema["paths"])
