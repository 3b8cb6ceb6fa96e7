"""Joint commitments through the API: asking, answering, acting on the joint adoption under the
partner's own slug, confirming, objectives, withdrawing. Who may call which endpoint at all is
the matrix of tests/organisations/api/test_access.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption.models import Adoption, Partnership, ProgressEntry, SharedObjective
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

OWN = "/api/v1/organisations/patients-united/"
PARTNER = "/api/v1/organisations/pharma-co/"


@pytest.fixture
def pharma() -> Organisation:
    return OrganisationFactory(name="Pharma Co", slug="pharma-co", verified=True)


@pytest.fixture
def their(pharma: Organisation) -> dict[str, User]:
    """The partner organisation's members, by role."""
    return {
        role: MembershipFactory(organisation=pharma, role=role).user
        for role in (Role.ADMIN, Role.PE_LEAD, Role.CONTRIBUTOR, Role.VIEWER)
    }


def _ask(api_as: object, user: User, adoption: Adoption, slug: str = "pharma-co") -> object:
    body = {"organisation": slug, "message": "Shall we?"}
    return api_as(user).post(f"{OWN}adoptions/{adoption.pk}/partners/", body)


def _partnership(pharma: Organisation, adoption: Adoption, state: str = "pending") -> Partnership:
    return Partnership.objects.create(adoption=adoption, partner=pharma, state=state)


