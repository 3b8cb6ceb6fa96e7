"""Who may open each organisation-scoped page: every URL × every persona.

Outsiders get 404 (nobody learns which organisations exist), members without the
permission 403, visitors who are not signed in are sent to sign in, and a method that an
address does not answer (GET of a POST-only address, DELETE of a form) is 405.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption.models import Adoption, Evidence, Partnership, ProgressEntry, SharedObjective
from apps.benchmarking.models import BenchmarkSnapshot, ExportJob
from apps.benchmarking.periods import period_get_or_create
from apps.organisations.models import Membership, Organisation
from apps.practices.models import CaseStudyState
from apps.roadmap.models import Edition
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import InvitationFactory, OrganisationFactory
from tests.organisations.helpers import assert_login_redirect
from tests.personas import OUTSIDER, add_members
from tests.practices.factories import CaseStudyFactory

ALL = ("owner", "pe_lead", "contributor", "viewer")
ADMIN = ("owner",)
WRITERS = ("owner", "pe_lead", "contributor")
LEADS = ("owner", "pe_lead")
EVIDENCE_FILE = "evidence/access-matrix.pdf"
pytestmark = pytest.mark.django_db


def _urls(org: Organisation) -> dict[str, str]:
    viewer = Membership.objects.get(organisation=org, user__email="viewer@example.org")
    invitation = InvitationFactory(organisation=org)
    slug = org.slug
    return {
        "home": reverse("organisations:home", args=[slug]),
        "edit": reverse("organisations:edit", args=[slug]),
        "members": reverse("organisations:members", args=[slug]),
        "audit": reverse("organisations:audit", args=[slug]),
        "profile": reverse("organisations:profile", args=[slug]),
        "member-role": reverse("organisations:member-role", args=[slug, viewer.pk]),
        "member-remove": reverse("organisations:member-remove", args=[slug, viewer.pk]),
        "invite": reverse("organisations:invite", args=[slug]),
        "invitation-revoke": reverse("organisations:invitation-revoke", args=[slug, invitation.pk]),
        "leave": reverse("organisations:leave", args=[slug]),
        **_adoption_urls(org),
        "benchmarking:organisation": reverse("benchmarking:organisation", args=[slug]),
        **_benchmark_export_urls(org),
        **_practice_urls(org),
    }


def _adoption_urls(org: Organisation) -> dict[str, str]:
    adoption = AdoptionFactory(organisation=org)
    entry = ProgressEntryFactory(adoption=adoption)
    # One small file, written once, that every matrix row's evidence points to.
    if not default_storage.exists(EVIDENCE_FILE):
        default_storage.save(EVIDENCE_FILE, ContentFile(b"%PDF-1.4\n%%EOF\n"))
    evidence = Evidence.objects.create(
        entry=entry, file=EVIDENCE_FILE, original_name="a.pdf", content_type="application/pdf"
    )
    slug, pk = org.slug, adoption.pk
    return {
        "adoption:list": reverse("adoption:list", args=[slug]),
        "adoption:roadmap": reverse("adoption:roadmap", args=[slug]),
        "adoption:catalogue": reverse("adoption:catalogue", args=[slug]),
        "adoption:create": reverse("adoption:create", args=[slug]),
        "adoption:detail": reverse("adoption:detail", args=[slug, pk]),
        "adoption:edit": reverse("adoption:edit", args=[slug, pk]),
        "adoption:progress-add": reverse("adoption:progress-add", args=[slug, pk]),
        "adoption:progress-correct": reverse(
            "adoption:progress-correct", args=[slug, pk, entry.pk]
        ),
        "adoption:evidence-download": reverse(
            "adoption:evidence-download", args=[slug, evidence.pk]
        ),
        **_partnership_urls(org, adoption, entry),
        "adoption:assessments": reverse("adoption:assessments", args=[slug]),
        "adoption:assessment-create": reverse("adoption:assessment-create", args=[slug]),
        "adoption:checkpoint-schedule": reverse("adoption:checkpoint-schedule", args=[slug]),
        "adoption:assessment-export-csv": reverse("adoption:assessment-export-csv", args=[slug]),
        "adoption:assessment-export-xlsx": reverse("adoption:assessment-export-xlsx", args=[slug]),
    }


def _partnership_urls(
    org: Organisation, adoption: Adoption, entry: ProgressEntry
) -> dict[str, str]:
    """Joint commitments: one the organisation made (accepted, with an entry and an objective
    of the partner's to confirm) and one it received (pending, to answer)."""
    partner = OrganisationFactory(verified=True)
    made = Partnership.objects.create(adoption=adoption, partner=partner, state="accepted")
    theirs = ProgressEntryFactory(adoption=adoption, organisation=partner)
    objective = SharedObjective.objects.create(
        partnership=made,
        text="Co-design the survey.",
        target_date=timezone.localdate(),
        proposed_by_organisation=partner,
    )
    received = Partnership.objects.create(
        adoption=AdoptionFactory(organisation=partner), partner=org
    )
    slug = org.slug
    return {
        "adoption:partnership-request": reverse(
            "adoption:partnership-request", args=[slug, adoption.pk]
        ),
        "adoption:entry-confirm": reverse(
            "adoption:entry-confirm", args=[slug, adoption.pk, theirs.pk]
        ),
        "adoption:partnerships": reverse("adoption:partnerships", args=[slug]),
        "adoption:partnership": reverse("adoption:partnership", args=[slug, made.pk]),
        "adoption:partnership-accept": reverse(
            "adoption:partnership-accept", args=[slug, received.pk]
        ),
        "adoption:partnership-decline": reverse(
            "adoption:partnership-decline", args=[slug, received.pk]
        ),
        "adoption:partnership-withdraw": reverse(
            "adoption:partnership-withdraw", args=[slug, made.pk]
        ),
        "adoption:objective-propose": reverse("adoption:objective-propose", args=[slug, made.pk]),
        "adoption:objective-confirm": reverse(
            "adoption:objective-confirm", args=[slug, made.pk, objective.pk]
        ),
    }


def _benchmark_export_urls(org: Organisation) -> dict[str, str]:
    # A running export of the organisation: its page and status answer 200, its download 302.
    period = period_get_or_create("2026-Q2")
    snapshot, _ = BenchmarkSnapshot.objects.get_or_create(
        period=period,
        defaults={"edition": Edition.objects.first(), "min_group_size": 5, "organisation_count": 0},
    )
    job = ExportJob.objects.create(
        organisation=org, snapshot=snapshot, format="csv", status="running", progress=40
    )
    args = [org.slug, job.pk]
    return {
        "benchmark-exports:create": reverse("benchmark-exports:create", args=[org.slug]),
        "benchmark-exports:detail": reverse("benchmark-exports:detail", args=args),
        "benchmark-exports:status": reverse("benchmark-exports:status", args=args),
        "benchmark-exports:download": reverse("benchmark-exports:download", args=args),
    }


def _practice_urls(org: Organisation) -> dict[str, str]:
    # Submitted: it can be approved or returned (302), not submitted again (302, a message).
    case_study = CaseStudyFactory(
        adoption=AdoptionFactory(organisation=org), state=CaseStudyState.SUBMITTED
    )
    args = [org.slug, case_study.pk]
    return {
        "practices:org-list": reverse("practices:org-list", args=[org.slug]),
        "practices:org-create": reverse("practices:org-create", args=[org.slug]),
        **{
            f"practices:org-{name}": reverse(f"practices:org-{name}", args=args)
            for name in ("detail", "edit", "submit", "approve", "return")
        },
    }


# (URL name, method, personas allowed). Everyone else who is a member gets 403.
MATRIX = [
    ("home", "get", ALL),
    ("edit", "get", ADMIN),
    ("edit", "post", ADMIN),
    ("members", "get", ALL),
    ("audit", "get", ADMIN),
    ("profile", "get", ADMIN),
    ("profile", "post", ADMIN),
    ("member-role", "post", ADMIN),
    ("member-remove", "get", ADMIN),
    ("member-remove", "post", ADMIN),
    ("invite", "post", ADMIN),
    ("invitation-revoke", "post", ADMIN),
    ("leave", "post", ALL),
    ("adoption:list", "get", ALL),
    ("adoption:roadmap", "get", ALL),
    ("adoption:catalogue", "get", ALL),
    ("adoption:catalogue", "post", WRITERS),
    ("adoption:create", "get", WRITERS),
    ("adoption:create", "post", WRITERS),
    ("adoption:detail", "get", ALL),
    ("adoption:edit", "get", WRITERS),
    ("adoption:edit", "post", WRITERS),
    ("adoption:progress-add", "get", WRITERS),
    ("adoption:progress-add", "post", WRITERS),
    ("adoption:progress-correct", "get", WRITERS),
    ("adoption:progress-correct", "post", WRITERS),
    ("adoption:evidence-download", "get", ALL),
    ("adoption:partnership-request", "post", LEADS),
    ("adoption:entry-confirm", "post", LEADS),
    ("adoption:partnerships", "get", ALL),
    ("adoption:partnership", "get", ALL),
    ("adoption:partnership-accept", "post", LEADS),
    ("adoption:partnership-decline", "post", LEADS),
    ("adoption:partnership-withdraw", "post", LEADS),
    ("adoption:objective-propose", "post", LEADS),
    ("adoption:objective-confirm", "post", LEADS),
    ("adoption:assessments", "get", ALL),
    ("adoption:assessment-create", "get", LEADS),
    ("adoption:assessment-create", "post", LEADS),
    ("adoption:checkpoint-schedule", "get", LEADS),
    ("adoption:checkpoint-schedule", "post", LEADS),
    ("adoption:assessment-export-csv", "get", ALL),
    ("adoption:assessment-export-xlsx", "get", ALL),
    ("benchmarking:organisation", "get", LEADS),
    ("benchmark-exports:create", "get", LEADS),
    ("benchmark-exports:create", "post", LEADS),
    ("benchmark-exports:detail", "get", LEADS),
    ("benchmark-exports:status", "get", LEADS),
    ("benchmark-exports:download", "get", LEADS),
    ("practices:org-list", "get", ALL),
    ("practices:org-create", "get", WRITERS),
    ("practices:org-create", "post", WRITERS),
    ("practices:org-detail", "get", ALL),
    ("practices:org-edit", "get", WRITERS),
    ("practices:org-edit", "post", WRITERS),
    ("practices:org-submit", "post", WRITERS),
    ("practices:org-approve", "post", ADMIN),
    ("practices:org-return", "get", ADMIN),
    ("practices:org-return", "post", ADMIN),
]
# (URL name, method) that the address does not answer, for anyone: 405.
WRONG_METHODS = [
    ("home", "post"),
    ("profile", "delete"),
    ("member-role", "get"),
    ("invite", "get"),
    ("invitation-revoke", "get"),
    ("leave", "get"),
    ("adoption:list", "post"),
    ("adoption:roadmap", "post"),
    ("adoption:catalogue", "delete"),
    ("adoption:create", "delete"),
    ("adoption:detail", "post"),
    ("adoption:edit", "delete"),
    ("adoption:progress-add", "delete"),
    ("adoption:progress-correct", "delete"),
    ("adoption:evidence-download", "post"),
    ("adoption:partnership-request", "get"),
    ("adoption:entry-confirm", "get"),
    ("adoption:partnerships", "post"),
    ("adoption:partnership", "post"),
    ("adoption:partnership-accept", "get"),
    ("adoption:partnership-decline", "get"),
    ("adoption:partnership-withdraw", "get"),
    ("adoption:objective-propose", "get"),
    ("adoption:objective-confirm", "get"),
    ("adoption:assessments", "post"),
    ("adoption:assessment-create", "delete"),
    ("adoption:checkpoint-schedule", "delete"),
    ("adoption:assessment-export-csv", "post"),
    ("practices:org-list", "post"),
    ("practices:org-create", "delete"),
    ("practices:org-detail", "post"),
    ("practices:org-edit", "delete"),
    ("practices:org-submit", "get"),
    ("practices:org-approve", "get"),
    ("practices:org-return", "delete"),
]


@dataclass(frozen=True)
class World:
    org: Organisation
    personas: dict[str, User]
    urls: dict[str, str]


@pytest.fixture(scope="module")
def world(module_db) -> World:
    """The organisation, its personas and its addresses, built once for the module's several
    hundred calls (each test's own writes are rolled back after it)."""
    org = OrganisationFactory(name="Patients Together", slug="patients-together")
    personas = {**add_members(org), "outsider": UserFactory(email=OUTSIDER)}
    return World(org, personas, _urls(org))


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX)
@pytest.mark.parametrize("persona", [*ALL, "outsider"])
def test_permission_matrix(client, world, name, method, allowed, persona) -> None:
    url = world.urls[name]
    client.force_login(world.personas[persona])

    response = getattr(client, method)(url, {"role": "viewer", "email": "x@example.org"})

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "method", "_allowed"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, method, _allowed):
    response = getattr(client, method)(world.urls[name])
    assert_login_redirect(response)


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_other_methods_are_refused(client_as, world, name, method) -> None:
    response = getattr(client_as(world.personas["owner"]), method)(world.urls[name])
    assert response.status_code == 405


def test_an_unknown_organisation_is_404_even_for_members(client_as, world) -> None:
    response = client_as(world.personas["owner"]).get(
        reverse("organisations:members", args=["nope"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("run", ["first", "second"])
def test_a_test_s_writes_are_gone_before_the_next(client_as, world, run) -> None:
    """The world is shared by the module's tests: whichever of the two runs comes second
    finds it as built, not as the other left it (the viewer removed)."""
    members = Membership.objects.filter(organisation=world.org)
    built = {user.email for name, user in world.personas.items() if name != "outsider"}
    assert set(members.values_list("user__email", flat=True)) == built

    client_as(world.personas["owner"]).post(world.urls["member-remove"])

    assert not members.filter(user=world.personas["viewer"]).exists()
