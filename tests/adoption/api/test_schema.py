"""The OpenAPI schema documents every endpoint of the adoption API."""

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ADOPTIONS = "/api/v1/organisations/{slug}/adoptions/"
PARTNERSHIPS = "/api/v1/organisations/{slug}/partnerships/"
PATHS = {
    "/api/v1/metrics/": {"get"},
    ADOPTIONS: {"get", "post"},
    f"{ADOPTIONS}{{id}}/": {"get", "patch"},
    f"{ADOPTIONS}{{id}}/progress/": {"get", "post"},
    f"{ADOPTIONS}{{id}}/progress/{{entry_id}}/correct/": {"post"},
    f"{ADOPTIONS}{{id}}/progress/{{entry_id}}/confirm/": {"post"},
    f"{ADOPTIONS}{{id}}/partners/": {"post"},
    f"{PARTNERSHIPS}": {"get"},
    f"{PARTNERSHIPS}{{id}}/": {"get"},
    f"{PARTNERSHIPS}{{id}}/accept/": {"post"},
    f"{PARTNERSHIPS}{{id}}/decline/": {"post"},
    f"{PARTNERSHIPS}{{id}}/withdraw/": {"post"},
    f"{PARTNERSHIPS}{{id}}/objectives/": {"post"},
    f"{PARTNERSHIPS}{{id}}/objectives/{{objective_id}}/confirm/": {"post"},
    "/api/v1/organisations/{slug}/assessments/": {"get", "post"},
}


@pytest.fixture
def schema(client: object) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_it_documents_every_path_with_tags_and_summaries(schema: dict) -> None:
    validate_schema(schema)
    for api_path, methods in PATHS.items():
        assert api_path in schema["paths"], api_path
        operations = {m: op for m, op in schema["paths"][api_path].items() if m != "parameters"}
        assert set(operations) == methods, api_path
        for operation in operations.values():
            assert operation["tags"], api_path
            assert operation["summary"], api_path
            assert operation["description"], api_path


def test_it_documents_progress_as_json_or_multipart(schema: dict) -> None:
    for api_path in (
        f"{ADOPTIONS}{{id}}/progress/",
        f"{ADOPTIONS}{{id}}/progress/{{entry_id}}/correct/",
    ):
        content = schema["paths"][api_path]["post"]["requestBody"]["content"]
        assert set(content) == {"application/json", "multipart/form-data"}
    form = schema["components"]["schemas"]["ProgressEntryMultipartRequest"]["properties"]
    assert form["files"] == {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "description": form["files"]["description"],
    }
    assert form["metrics"]["type"] == "string"  # a JSON list in one form field
    assert "files" not in schema["components"]["schemas"]["ProgressEntryJSONRequest"]["properties"]


def test_every_status_field_shares_one_enum(schema: dict) -> None:
    components = schema["components"]["schemas"]
    enum = {"$ref": "#/components/schemas/AdoptionStatusEnum"}

    assert components["AdoptionStatusEnum"]["enum"][0] == "planned"
    assert components["Adoption"]["properties"]["status"]["allOf"] == [enum]
    assert components["ProgressEntry"]["properties"]["status_to"]["allOf"] == [enum]


def test_it_documents_the_list_filters(schema: dict) -> None:
    parameters = schema["paths"][ADOPTIONS]["get"]["parameters"]

    assert {"status", "end_goal", "dimension", "owner", "page"} <= {p["name"] for p in parameters}


def test_it_documents_the_partnerships(schema: dict) -> None:
    components = schema["components"]["schemas"]
    asked = schema["paths"][f"{ADOPTIONS}{{id}}/partners/"]["post"]
    accepted = schema["paths"][f"{PARTNERSHIPS}{{id}}/accept/"]["post"]

    assert asked["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Partnership"
    }
    assert "requestBody" not in accepted
    assert {"organisation", "message"} == set(components["PartnershipRequestRequest"]["properties"])
    assert components["Adoption"]["properties"]["partners"]["readOnly"] is True
    assert "partners" not in components["PatchedAdoptionWriteRequest"]["properties"]
    assert "partners" not in components["AdoptionCreateRequest"]["properties"]
    assert {"organisation", "confirmations"} <= set(components["ProgressEntry"]["properties"])