def _future(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_it_names_the_urls() -> None:
    assert reverse("api-adoption:partnership-list", kwargs={"slug": "pharma-co"}) == (
        f"{PARTNER}partnerships/"
    )
    kwargs = {"slug": "pharma-co", "id": 3, "entry_id": 4}
    assert reverse("api-adoption:progress-confirm", kwargs=kwargs) == (
        f"{PARTNER}adoptions/3/progress/4/confirm/"
    )


def test_the_full_flow(
    api_as: object,
    personas: dict,
    org: Organisation,
    adoption: Adoption,
    pharma: Organisation,
    their: dict[str, User],
) -> None:
    lead, contributor = personas["pe_lead"], personas["contributor"]

    asked = _ask(api_as, lead, adoption)
    assert asked.status_code == 201, asked.content
    made = asked.json()
    assert (made["state"], made["direction"], made["adoption"], made["action"]) == (
        "pending",
        "made",
        adoption.pk,
        "A1.1.1",
    )
    assert made["organisation"] == {"slug": "patients-united", "name": "Patients United"}
    assert made["partner"] == {"slug": "pharma-co", "name": "Pharma Co"}
    assert made["message"] == "Shall we?"
    pk = made["id"]

    [received] = api_as(their["viewer"]).get(f"{PARTNER}partnerships/").json()["results"]
    assert (received["id"], received["direction"], received["state"]) == (pk, "received", "pending")
    assert received["url"] == f"http://testserver{PARTNER}partnerships/{pk}/"

    assert api_as(personas["owner"]).post(f"{OWN}partnerships/{pk}/accept/").status_code == 404
    accepted = api_as(their["pe_lead"]).post(f"{PARTNER}partnerships/{pk}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    joint = f"{PARTNER}adoptions/{adoption.pk}/"
    assert api_as(their["viewer"]).get(joint).json()["partners"] == ["pharma-co"]

    logged = api_as(their["contributor"]).post(f"{joint}progress/", {"narrative": "Ran it."})
    assert logged.status_code == 201, logged.content
    entry = logged.json()
    assert (entry["organisation"], entry["confirmations"]) == ("pharma-co", [])

    confirm = f"{OWN}adoptions/{adoption.pk}/progress/{entry['id']}/confirm/"
    assert api_as(contributor).post(confirm).status_code == 403  # a manager's word
    confirmed = api_as(lead).post(confirm)
    assert confirmed.status_code == 201, confirmed.content
    [confirmation] = confirmed.json()["confirmations"]
    assert confirmation["organisation"] == "patients-united"
    assert confirmation["confirmed_at"]

    proposed = api_as(their["admin"]).post(
        f"{PARTNER}partnerships/{pk}/objectives/",
        {"text": "Two joint workshops.", "target_date": _future()},
    )
    assert proposed.status_code == 201, proposed.content
    objective = proposed.json()
    assert (objective["proposed_by"], objective["is_confirmed"]) == ("pharma-co", False)
    own_objective = f"{PARTNER}partnerships/{pk}/objectives/{objective['id']}/confirm/"
    assert api_as(their["admin"]).post(own_objective).status_code == 400
    agreed = api_as(lead).post(f"{OWN}partnerships/{pk}/objectives/{objective['id']}/confirm/")
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["is_confirmed"] is True
    detail = api_as(their["viewer"]).get(f"{PARTNER}partnerships/{pk}/").json()
    assert [o["is_confirmed"] for o in detail["objectives"]] == [True]

    withdrawn = api_as(lead).post(f"{OWN}partnerships/{pk}/withdraw/")
    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["state"], withdrawn.json()["withdrawn_by"]) == (
        "withdrawn",
        "patients-united",
    )
    assert api_as(their["viewer"]).get(joint).status_code == 404
    assert api_as(their["contributor"]).post(
        f"{joint}progress/", {"narrative": "x"}
    ).status_code == (404)
    log = api_as(personas["viewer"]).get(f"{OWN}adoptions/{adoption.pk}/progress/").json()
    assert [e["organisation"] for e in log["results"]] == ["pharma-co", "patients-united"]


def test_the_partner_may_withdraw_and_decline(
    api_as: object, adoption: Adoption, pharma: Organisation, their: dict[str, User]
) -> None:
    declined = _partnership(pharma, adoption)
    response = api_as(their["pe_lead"]).post(f"{PARTNER}partnerships/{declined.pk}/decline/")
    assert (response.status_code, response.json()["state"]) == (200, "declined")

    again = api_as(their["pe_lead"]).post(f"{PARTNER}partnerships/{declined.pk}/accept/")
    assert again.status_code == 400
    assert "waiting for an answer" in str(again.json())

    declined.state = "withdrawn"  # the owner withdrew it and asked again; this time it stays
    declined.save()
    joint = _partnership(pharma, adoption, state="accepted")
    ended = api_as(their["admin"]).post(f"{PARTNER}partnerships/{joint.pk}/withdraw/")
    assert (ended.status_code, ended.json()["withdrawn_by"]) == (200, "pharma-co")
    assert api_as(their["admin"]).post(
        f"{PARTNER}partnerships/{joint.pk}/withdraw/"
    ).status_code == (400)


# --- Bad input --------------------------------------------------------------------------------


def test_unknown_and_unverified_organisations_get_the_same_answer(
    api_as: object, owner: User, adoption: Adoption
) -> None:
    OrganisationFactory(slug="not-yet-verified")

    unknown = _ask(api_as, owner, adoption, "no-such-org")
    unverified = _ask(api_as, owner, adoption, "not-yet-verified")

    assert (unknown.status_code, unverified.status_code) == (400, 400)
    assert unknown.json()["organisation"] == [
        "There is no verified organisation “no-such-org” on the portal."
    ]
    assert unverified.json()["organisation"] == [
        "There is no verified organisation “not-yet-verified” on the portal."
    ]
    assert not Partnership.objects.exists()


def test_an_organisation_cannot_ask_itself_or_twice(
    api_as: object, owner: User, adoption: Adoption, pharma: Organisation
) -> None:
    itself = _ask(api_as, owner, adoption, "patients-united")
    first = _ask(api_as, owner, adoption)
    twice = _ask(api_as, owner, adoption)

    assert itself.status_code == 400
    assert itself.json()["organisation"] == ["An organisation cannot be its own partner."]
    assert first.status_code == 201
    assert twice.status_code == 400
    assert "already been asked" in twice.json()["organisation"][0]
    assert Partnership.objects.count() == 1


def test_only_the_adoptions_own_organisation_asks(
    api_as: object, adoption: Adoption, pharma: Organisation, their: dict[str, User]
) -> None:
    _partnership(pharma, adoption, state="accepted")

    response = api_as(their["admin"]).post(
        f"{PARTNER}adoptions/{adoption.pk}/partners/", {"organisation": "patients-united"}
    )

    assert response.status_code == 404
    assert Partnership.objects.count() == 1


def test_a_partner_keeps_to_its_own_entries(
    api_as: object,
    personas: dict,
    adoption: Adoption,
    pharma: Organisation,
    their: dict[str, User],
) -> None:
    _partnership(pharma, adoption, state="accepted")
    joint = f"{PARTNER}adoptions/{adoption.pk}/progress/"
    owners_entry = adoption.entries.get()
    client = api_as(their["contributor"])

    status = client.post(joint, {"narrative": "Done!", "status": "implemented"})
    percent = client.post(joint, {"narrative": "Half.", "percent_complete": 50})
    correct = client.post(f"{joint}{owners_entry.pk}/correct/", {"narrative": "Rewritten."})
    change = client.patch(f"{PARTNER}adoptions/{adoption.pk}/", {"notes": "x"})
    mine = client.post(joint, {"narrative": "Ours."}).json()
    confirm_own = api_as(their[Role.PE_LEAD]).post(f"{joint}{mine['id']}/confirm/")

    assert "Only Patients United changes the status" in status.json()["status"][0]
    assert "percent_complete" in percent.json()
    assert correct.status_code == 400
    assert "Only the organisation that wrote an entry" in str(correct.json())
    assert change.status_code == 404
    assert confirm_own.status_code == 400
    assert ProgressEntry.objects.filter(organisation=pharma).count() == 1


def test_a_pending_partner_sees_nothing_of_the_adoption(
    api_as: object, adoption: Adoption, pharma: Organisation, their: dict[str, User]
) -> None:
    _partnership(pharma, adoption)

    client = api_as(their["admin"])

    assert client.get(f"{PARTNER}adoptions/{adoption.pk}/").status_code == 404
    assert client.get(f"{PARTNER}adoptions/{adoption.pk}/progress/").status_code == 404


def test_objectives_need_an_accepted_partnership_and_a_date_ahead(
    api_as: object, owner: User, adoption: Adoption, pharma: Organisation
) -> None:
    pending = _partnership(pharma, adoption)
    url = f"{OWN}partnerships/{pending.pk}/objectives/"

    early = api_as(owner).post(url, {"text": "Workshops.", "target_date": _future()})
    pending.state = "accepted"
    pending.save()
    past = api_as(owner).post(url, {"text": "Workshops.", "target_date": "2020-01-01"})
    empty = api_as(owner).post(url, {"text": "", "target_date": _future()})

    assert early.status_code == 400
    assert "Only an accepted partnership" in str(early.json())
    assert past.json()["target_date"] == ["The target date cannot be in the past."]
    assert "text" in empty.json()
    assert not pending.objectives.exists()


# --- Roles and outsiders --------------------------------------------------------------------


def test_roles(
    api_as: object,
    personas: dict,
    adoption: Adoption,
    pharma: Organisation,
    their: dict[str, User],
) -> None:
    pending = _partnership(pharma, adoption)

    assert _ask(api_as, personas["contributor"], adoption).status_code == 403
    accept = f"{PARTNER}partnerships/{pending.pk}/accept/"
    assert api_as(their["contributor"]).post(accept).status_code == 403
    assert api_as(their["viewer"]).get(f"{PARTNER}partnerships/{pending.pk}/").status_code == 200
    assert api_as(personas["viewer"]).get(f"{OWN}partnerships/").json()["count"] == 1
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_anyone_else_gets_404(
    api_as: object, adoption: Adoption, pharma: Organisation, their: dict[str, User]
) -> None:
    pending = _partnership(pharma, adoption)
    elsewhere = OrganisationFactory(slug="elsewhere-co", verified=True)
    stranger = MembershipFactory(organisation=elsewhere, role=Role.ADMIN).user
    theirs = f"/api/v1/organisations/elsewhere-co/partnerships/{pending.pk}/"

    assert api_as(stranger).get(theirs).status_code == 404
    assert api_as(stranger).post(f"{theirs}accept/").status_code == 404
    assert api_as(stranger).post(f"{theirs}withdraw/").status_code == 404
    assert api_as(stranger).get(f"{PARTNER}partnerships/").status_code == 404
    assert (
        api_as(stranger).get("/api/v1/organisations/elsewhere-co/partnerships/").json()["count"]
        == 0
    )
    pending.refresh_from_db()
    assert pending.state == "pending"


def _list_queries(api_as: object, user: User) -> int:
    client = api_as(User.objects.get(pk=user.pk))
    cache.clear()  # nothing kept from an earlier request: the user, the membership
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{OWN}partnerships/")
    assert response.status_code == 200
    return len(queries)


def _ask_many(org: Organisation, count: int) -> None:
    for _ in range(count):
        other = OrganisationFactory(verified=True)
        joint = _partnership(org, AdoptionFactory(organisation=other), state="accepted")
        SharedObjective.objects.create(
            partnership=joint,
            text="A panel.",
            target_date=dt.date(2099, 1, 1),
            proposed_by_organisation=other,
        )


def test_the_list_costs_the_same_queries_whatever_its_length(
    api_as: object, viewer: User, org: Organisation
) -> None:
    _ask_many(org, 2)
    few = _list_queries(api_as, viewer)

    _ask_many(org, 10)
    many = _list_queries(api_as, viewer)

    assert few == many <= 6


def test_the_list_filters_by_direction_and_state(
    api_as: object, viewer: User, org: Organisation, adoption: Adoption, pharma: Organisation
) -> None:
    made = _partnership(pharma, adoption)
    received = _partnership(org, AdoptionFactory(organisation=pharma), state="accepted")
    client = api_as(viewer)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in client.get(f"{OWN}partnerships/?{query}").json()["results"]]

    assert ids("direction=made") == [made.pk]
    assert ids("direction=received") == [received.pk]
    assert ids("direction=received&state=pending") == []
    assert ids("state=pending") == [made.pk]
    assert client.get(f"{OWN}partnerships/?direction=sideways").status_code == 400
