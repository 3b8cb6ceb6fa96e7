"""GET /api/v1/organisations/<slug>/benchmarks/<period>/: an organisation's position.

``org`` is Patients Together, organisation 0 of ``bench_population``: a patient
organisation in Belgium adopting A1.1.1, A1.1.2 (both EG1, IG1.1) and A2.1.1 (EG2, IG2.1).
Of the six patient organisations, six adopt A1.1.2, five A1.1.1 and two A2.1.1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.benchmarking.models import BenchmarkSnapshot
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.benchmarking.conftest import IN_Q1, build_population, compile_published, standard_layout
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/patients-together/benchmarks/2026-Q2/"
POSITION_KEYS = {
    "code",
    "title",
    "adopted",
    "total",
    "percent",
    "group_median",
    "everyone_median",
    "band",
    "band_text",
    "band_basis",
    "band_basis_text",
}


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def lead_api(api_as: Callable, personas: dict[str, User], snapshot: BenchmarkSnapshot) -> APIClient:
    return api_as(personas["pe_lead"])


def by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in rows}


def test_it_shows_the_organisation_against_its_group_and_everyone(lead_api: APIClient) -> None:
    response = lead_api.get(URL)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {k: body[k] for k in ("organisation", "stakeholder_group", "period")} == {
        "organisation": "patients-together",
        "stakeholder_group": "patient-organisations",
        "period": "2026-Q2",
    }
    assert body["min_group_size"] == 5
    goals = by_code(body["end_goals"])
    assert set(goals) == {"EG1", "EG2"}
    assert all(set(row) == POSITION_KEYS for row in body["end_goals"] + body["dimensions"])
    eg1 = goals["EG1"]
    assert (eg1["adopted"], eg1["total"], eg1["percent"]) == (2, 4, 50)
    # Every patient organisation adopts two of EG1's actions: the group's quartiles are all 2.
    assert eg1["group_median"] == {
        "value": 2.0,
        "suppressed": False,
        "reason": "",
        "reason_text": "",
    }
    assert eg1["band"] == "median"  # at the group's median
    assert eg1["band_text"] == "around the median"
    assert eg1["band_basis"] == "stakeholder_group"
    assert eg1["everyone_median"]["value"] is not None
    assert (goals["EG2"]["adopted"], goals["EG2"]["percent"]) == (1, 25)
    assert set(by_code(body["dimensions"])) == {"culture", "processes"}


def test_it_lists_the_actions_the_group_adopts_most(lead_api: APIClient) -> None:
    body = lead_api.get(URL).json()

    assert body["peer_actions"] == [
        {"code": "A1.1.2", "title": "Action 1.1.2", "share": 100.0, "adopted": True},
        {"code": "A1.1.1", "title": "Action 1.1.1", "share": 83.3, "adopted": True},
        {"code": "A2.1.1", "title": "Action 2.1.1", "share": 33.3, "adopted": True},
    ]
    assert body["trailing_goals"] == []


def test_a_newcomer_trails_its_group_and_is_not_ranked(
    api_as: Callable, snapshot: BenchmarkSnapshot, personas: dict[str, User]
) -> None:
    group = personas["pe_lead"].memberships.get().organisation.stakeholder_group
    newcomer = OrganisationFactory(slug="newcomer", verified=True, stakeholder_group=group)
    lead = MembershipFactory(organisation=newcomer, role=Role.PE_LEAD).user

    body = api_as(lead).get("/api/v1/organisations/newcomer/benchmarks/2026-Q2/").json()

    assert body["trailing_goals"] == [
        {"code": "IG1.1", "title": "Intermediate goal 1.1", "end_goal": "EG1", "share": 100.0}
    ]
    assert [a["adopted"] for a in body["peer_actions"]] == [False, False, False]
    eg1 = by_code(body["end_goals"])["EG1"]
    # Nothing recorded by the period's end: no data, not the bottom quarter.
    assert (eg1["adopted"], eg1["band"], eg1["band_basis"]) == (0, "no_data", None)


def test_a_withheld_group_median_is_null_with_the_reason(
    api_as: Callable, small_roadmap: object
) -> None:
    # Nine patient organisations and three HTA bodies: the HTA bodies' figures are withheld.
    layout = [("patient-organisations", "BE")] * 9 + [("hta-bodies", "BE")] * 3
    orgs = build_population(small_roadmap, layout, names={9: ("Lonely HTA", "lonely-hta")})
    compile_published("2026-Q2")
    lead = MembershipFactory(organisation=orgs[9], role=Role.PE_LEAD).user

    response = api_as(lead).get("/api/v1/organisations/lonely-hta/benchmarks/2026-Q2/")

    assert response.status_code == 200
    eg1 = by_code(response.json()["end_goals"])["EG1"]
    assert eg1["group_median"] == {
        "value": None,
        "suppressed": True,
        "reason": "small_group",
        "reason_text": "Fewer than 5 organisations: not published.",
    }
    # The band falls back on everyone's distribution, and says so.
    assert eg1["everyone_median"]["value"] is not None
    assert eg1["band_basis"] == "all"
    assert eg1["band_basis_text"] == "all organisations"
    assert response.json()["peer_actions"] == []  # no published share for a group of three


def test_it_shows_no_other_organisation(
    lead_api: APIClient, bench_population: dict[str, Any]
) -> None:
    content = lead_api.get(URL).content.decode()

    for other in bench_population["orgs"][1:]:
        assert other.slug not in content
        assert other.name not in content


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", 200),
        ("pe_lead", 200),
        ("contributor", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_only_pe_leads_and_admins_see_the_position(
    api_as: Callable,
    personas: dict[str, User],
    snapshot: BenchmarkSnapshot,
    persona: str,
    expected: int,
) -> None:
    response = api_as(personas.get(persona)).get(URL)

    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    if expected != 200:
        assert set(response.json()) == {"detail"}


def test_an_outsider_cannot_tell_a_missing_organisation_from_a_private_one(
    api_as: Callable, personas: dict[str, User], snapshot: BenchmarkSnapshot
) -> None:
    outsider = api_as(personas["outsider"])

    private = outsider.get(URL)
    missing = outsider.get("/api/v1/organisations/no-such-org/benchmarks/2026-Q2/")

    assert private.status_code == missing.status_code == 404
    assert private.json() == missing.json()


def test_an_uncompiled_period_is_a_json_404(lead_api: APIClient) -> None:
    response = lead_api.get("/api/v1/organisations/patients-together/benchmarks/2026-Q3/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No benchmark has been compiled for this period."}


def test_the_position_is_read_only(lead_api: APIClient) -> None:
    assert lead_api.post(URL, {}).status_code == 405
    assert lead_api.delete(URL).status_code == 405


def test_it_takes_the_same_queries_for_12_or_24_organisations(
    api_as: Callable, small_roadmap: object
) -> None:
    first = build_population(small_roadmap, standard_layout(12), entry_date=IN_Q1)
    compile_published("2026-Q1")
    build_population(small_roadmap, standard_layout(12))
    compile_published("2026-Q2")
    lead = MembershipFactory(organisation=first[0], role=Role.PE_LEAD, user=UserFactory()).user
    url = f"/api/v1/organisations/{first[0].slug}/benchmarks/{{}}/"

    counts = []
    for label in ("2026-Q1", "2026-Q2"):
        client = api_as(User.objects.get(pk=lead.pk))
        cache.clear()  # nothing kept from an earlier request: the user, the membership
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(label)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], [q["sql"] for q in queries.captured_queries]
    assert Organisation.objects.verified().count() == 24
