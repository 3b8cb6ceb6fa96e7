"""/api/v1/organisations/<slug>/adoptions/ and /adoptions/<id>/."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.adoption.models import Adoption, AdoptionStatus, Partnership, ProgressEntry
from apps.organisations.models import Organisation
from apps.roadmap.models import Edition
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import ActionFactory, EditionFactory

pytestmark = pytest.mark.django_db

ADOPTIONS_URL = "/api/v1/organisations/patients-united/adoptions/"


def _url(adoption: Adoption) -> str:
    return f"{ADOPTIONS_URL}{adoption.pk}/"


def test_it_names_the_urls() -> None:
    kwargs = {"slug": "patients-united"}
    assert reverse("api-adoption:adoption-list", kwargs=kwargs) == ADOPTIONS_URL
    assert reverse("api-adoption:adoption-detail", kwargs={**kwargs, "id": 7}) == (
        f"{ADOPTIONS_URL}7/"
    )


# --- List -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_members_list_the_adoptions(
    api_as: object, personas: dict, adoption: Adoption, persona: str
) -> None:
    response = api_as(personas[persona]).get(ADOPTIONS_URL)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "id": adoption.pk,
        "url": f"http://testserver{_url(adoption)}",
        "action": "A1.1.1",
        "action_title": "Action 1.1.1",
        "end_goal": "EG1",
        "dimension": "culture",
        "status": "in_progress",
        "is_urgent": False,
        "is_important": True,
        "owner": None,
        "start_date": None,
        "target_date": None,
        "notes": "",
        "partners": [],
        "percent_complete": 0,
        "last_activity_at": row["last_activity_at"],
        "is_read_only": False,
        "progress_url": f"http://testserver{_url(adoption)}progress/",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    assert row["last_activity_at"] is not None


def test_it_lists_only_the_organisations_adoptions(
    api_as: object, owner: User, org: Organisation, small_roadmap: Edition
) -> None:
    AdoptionFactory(organisation=org, action=small_roadmap.actions.get(code="A1.1.1"))
    AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.2"))  # another organisation

    response = api_as(owner).get(ADOPTIONS_URL)

    assert [r["action"] for r in response.json()["results"]] == ["A1.1.1"]


@pytest.fixture
def four_adoptions(org: Organisation, owner: User, viewer: User, small_roadmap: Edition) -> None:
    actions = small_roadmap.actions
    AdoptionFactory(organisation=org, action=actions.get(code="A1.1.1"), owner=owner)
    AdoptionFactory(organisation=org, action=actions.get(code="A1.1.2"), status="planned")
    AdoptionFactory(organisation=org, action=actions.get(code="A2.1.1"), owner=viewer)
    AdoptionFactory(organisation=org, action=actions.get(code="A2.2.2"), status="embedded")


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({}, ["A1.1.1", "A1.1.2", "A2.1.1", "A2.2.2"]),
        ({"status": "planned"}, ["A1.1.2"]),
        ({"status": "in_progress"}, ["A1.1.1", "A2.1.1"]),
        ({"end_goal": "EG2"}, ["A2.1.1", "A2.2.2"]),
        ({"end_goal": "eg1"}, ["A1.1.1", "A1.1.2"]),
        ({"dimension": "processes"}, ["A1.1.2", "A2.2.2"]),
        ({"owner": "viewer@example.org"}, ["A2.1.1"]),
        ({"owner": "OWNER@example.org"}, ["A1.1.1"]),
        ({"end_goal": "EG2", "dimension": "culture"}, ["A2.1.1"]),
    ],
)
def test_it_filters_the_list(
    api_as: object, owner: User, four_adoptions: None, query: dict, codes: list
) -> None:
    response = api_as(owner).get(ADOPTIONS_URL, query)

    assert response.status_code == 200
    assert [r["action"] for r in response.json()["results"]] == codes


def test_it_filters_by_owner_id(api_as: object, owner: User, four_adoptions: None) -> None:
    response = api_as(owner).get(ADOPTIONS_URL, {"owner": owner.pk})

    assert [r["action"] for r in response.json()["results"]] == ["A1.1.1"]


def test_it_rejects_an_unknown_status_filter(api_as: object, owner: User) -> None:
    response = api_as(owner).get(ADOPTIONS_URL, {"status": "finished"})

    assert response.status_code == 400
    assert "status" in response.json()


def _adopt_many(org: Organisation, edition: Edition, count: int) -> None:
    goal = edition.intermediate_goals.first()
    partner = OrganisationFactory(verified=True)
    owner = MembershipFactory(organisation=org).user
    for _ in range(count):
        adoption = AdoptionFactory(
            organisation=org, action=ActionFactory(intermediate_goal=goal), owner=owner
        )
        Partnership.objects.create(adoption=adoption, partner=partner, state="accepted")


def _list_queries(api_as: object, user: User) -> int:
    client = api_as(User.objects.get(pk=user.pk))
    cache.clear()  # nothing kept from an earlier request: the user, the membership
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ADOPTIONS_URL)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_in_a_number_of_queries_that_does_not_grow(
    api_as: object, owner: User, org: Organisation, small_roadmap: Edition
) -> None:
    _adopt_many(org, small_roadmap, 3)
    few = _list_queries(api_as, owner)

    _adopt_many(org, small_roadmap, 27)
    many = _list_queries(api_as, owner)

    assert api_as(owner).get(ADOPTIONS_URL).json()["count"] == 30
    assert few == many <= 6


# --- Adopt ----------------------------------------------------------------------------------


def test_a_contributor_adopts_an_action(
    api_as: object, contributor: User, pe_lead: User, org: Organisation, small_roadmap: Edition
) -> None:
    response = api_as(contributor).post(
        ADOPTIONS_URL,
        {
            "action": "A1.2.1",
            "status": "in_progress",
            "is_urgent": True,
            "is_important": False,
            "owner": "Lead@Example.org",
            "start_date": "2024-01-10",
            "target_date": "2024-12-31",
            "notes": "With our advisory board.",
        },
    )

    assert response.status_code == 201, response.content
    adoption = Adoption.objects.get()
    assert adoption.organisation == org
    assert adoption.action.code == "A1.2.1"
    assert adoption.status == AdoptionStatus.IN_PROGRESS
    assert (adoption.is_urgent, adoption.is_important) == (True, False)
    assert adoption.owner == pe_lead
    assert str(adoption.target_date) == "2024-12-31"
    assert adoption.created_by == contributor
    assert adoption.entries.get().status_to == AdoptionStatus.IN_PROGRESS
    body = response.json()
    assert (body["id"], body["owner"], body["partners"]) == (adoption.pk, "lead@example.org", [])


def test_adopting_needs_only_the_action(
    api_as: object, contributor: User, small_roadmap: Edition
) -> None:
    response = api_as(contributor).post(ADOPTIONS_URL, {"action": "A2.1.2"})

    assert response.status_code == 201
    assert response.json()["status"] == "planned"
    assert Adoption.objects.get().action.code == "A2.1.2"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"action": "A9.9.9"}, "action", "There is no action “A9.9.9” in the published roadmap."),
        ({}, "action", "This field is required."),
        ({"action": "A1.1.1"}, "action", "already adopted this action"),
        (
            {"action": "A1.2.1", "start_date": "2024-05-01", "target_date": "2024-04-30"},
            "target_date",
            "The target date cannot be before the start date.",
        ),
        (
            {"action": "A1.2.1", "owner": "outsider@example.org"},
            "owner",
            "No member of the organisation has the email address outsider@example.org.",
        ),
        ({"action": "A1.2.1", "owner": "nobody@example.org"}, "owner", "No member"),
        ({"action": "A1.2.1", "partners": ["elsewhere"]}, "partners", "Partners are asked"),
        ({"action": "A1.2.1", "status": "finished"}, "status", "is not a valid choice"),
        ({"action": "A1.2.1", "target_date": "soon"}, "target_date", "Date has wrong format"),
    ],
)
def test_it_refuses_bad_adoptions_with_400(
    api_as: object,
    contributor: User,
    personas: dict,
    adoption: Adoption,
    payload: dict,
    field: str,
    message: str,
) -> None:
    response = api_as(contributor).post(ADOPTIONS_URL, payload)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert list(Adoption.objects.values_list("action__code", flat=True)) == ["A1.1.1"]
    assert ProgressEntry.objects.count() == 1


def test_an_action_of_a_draft_edition_cannot_be_adopted(
    api_as: object, contributor: User, small_roadmap: Edition
) -> None:
    ActionFactory(code="A7.1.1", intermediate_goal__end_goal__edition=EditionFactory())

    response = api_as(contributor).post(ADOPTIONS_URL, {"action": "A7.1.1"})

    assert response.status_code == 400
    assert "action" in response.json()
    assert not Adoption.objects.exists()


# --- Retrieve and change --------------------------------------------------------------------


def test_members_retrieve_an_adoption(api_as: object, viewer: User, adoption: Adoption) -> None:
    response = api_as(viewer).get(_url(adoption))

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["action"]) == (adoption.pk, "A1.1.1")


def test_a_status_change_leaves_an_entry(
    api_as: object, contributor: User, adoption: Adoption
) -> None:
    response = api_as(contributor).patch(_url(adoption), {"status": "implemented"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "implemented"
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.IMPLEMENTED
    latest = adoption.entries.order_by("-pk").first()
    assert (latest.status_from, latest.status_to, latest.author) == (
        "in_progress",
        "implemented",
        contributor,
    )


def test_only_the_fields_sent_change(
    api_as: object, contributor: User, viewer: User, adoption: Adoption
) -> None:
    response = api_as(contributor).patch(
        _url(adoption), {"notes": "Board approved.", "owner": "viewer@example.org"}
    )

    assert response.status_code == 200
    adoption.refresh_from_db()
    assert (adoption.notes, adoption.owner, adoption.status) == (
        "Board approved.",
        viewer,
        "in_progress",
    )
    assert adoption.entries.count() == 1  # no status change, no new entry


def test_the_owner_can_be_cleared(
    api_as: object, contributor: User, viewer: User, adoption: Adoption
) -> None:
    adoption.owner = viewer
    adoption.save()

    response = api_as(contributor).patch(_url(adoption), {"owner": None})

    assert response.status_code == 200
    adoption.refresh_from_db()
    assert adoption.owner is None


def test_partners_are_read_only_and_list_those_who_accepted(
    api_as: object, contributor: User, adoption: Adoption
) -> None:
    for slug, state in [("accepted-co", "accepted"), ("asked-co", "pending")]:
        partner = OrganisationFactory(slug=slug, verified=True)
        Partnership.objects.create(adoption=adoption, partner=partner, state=state)

    response = api_as(contributor).patch(_url(adoption), {"notes": "x", "partners": []})

    assert response.status_code == 400
    [message] = response.json()["partners"]
    assert "/api/v1/organisations/patients-united/adoptions/<id>/partners/" in message
    adoption.refresh_from_db()
    assert adoption.notes == ""
    assert api_as(contributor).get(_url(adoption)).json()["partners"] == ["accepted-co"]


def test_an_accepted_partner_reads_the_adoption_but_does_not_change_it(
    api_as: object, adoption: Adoption
) -> None:
    partner = OrganisationFactory(slug="pharma-co", verified=True)
    member = MembershipFactory(organisation=partner, role="admin").user
    Partnership.objects.create(adoption=adoption, partner=partner, state="accepted")
    url = f"/api/v1/organisations/pharma-co/adoptions/{adoption.pk}/"

    read = api_as(member).get(url)
    change = api_as(member).patch(url, {"notes": "Ours now."})
    listed = api_as(member).get("/api/v1/organisations/pharma-co/adoptions/")

    assert read.status_code == 200, read.content
    assert (read.json()["url"], read.json()["partners"]) == (
        f"http://testserver{url}",
        ["pharma-co"],
    )
    assert change.status_code == 404
    assert listed.json()["count"] == 0  # the list is the organisation's own adoptions


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start_date": "2024-05-01", "target_date": "2024-04-30"}, "target_date"),
        ({"owner": "outsider@example.org"}, "owner"),
        ({"status": "done"}, "status"),
    ],
)
def test_it_refuses_bad_changes_with_400(
    api_as: object, contributor: User, personas: dict, adoption: Adoption, payload: dict, field: str
) -> None:
    response = api_as(contributor).patch(_url(adoption), payload)

    assert response.status_code == 400
    assert field in response.json()
    adoption.refresh_from_db()
    assert (adoption.status, adoption.owner, adoption.start_date) == ("in_progress", None, None)
    assert adoption.entries.count() == 1


def test_a_read_only_adoption_cannot_change(
    api_as: object, contributor: User, adoption: Adoption
) -> None:
    Adoption.objects.filter(pk=adoption.pk).update(action_removed=True)

    response = api_as(contributor).patch(_url(adoption), {"status": "implemented"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": ["This action was removed from the roadmap: the adoption is kept read-only."]
    }
    adoption.refresh_from_db()
    assert adoption.status == "in_progress"


def test_an_adoption_of_another_organisation_is_404(
    api_as: object, owner: User, small_roadmap: Edition
) -> None:
    elsewhere = AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1"))
    client = api_as(owner)

    assert client.get(_url(elsewhere)).status_code == 404
    assert client.patch(_url(elsewhere), {"status": "discontinued"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == "in_progress"


def test_an_unknown_adoption_is_json_404(api_as: object, owner: User) -> None:
    response = api_as(owner).get(f"{ADOPTIONS_URL}999999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
