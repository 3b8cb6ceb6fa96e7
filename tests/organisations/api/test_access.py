"""Every organisation-scoped endpoint against every persona.

Members get what their role's permission codes allow and 403 otherwise;
outsiders get 404; anonymous callers 401, except that reading an organisation
is answered 404, as for outsiders (see ``OrganisationDetailView``); a method that an
endpoint does not answer is 405, even for the admin. A refused call
changes nothing: no row is added, removed or changed in what the endpoints write.
The views' own tests cover what the calls do, not who may make them.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    EntryConfirmation,
    MaturityAssessment,
    Partnership,
    ProgressEntry,
    SharedObjective,
)
from apps.benchmarking.models import ExportJob
from apps.organisations.models import Invitation, Membership, Organisation
from apps.organisations.permissions import Perm, role_has_permission
from apps.practices.models import CaseStudy
from apps.roadmap.models import Action
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.api.conftest import build_adoption, build_org, build_outsider
from tests.organisations.factories import InvitationFactory, OrganisationFactory
from tests.personas import add_members
from tests.roadmap.factories import (
    StakeholderGroupFactory,
    build_small_roadmap,
)

pytestmark = pytest.mark.django_db

ORG = "/api/v1/organisations/patients-united/"
INVITE = {"email": "new@example.org", "role": "viewer"}
ADOPTION = f"{ORG}adoptions/{{adoption}}/"
# Joint commitments: {received} is a request another organisation made to this one, {joint} an
# accepted partnership on the other's adoption {joint_adoption}, with an objective the other
# proposed ({objective}) and an entry it wrote ({partner_entry}); see _url.
RECEIVED = f"{ORG}partnerships/{{received}}/"
JOINT = f"{ORG}partnerships/{{joint}}/"
JOINT_ADOPTION = f"{ORG}adoptions/{{joint_adoption}}/"
ASK = {"organisation": "partner-org", "message": "Together?"}
ENTRY = {"narrative": "Held a workshop."}
ASSESSMENT = {"ratings": [{"end_goal": "EG1", "level": 3}]}
SCHEDULE = {"review_every_months": 3}
CASE_STUDY = {
    "action": "A1.1.1",
    "title": "A patient panel",
    "what_was_done": "We set one up.",
    "for_whom": "Patients.",
    "outcomes": "Better protocols.",
    "lessons": "Pay people.",
}

# (method, path, body, permission code, status on success)
ENDPOINTS = [
    ("get", ORG, None, Perm.ORG_VIEW, 200),
    ("patch", ORG, {"description": "Changed."}, Perm.ORG_EDIT, 200),
    ("get", f"{ORG}members/", None, Perm.MEMBERS_VIEW, 200),
    ("post", f"{ORG}members/", INVITE, Perm.MEMBERS_WRITE, 201),
    ("get", f"{ORG}members/{{member}}/", None, Perm.MEMBERS_VIEW, 200),
    ("patch", f"{ORG}members/{{member}}/", {"role": "pe_lead"}, Perm.MEMBERS_WRITE, 200),
    ("delete", f"{ORG}members/{{member}}/", None, Perm.MEMBERS_WRITE, 204),
    ("get", f"{ORG}invitations/", None, Perm.MEMBERS_WRITE, 200),
    ("post", f"{ORG}invitations/", INVITE, Perm.MEMBERS_WRITE, 201),
    ("get", f"{ORG}invitations/{{invitation}}/", None, Perm.MEMBERS_WRITE, 200),
    ("delete", f"{ORG}invitations/{{invitation}}/", None, Perm.MEMBERS_WRITE, 204),
    ("get", f"{ORG}adoptions/", None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{ORG}adoptions/", {"action": "A1.1.2"}, Perm.ADOPTION_WRITE, 201),
    ("get", ADOPTION, None, Perm.ADOPTION_VIEW, 200),
    ("patch", ADOPTION, {"status": "implemented"}, Perm.ADOPTION_WRITE, 200),
    ("get", f"{ADOPTION}progress/", None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{ADOPTION}progress/", ENTRY, Perm.ADOPTION_WRITE, 201),
    ("post", f"{ADOPTION}progress/{{entry}}/correct/", ENTRY, Perm.ADOPTION_WRITE, 201),
    ("post", f"{ADOPTION}partners/", ASK, Perm.ADOPTION_MANAGE, 201),
    ("get", f"{ORG}partnerships/", None, Perm.ADOPTION_VIEW, 200),
    ("get", RECEIVED, None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{RECEIVED}accept/", None, Perm.ADOPTION_MANAGE, 200),
    ("post", f"{RECEIVED}decline/", None, Perm.ADOPTION_MANAGE, 200),
    ("post", f"{RECEIVED}withdraw/", None, Perm.ADOPTION_MANAGE, 200),
    (
        "post",
        f"{JOINT}objectives/",
        {"text": "Two workshops.", "target_date": "2099-01-01"},
        Perm.ADOPTION_MANAGE,
        201,
    ),
    ("post", f"{JOINT}objectives/{{objective}}/confirm/", None, Perm.ADOPTION_MANAGE, 200),
    ("get", JOINT_ADOPTION, None, Perm.ADOPTION_VIEW, 200),
    ("get", f"{JOINT_ADOPTION}progress/", None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{JOINT_ADOPTION}progress/", ENTRY, Perm.ADOPTION_WRITE, 201),
    (
        "post",
        f"{JOINT_ADOPTION}progress/{{partner_entry}}/confirm/",
        None,
        Perm.ADOPTION_MANAGE,
        201,
    ),
    ("get", f"{ORG}assessments/", None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{ORG}assessments/", ASSESSMENT, Perm.ASSESSMENT_WRITE, 201),
    ("get", f"{ORG}checkpoint-schedule/", None, Perm.ADOPTION_VIEW, 200),
    ("put", f"{ORG}checkpoint-schedule/", SCHEDULE, Perm.ASSESSMENT_WRITE, 200),
    ("get", f"{ORG}roadmap/", None, Perm.ADOPTION_VIEW, 200),
    # No snapshot is compiled here, so callers who may see benchmarks reach the period
    # lookup (404); the 200 case is tested in tests/benchmarking/test_api_organisation_*.py.
    ("get", f"{ORG}benchmarks/2026-Q2/", None, Perm.BENCHMARK_VIEW, 404),
    # No snapshot either for exports: those who may export reach the period check (400).
    # No export job exists, so those who may follow exports get 404 for job 0; the 202,
    # 409, 200 and 410 cases are in tests/benchmarking/test_exports_api.py.
    ("post", f"{ORG}exports/", {"period": "2026-Q2", "format": "pdf"}, Perm.BENCHMARK_EXPORT, 400),
    ("get", f"{ORG}exports/0/", None, Perm.BENCHMARK_VIEW, 404),
    ("get", f"{ORG}practices/", None, Perm.ADOPTION_VIEW, 200),
    ("post", f"{ORG}practices/", CASE_STUDY, Perm.ADOPTION_WRITE, 201),
]
# Public endpoints under the organisation's address: open to anyone, answered 404 for everyone
# while the organisation (pending here) shows nothing in public (the profile's own tests
# cover what it shows once public).
PUBLIC_ENDPOINTS = [("get", f"{ORG}profile/")]
PERSONAS = ["owner", "pe_lead", "contributor", "viewer", "outsider", "anonymous"]
# (method, path) that the endpoint does not answer, even for the admin: 405.
WRONG_METHODS = [
    ("put", ORG),
    ("delete", ORG),
    ("put", f"{ORG}members/{{member}}/"),
    ("put", f"{ORG}invitations/{{invitation}}/"),
    ("patch", f"{ORG}invitations/{{invitation}}/"),
    ("put", ADOPTION),
    ("delete", ADOPTION),
    ("get", f"{ADOPTION}progress/{{entry}}/correct/"),
    ("get", f"{ADOPTION}partners/"),
    ("delete", RECEIVED),
    ("patch", RECEIVED),
    ("get", f"{RECEIVED}accept/"),
    ("get", f"{JOINT}objectives/"),
    ("get", f"{JOINT_ADOPTION}progress/{{partner_entry}}/confirm/"),
    ("put", f"{ORG}assessments/"),
    ("post", f"{ORG}checkpoint-schedule/"),
    ("patch", f"{ORG}checkpoint-schedule/"),
    ("post", f"{ORG}roadmap/"),
    ("put", f"{ORG}practices/"),
    ("post", f"{ORG}profile/"),
]


def _expected(
    persona: str, org: Organisation, user: object, code: str, ok: int, method: str
) -> int:
    if persona == "anonymous":
        return 404 if (method, code) == ("get", Perm.ORG_VIEW) else 401
    membership = Membership.objects.filter(organisation=org, user=user).first()
    if membership is None:
        return 404
    return ok if role_has_permission(membership.role, code) else 403


def _joint(org: Organisation) -> dict[str, int]:
    """Another verified organisation, which asked ``org`` to act on one of its adoptions
    (pending) and acts with it on another (accepted), with an objective and an entry of its."""
    other = OrganisationFactory(slug="partner-org", verified=True)
    first, second = Action.objects.published().exclude(code__in=["A1.1.1", "A1.1.2"])[:2]
    received = Partnership.objects.create(
        adoption=AdoptionFactory(organisation=other, action=first), partner=org
    )
    joint_adoption = AdoptionFactory(organisation=other, action=second)
    joint = Partnership.objects.create(adoption=joint_adoption, partner=org, state="accepted")
    objective = SharedObjective.objects.create(
        partnership=joint,
        text="A shared panel.",
        target_date=dt.date(2099, 1, 1),
        proposed_by_organisation=other,
    )
    return {
        "received": received.pk,
        "joint": joint.pk,
        "objective": objective.pk,
        "joint_adoption": joint_adoption.pk,
        "partner_entry": ProgressEntryFactory(adoption=joint_adoption).pk,
    }


@dataclass(frozen=True)
class World:
    org: Organisation
    personas: dict[str, User | None]
    addresses: dict[str, int]  # what the paths' {placeholders} stand for

    def url(self, path: str) -> str:
        return path.format(**self.addresses)


@pytest.fixture(scope="module")
def world(module_db: None) -> World:
    """The organisation, its personas, an adoption and the joint commitments, built once
    for the module's several hundred calls (each test's own writes are rolled back after
    it)."""
    group = StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs")
    org = build_org(group)
    members = add_members(org)
    personas = {**members, "outsider": build_outsider(), "anonymous": None}
    edition = build_small_roadmap()
    adoption = build_adoption(org, members["owner"], edition)
    # A member the call may act on: never the caller, never the last admin.
    target = Membership.objects.get(organisation=org, user=members["contributor"])
    addresses = {
        "member": target.pk,
        "invitation": InvitationFactory(organisation=org).pk,
        "adoption": adoption.pk,
        "entry": adoption.entries.get().pk,  # the current entry recording the adoption
        **_joint(org),
    }
    return World(org, personas, addresses)


def _written() -> dict[str, Any]:
    """What the endpoints above can write: organisations, members, invitations, adoptions,
    progress, partnerships, objectives, confirmations, assessments, case studies and export
    jobs."""
    models = [
        Organisation,
        Membership,
        Invitation,
        Adoption,
        ProgressEntry,
        Partnership,
        SharedObjective,
        EntryConfirmation,
        MaturityAssessment,
        CaseStudy,
    ]
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    return rows | {"exports": ExportJob.objects.count()}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "code", "ok"),
    ENDPOINTS,
    ids=[f"{m.upper()} {p.removeprefix(ORG) or '.'}" for m, p, *_ in ENDPOINTS],
)
def test_permission_matrix(
    api_as: Any,
    world: World,
    persona: str,
    method: str,
    path: str,
    body: dict | None,
    code: str,
    ok: int,
) -> None:
    user = world.personas[persona]
    before = _written()

    response = getattr(api_as(user), method)(world.url(path), body)

    expected = _expected(persona, world.org, user, code, ok, method)
    assert response.status_code == expected, response.content
    assert response.status_code == 204 or response["Content-Type"] == "application/json"
    if response.status_code >= 400:
        assert _written() == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path"), PUBLIC_ENDPOINTS)
def test_public_endpoints_show_a_private_organisation_to_nobody(
    api_as: Any, world: World, persona: str, method: str, path: str
) -> None:
    response = getattr(api_as(world.personas[persona]), method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path"),
    WRONG_METHODS,
    ids=[f"{m.upper()} {p.removeprefix(ORG) or '.'}" for m, p in WRONG_METHODS],
)
def test_other_methods_are_refused(api_as: Any, world: World, method: str, path: str) -> None:
    before = _written()

    response = getattr(api_as(world.personas["owner"]), method)(
        world.url(path), {"role": "admin", "name": "X"}
    )

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert _written() == before
