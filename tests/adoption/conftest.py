"""Fixtures of the adoption tests: the personas' organisation (shared with
tests/organisations), a private media folder, evidence files and an adoption; for the
export and import tests, a second organisation to import into, partners and a full history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption import services
from apps.adoption.models import Adoption, AdoptionStatus, Metric, Partnership, ProgressEntry
from apps.adoption.services import EntryInput
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, BarrierCategory, Edition
from tests.organisations import conftest as organisation_fixtures
from tests.organisations.factories import OrganisationFactory
from tests.personas import add_members, add_partner_members
from tests.roadmap.factories import (
    ActionFactory,
    BarrierCategoryFactory,
    EditionFactory,
    EndGoalFactory,
    IntermediateGoalFactory,
)

# The organisation of tests/organisations, whose members are the personas (tests/conftest.py).
org = organisation_fixtures.org

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 64
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>\n"
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Uploaded files go to a folder of their own, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def pdf_file() -> Callable[..., SimpleUploadedFile]:
    return lambda name="report.pdf": upload(name, PDF, "application/pdf")


@pytest.fixture
def barriers(db) -> list[BarrierCategory]:
    return [
        BarrierCategoryFactory(slug="time", name="Lack of time"),
        BarrierCategoryFactory(slug="funding", name="Lack of funding"),
    ]


@pytest.fixture
def adoption(org: Organisation, contributor, small_roadmap: Edition) -> Adoption:
    """A1.1.1 adopted by the persona organisation, through the service."""
    action = small_roadmap.actions.get(code="A1.1.1")
    return services.adoption_create(
        organisation=org, action=action, by=contributor, owner=contributor
    )


# --- Joint commitments (tests/adoption/test_partnerships*.py) ---------------------------------


@pytest.fixture
def partner_org(db) -> Organisation:
    """A verified organisation to act together with, with its own people (``partner_people``)."""
    return OrganisationFactory(name="Care Alliance", slug="care-alliance", verified=True)


@pytest.fixture
def partner_people(partner_org: Organisation) -> dict[str, User]:
    return add_partner_members(partner_org)


# --- Export and import (tests/adoption/test_transfer_*.py) ------------------------------------


@pytest.fixture
def fresh_org(personas: dict[str, User]) -> Organisation:
    """A second organisation with the same members, to import into."""
    fresh = OrganisationFactory(name="Fresh Start", slug="fresh-start", verified=True)
    add_members(fresh)
    return fresh


@pytest.fixture
def partners(db) -> list[Organisation]:
    return [
        OrganisationFactory(slug="hospital-partner", verified=True),
        OrganisationFactory(slug="industry-partner", verified=True),
    ]


@pytest.fixture
def barrier_categories(db) -> list[BarrierCategory]:
    return [
        BarrierCategoryFactory(slug="lack-of-resources", name="Lack of resources", order=1),
        BarrierCategoryFactory(slug="lack-of-trust", name="Lack of trust", order=2),
    ]


def _removed_action(code: str) -> Action:
    """An action of an archived edition: what carry-over leaves behind, read-only."""
    old = EditionFactory(status=Edition.Status.ARCHIVED, version_label="2019")
    goal = IntermediateGoalFactory(end_goal=EndGoalFactory(edition=old, code="EG1"), code="IG1.1")
    return ActionFactory(intermediate_goal=goal, code=code)


def _day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


@pytest.fixture
def history(
    org: Organisation,
    personas: dict[str, User],
    small_roadmap: Edition,
    partners: list[Organisation],
    barrier_categories: list[BarrierCategory],
) -> dict[str, Adoption]:
    """Three adoptions with owner, partners, dates, links, metrics, barriers and a correction,
    plus one adoption whose action was removed from the roadmap."""
    lead, contributor = personas["pe_lead"], personas["contributor"]
    actions = {a.code: a for a in small_roadmap.actions.all()}
    first = services.adoption_create(
        organisation=org,
        action=actions["A1.1.1"],
        by=lead,
        owner=lead,
        is_urgent=True,
        start_date=_day(400),
        target_date=_day(-200),
        notes='=HYPERLINK("http://evil.example")\nSecond line, with a comma.',
    )
    second = services.adoption_create(
        organisation=org, action=actions["A1.2.1"], by=contributor, is_important=False
    )
    third = services.adoption_create(
        organisation=org, action=actions["A2.1.2"], by=lead, owner=contributor
    )
    metrics = {m.slug: m for m in Metric.objects.all()}
    entry = services.progress_entry_create(
        adoption=first,
        by=contributor,
        data=EntryInput(
            entry_date=_day(90),
            narrative="Held a workshop with the patient advisory board.",
            status_to=AdoptionStatus.IN_PROGRESS,
            percent_complete=30,
            links=["https://example.org/minutes", "https://example.org/photos?id=1,2"],
            metric_values={
                metrics["pe-activities"]: Decimal("2"),
                metrics["pe-budget"]: Decimal("1500.50"),
            },
            barriers={barrier_categories[0]: "Budget cut.\nNo staff in summer."},
        ),
    )
    services.progress_entry_correct(
        entry=entry,
        by=lead,
        data=EntryInput(
            entry_date=_day(89),
            narrative="-5 participants cancelled; held two workshops.",
            status_to=AdoptionStatus.IN_PROGRESS,
            percent_complete=35,
            links=["https://example.org/minutes"],
            metric_values={metrics["pe-activities"]: Decimal("2")},
            barriers={barrier_categories[1]: ""},
        ),
    )
    services.progress_entry_create(
        adoption=second,
        by=personas["owner"],
        data=EntryInput(entry_date=_day(10), narrative="@team kick-off", percent_complete=5),
    )
    removed = Adoption.objects.create(
        organisation=org, action=_removed_action("A1.1.1"), action_removed=True
    )
    ProgressEntry.objects.create(
        adoption=removed,
        organisation=org,
        entry_date=_day(30),
        narrative="A1.1.1 is not in edition 2021.",
    )
    services.progress_entry_create(
        adoption=third, by=lead, data=EntryInput(entry_date=_day(3), narrative="Plan agreed.")
    )
    for partner in partners:  # partners who accepted (the requests' own tests go through them)
        Partnership.objects.create(adoption=first, partner=partner, state="accepted")
    return {"first": first, "second": second, "third": third, "removed": removed}
