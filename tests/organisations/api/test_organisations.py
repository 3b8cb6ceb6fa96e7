"""/api/v1/organisations/ and /api/v1/organisations/<slug>/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/organisations/"
# What the public directory shows (organisation, stakeholder group, country, region, level,
# website), with the slug and the record's address.
PUBLIC_FIELDS = {
    "slug",
    "name",
    "stakeholder_group",
    "country",
    "region",
    "level",
    "website",
    "url",
}
MEMBER_ONLY_FIELDS = {"description", "status", "in_directory", "role"}
MEMBER_FIELDS = PUBLIC_FIELDS | MEMBER_ONLY_FIELDS
# What anyone reads of the ``listed`` organisation, in the list and in the detail.
LISTED_PUBLIC = {
    "slug": "listed-foundation",
    "name": "Listed Foundation",
    "stakeholder_group": "patient-organisations",
    "country": "PL",
    "region": "cee",
    "level": "european",
    "website": "https://listed.example.org",
    "url": "http://testserver/api/v1/organisations/listed-foundation/",
}


def _detail(slug: str) -> str:
    return f"{LIST_URL}{slug}/"


def _slugs(response: object) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def listed(patients_group: object) -> Organisation:
    return OrganisationFactory(
        name="Listed Foundation",
        slug="listed-foundation",
        stakeholder_group=patients_group,
        country="PL",
        level="european",
        website="https://listed.example.org",
        description="We are in the directory.",
        listed=True,
    )


@pytest.fixture
def registration(patients_group: object) -> dict:
    return {
        "name": "New Patients' Alliance",
        "stakeholder_group": "patient-organisations",
        "country": "DE",
        "level": "national",
        "website": "https://alliance.example.org",
        "description": "Patients, together.",
    }


def test_it_names_the_urls() -> None:
    assert reverse("api-organisations:organisation-list") == LIST_URL
    assert reverse("api-organisations:organisation-detail", kwargs={"slug": "x"}) == _detail("x")


# --- List -----------------------------------------------------------------------------------


def test_it_lists_the_directory_for_anonymous_callers(
    anonymous: APIClient, org: Organisation, listed: Organisation
) -> None:
    OrganisationFactory(slug="pending-org")
    OrganisationFactory(slug="rejected-org", rejected=True, in_directory=True)

    response = anonymous.get(LIST_URL)

    assert response.status_code == 200
    assert _slugs(response) == ["listed-foundation"]
    assert response.json()["results"][0] == LISTED_PUBLIC


def test_it_lists_the_directory_and_my_own_organisations(
    api_as: object, owner: User, org: Organisation, listed: Organisation, outsider: User
) -> None:
    mine_pending = OrganisationFactory(name="My pending", slug="my-pending")
    MembershipFactory(organisation=mine_pending, user=owner, role=Role.CONTRIBUTOR)
    OrganisationFactory(name="Someone else's pending", slug="others-pending")

    response = api_as(owner).get(LIST_URL)

    assert response.status_code == 200
    assert _slugs(response) == ["listed-foundation", "my-pending", "patients-united"]
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert set(rows["listed-foundation"]) == PUBLIC_FIELDS
    assert set(rows["patients-united"]) == MEMBER_FIELDS
    assert rows["patients-united"]["role"] == "admin"
    assert rows["patients-united"]["status"] == "verified"
    assert rows["my-pending"]["status"] == "pending"
    assert rows["my-pending"]["role"] == "contributor"


def test_it_shows_member_fields_for_my_listed_organisation(
    api_as: object, listed: Organisation
) -> None:
    member = MembershipFactory(organisation=listed, role=Role.VIEWER).user

    row = api_as(member).get(LIST_URL).json()["results"][0]

    assert row["role"] == "viewer"
    assert row["in_directory"] is True


def test_it_hides_other_peoples_unlisted_organisations(
    api_as: object, org: Organisation, owner: User, outsider: User
) -> None:
    response = api_as(outsider).get(LIST_URL)

    assert _slugs(response) == ["elsewhere"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stakeholder_group": "hta-bodies"}, ["hta-belgium"]),
        ({"country": "BE"}, ["hta-belgium", "patients-belgium"]),
        ({"region": "cee"}, ["listed-foundation"]),
        ({"region": "western", "stakeholder_group": "patient-organisations"}, ["patients-belgium"]),
    ],
)
def test_it_filters_the_list(
    anonymous: APIClient, listed: Organisation, query: dict, expected: list[str]
) -> None:
    hta = StakeholderGroupFactory(slug="hta-bodies")
    OrganisationFactory(name="HTA Belgium", slug="hta-belgium", stakeholder_group=hta, listed=True)
    OrganisationFactory(
        name="Patients Belgium",
        slug="patients-belgium",
        stakeholder_group=listed.stakeholder_group,
        listed=True,
    )

    response = anonymous.get(LIST_URL, query)

    assert response.status_code == 200
    assert _slugs(response) == expected


@pytest.mark.parametrize(
    "query", [{"stakeholder_group": "nobody"}, {"country": "XX"}, {"region": "atlantis"}]
)
def test_it_rejects_unknown_filter_values_with_400(anonymous: APIClient, query: dict) -> None:
    response = anonymous.get(LIST_URL, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_it_paginates(anonymous: APIClient, patients_group: object) -> None:
    OrganisationFactory.create_batch(3, stakeholder_group=patients_group, listed=True)

    data = anonymous.get(LIST_URL, {"page_size": 2}).json()

    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]


def test_it_lists_in_a_fixed_number_of_queries(
    api_as: object, owner: User, patients_group: object
) -> None:
    client = api_as(owner)
    OrganisationFactory.create_batch(2, stakeholder_group=patients_group, listed=True)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST_URL)
    for _ in range(5):
        MembershipFactory(
            user=owner,
            role=Role.VIEWER,
            organisation=OrganisationFactory(stakeholder_group=StakeholderGroupFactory()),
        )
        OrganisationFactory(stakeholder_group=StakeholderGroupFactory(), listed=True)

    with CaptureQueriesContext(connection) as after:
        response = client.get(LIST_URL)

    assert response.json()["count"] == 13
    sql = [q["sql"] for q in after.captured_queries]
    assert len(sql) == len(before.captured_queries), "\n".join(sql)


# --- Register -------------------------------------------------------------------------------


def test_it_registers_an_organisation(api_as: object, registration: dict) -> None:
    user = UserFactory(email="founder@example.org")

    response = api_as(user).post(LIST_URL, registration)

    assert response.status_code == 201
    data = response.json()
    organisation = Organisation.objects.get(slug=data["slug"])
    assert data["slug"] == "new-patients-alliance"
    assert data["name"] == "New Patients' Alliance"
    assert data["status"] == "pending"
    assert data["role"] == "admin"
    assert data["region"] == "western"
    assert data["in_directory"] is False
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.created_by == user
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    assert AuditEvent.objects.filter(organisation=organisation, verb="organisation.registered")


def test_it_lets_the_registrant_ask_for_the_directory(api_as: object, registration: dict) -> None:
    response = api_as(UserFactory()).post(LIST_URL, {**registration, "in_directory": True})

    assert response.status_code == 201
    assert Organisation.objects.get(slug=response.json()["slug"]).in_directory is True


def test_registering_needs_a_signed_in_caller(anonymous: APIClient, registration: dict) -> None:
    response = anonymous.post(LIST_URL, registration)

    assert response.status_code == 401
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"stakeholder_group": "nobody"}, "stakeholder_group"),
        ({"website": "not a url"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"level": "galactic"}, "level"),
        ({"description": "x" * 1001}, "description"),
        ({"in_directory": "perhaps"}, "in_directory"),
    ],
)
def test_it_rejects_bad_registrations_with_400(
    api_as: object, registration: dict, change: dict, field: str
) -> None:
    response = api_as(UserFactory()).post(LIST_URL, {**registration, **change})

    assert response.status_code == 400
    assert field in response.json()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("missing", ["name", "stakeholder_group", "country", "level"])
def test_it_requires_the_essential_fields(api_as: object, registration: dict, missing: str) -> None:
    del registration[missing]

    response = api_as(UserFactory()).post(LIST_URL, registration)

    assert response.status_code == 400
    assert missing in response.json()


def test_it_ignores_read_only_fields_on_registration(api_as: object, registration: dict) -> None:
    payload = {**registration, "status": "verified", "slug": "chosen", "region": "cee"}

    response = api_as(UserFactory()).post(LIST_URL, payload)

    assert response.status_code == 201
    organisation = Organisation.objects.get()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.slug == "new-patients-alliance"
    assert organisation.region == "western"


def test_it_rejects_a_non_object_body_with_400(api_as: object) -> None:
    response = api_as(UserFactory()).post(LIST_URL, ["a", "list"], format="json")

    assert response.status_code == 400


def test_html_in_a_name_round_trips_as_plain_data(api_as: object, registration: dict) -> None:
    name = '<script>alert("x")</script> & <b>Friends</b>'

    response = api_as(UserFactory()).post(LIST_URL, {**registration, "name": name})

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == name
    slug = response.json()["slug"]
    assert api_as(Organisation.objects.get().created_by).get(_detail(slug)).json()["name"] == name


# --- Retrieve -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_members_retrieve_their_organisation(
    api_as: object, personas: dict, org: Organisation, persona: str
) -> None:
    response = api_as(personas[persona]).get(_detail("patients-united"))

    assert response.status_code == 200
    assert set(response.json()) == MEMBER_FIELDS
    assert response.json()["role"] == Membership.objects.get(user=personas[persona]).role


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_non_members_read_the_public_fields_of_a_listed_organisation(
    api_as: object, personas: dict, listed: Organisation, persona: str
) -> None:
    response = api_as(personas[persona]).get(_detail("listed-foundation"))

    assert response.status_code == 200
    assert response.json() == LISTED_PUBLIC
    assert not MEMBER_ONLY_FIELDS & set(response.json())
    assert "We are in the directory." not in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_members_of_a_listed_organisation_keep_their_full_view(
    api_as: object, listed: Organisation, role: str
) -> None:
    member = MembershipFactory(organisation=listed, role=role).user

    data = api_as(member).get(_detail("listed-foundation")).json()

    assert set(data) == MEMBER_FIELDS
    assert data["description"] == "We are in the directory."
    assert data["role"] == role
    assert data["status"] == "verified"
    assert data["in_directory"] is True


def test_members_of_a_pending_organisation_read_it_in_full(api_as: object) -> None:
    pending = OrganisationFactory(slug="pending-org", description="Waiting.", in_directory=True)
    member = MembershipFactory(organisation=pending, role=Role.CONTRIBUTOR).user

    response = api_as(member).get(_detail("pending-org"))

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["description"] == "Waiting."


@pytest.mark.parametrize(
    "private",
    [
        {"verified": True},
        {"verified": True, "description": "Private words."},
        {"in_directory": True},
        {"rejected": True, "in_directory": True},
        {},
    ],
    ids=["verified-unlisted", "with-description", "pending-ticked", "rejected-ticked", "pending"],
)
def test_an_unlisted_organisation_answers_exactly_as_a_missing_one(
    api_as: object, outsider: User, private: dict
) -> None:
    OrganisationFactory(slug="private-org", **private)
    answers = [
        api_as(user).get(_detail(slug))
        for user in (None, outsider)
        for slug in ("private-org", "no-such-organisation")
    ]

    assert {answer.status_code for answer in answers} == {404}
    assert {answer.content for answer in answers} == {b'{"detail":"Not found."}'}
    assert {answer["Content-Type"] for answer in answers} == {"application/json"}


def test_a_pending_organisation_with_the_directory_box_ticked_stays_private(
    api_as: object, outsider: User
) -> None:
    OrganisationFactory(slug="hopeful", in_directory=True)

    assert api_as(outsider).get(_detail("hopeful")).status_code == 404


@pytest.mark.parametrize("persona", ["owner", "outsider", "anonymous"])
def test_an_unknown_slug_answers_json_404(api_as: object, personas: dict, persona: str) -> None:
    response = api_as(personas[persona]).get(_detail("no-such-organisation"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["get", "patch"])
def test_outsiders_cannot_tell_a_private_organisation_from_a_missing_one(
    api_as: object, org: Organisation, outsider: User, method: str
) -> None:
    client = api_as(outsider)

    private = getattr(client, method)(_detail("patients-united"))
    missing = getattr(client, method)(_detail("no-such-organisation"))

    assert private.status_code == missing.status_code == 404
    assert private.json() == missing.json()


# --- Update ---------------------------------------------------------------------------------


def test_the_admin_changes_the_details(api_as: object, owner: User, org: Organisation) -> None:
    response = api_as(owner).patch(
        _detail("patients-united"), {"description": "New words.", "country": "FR"}
    )

    assert response.status_code == 200
    assert response.json()["description"] == "New words."
    assert response.json()["country"] == "FR"
    assert response.json()["region"] == "western"
    org.refresh_from_db()
    assert org.description == "New words."
    assert org.name == "Patients United"
    event = AuditEvent.objects.get(verb="organisation.updated")
    assert event.actor == owner
    assert event.organisation == org
    assert event.after["description"] == "New words."


def test_an_unchanged_patch_records_nothing(api_as: object, owner: User, org: Organisation) -> None:
    response = api_as(owner).patch(_detail("patients-united"), {"name": "Patients United"})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(verb="organisation.updated").exists()


def test_the_admin_cannot_change_status_or_slug(
    api_as: object, owner: User, org: Organisation
) -> None:
    org.status = Organisation.Status.PENDING
    org.save()

    response = api_as(owner).patch(
        _detail("patients-united"), {"status": "verified", "slug": "renamed"}
    )

    assert response.status_code == 200
    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING
    assert org.slug == "patients-united"


@pytest.mark.parametrize(
    "change", [{"name": ""}, {"country": "XX"}, {"website": "nope"}, {"level": "x"}]
)
def test_it_rejects_bad_changes_with_400(
    api_as: object, owner: User, org: Organisation, change: dict
) -> None:
    response = api_as(owner).patch(_detail("patients-united"), change)

    assert response.status_code == 400
    assert set(response.json()) == set(change)
    org.refresh_from_db()
    assert org.name == "Patients United"


@pytest.mark.parametrize(("persona", "expected"), [("outsider", 404), ("anonymous", 401)])
def test_non_members_cannot_change_a_listed_organisation(
    api_as: object, personas: dict, listed: Organisation, persona: str, expected: int
) -> None:
    response = api_as(personas[persona]).patch(_detail("listed-foundation"), {"name": "Mine"})

    assert response.status_code == expected
    listed.refresh_from_db()
    assert listed.name == "Listed Foundation"


# --- Schema ---------------------------------------------------------------------------------


@pytest.fixture
def schema(client: object) -> dict:
    return client.get("/api/schema/", {"format": "json"}).json()


def test_the_schema_documents_both_views_of_an_organisation(schema: dict) -> None:
    operation = schema["paths"]["/api/v1/organisations/{slug}/"]["get"]
    components = schema["components"]["schemas"]

    ok = operation["responses"]["200"]
    record = ok["content"]["application/json"]["schema"]
    assert record == {"$ref": "#/components/schemas/OrganisationRecord"}
    assert components["OrganisationRecord"]["oneOf"] == [
        {"$ref": "#/components/schemas/Organisation"},
        {"$ref": "#/components/schemas/OrganisationPublic"},
    ]
    public = components["OrganisationPublic"]
    assert set(public["properties"]) == PUBLIC_FIELDS
    assert set(public["required"]) == PUBLIC_FIELDS
    assert set(components["Organisation"]["properties"]) == MEMBER_FIELDS
    assert "public directory" in operation["description"]
    assert "404" in operation["description"]
    assert "OrganisationPublic" in ok["description"]


@pytest.mark.parametrize("method", ["get", "patch"])
def test_the_schema_documents_the_one_404(schema: dict, method: str) -> None:
    operation = schema["paths"]["/api/v1/organisations/{slug}/"][method]

    not_found = operation["responses"]["404"]

    assert "not listed in the public directory" in not_found["description"]
    assert "same in every case" in not_found["description"]
    body = not_found["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/NotFound"}
    assert schema["components"]["schemas"]["NotFound"]["required"] == ["detail"]
