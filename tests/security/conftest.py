"""A populated organisation for the hostile-input suite and the API fuzzing.

``world`` is one verified organisation, "Patients United", with an admin (``owner``,
who also holds an API token), a PE lead, a contributor and a viewer; a verified
partner organisation, asked to act on the adoption with it (pending); one adoption with
a progress entry that has a link, an uploaded PDF, a metric value and a barrier; a
maturity assessment; and a pending invitation. Uploaded files go to a private
MEDIA_ROOT (``world.media``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.adoption import services as adoption_services
from apps.adoption.models import Adoption, MaturityAssessment, Metric, Partnership, ProgressEntry
from apps.organisations import services as organisation_services
from apps.organisations.models import Invitation, Membership, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import BarrierCategory, Edition, EndGoal, StakeholderGroup
from tests.accounts.factories import UserFactory
from tests.adoption.factories import MetricFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import BarrierCategoryFactory, build_small_roadmap

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    org: Organisation
    partner: Organisation
    owner: User
    pe_lead: User
    contributor: User
    viewer: User
    lead_membership: Membership
    adoption: Adoption
    entry: ProgressEntry
    assessment: MaturityAssessment
    invitation: Invitation
    metric: Metric
    barrier: BarrierCategory
    token: str
    media: Path


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Rate-limit counters (allauth, DRF throttles) live in the cache: none carries over."""
    cache.clear()
    yield
    cache.clear()


def _member(org: Organisation, role: str, email: str, name: str) -> Membership:
    user = UserFactory(email=email, full_name=name)
    return MembershipFactory(organisation=org, user=user, role=role)


def build_world(media: Path) -> World:
    """The organisation and everything in it, made through the services."""
    group = StakeholderGroup.objects.get(slug="patient-organisations")
    org = OrganisationFactory(
        name="Patients United", slug="patients-united", stakeholder_group=group, verified=True
    )
    partner = OrganisationFactory(
        name="Partner Network", slug="partner-network", stakeholder_group=group, listed=True
    )
    owner = _member(org, Role.ADMIN, "owner@example.org", "Olive Owner").user
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    lead = _member(org, Role.PE_LEAD, "lead@example.org", "Leo Lead")
    contributor = _member(org, Role.CONTRIBUTOR, "contributor@example.org", "Cleo").user
    viewer = _member(org, Role.VIEWER, "viewer@example.org", "Vic Viewer").user
    metric = MetricFactory(slug="patients-involved", name="Patients involved")
    barrier = BarrierCategoryFactory(slug="time", name="Lack of time")
    action = Edition.objects.current().actions.get(code="A1.1.1")
    adoption = adoption_services.adoption_create(
        organisation=org, action=action, by=owner, owner=owner
    )
    # Asked to act on the adoption together, not yet answered (issue 17).
    Partnership.objects.create(adoption=adoption, partner=partner, requested_by=owner)
    entry = adoption_services.progress_entry_create(
        adoption=adoption,
        by=owner,
        data=adoption_services.EntryInput(
            entry_date=timezone.localdate(),
            narrative="Held a workshop with the patient advisory board.",
            percent_complete=20,
            links=["https://example.org/report"],
            files=[SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")],
            metric_values={metric: Decimal("12")},
            barriers={barrier: "Short on volunteers."},
        ),
    )
    assessment = adoption_services.assessment_create(
        organisation=org,
        by=owner,
        assessed_on=timezone.localdate(),
        goal_levels={EndGoal.objects.published().get(code="EG1"): 2},
        dimension_levels={},
        notes="First checkpoint.",
    )
    invitation = organisation_services.invitation_create(
        organisation=org, by=owner, email="newcomer@example.org", role=Role.CONTRIBUTOR
    )
    token, _created = Token.objects.get_or_create(user=owner)
    return World(
        org=org,
        partner=partner,
        owner=owner,
        pe_lead=lead.user,
        contributor=contributor,
        viewer=viewer,
        lead_membership=lead,
        adoption=adoption,
        entry=entry,
        assessment=assessment,
        invitation=invitation,
        metric=metric,
        barrier=barrier,
        token=token.key,
        media=media,
    )


@pytest.fixture
def media_root(settings: object, tmp_path: Path) -> Path:
    """A private MEDIA_ROOT inside a folder of its own, so that escapes can be seen."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def world(small_roadmap: Edition, media_root: Path) -> World:
    return build_world(media_root)


@pytest.fixture(scope="module")
def module_world(module_db: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """``world`` made once for a module (``module_db``: rolled back after it; each test's
    writes are gone before the next one).

    Uploads go to ``<sandbox>/media``: a file anywhere else in the sandbox escaped it.
    """
    media = tmp_path_factory.mktemp("sandbox") / "media"
    media.mkdir()
    with override_settings(MEDIA_ROOT=media):
        build_small_roadmap()
        yield build_world(media)


@pytest.fixture
def api(world: World) -> APIClient:
    """An API client that sends the admin's token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")
    return client
