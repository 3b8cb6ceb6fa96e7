"""Adoption services: adopting, logging progress with evidence, correcting, assessing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    Evidence,
    MaturityAssessment,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.adoption.services import EntryInput
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import ActionFactory, BarrierCategoryFactory, EditionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.fixture
def contributor():
    return MembershipFactory(role=Role.CONTRIBUTOR)


@pytest.fixture
def adoption(contributor, small_roadmap):
    action = small_roadmap.actions.get(code="A1.1.1")
    return services.adoption_create(
        organisation=contributor.organisation, action=action, by=contributor.user
    )


def _today() -> dt.date:
    return timezone.localdate()


def test_adopting_records_a_first_entry(adoption, contributor) -> None:
    assert adoption.status == AdoptionStatus.PLANNED
    entry = adoption.entries.get()
    assert entry.status_to == AdoptionStatus.PLANNED
    assert entry.author == contributor.user
    adoption.refresh_from_db()
    assert adoption.last_activity_at is not None


def test_an_action_is_adopted_once(adoption, contributor) -> None:
    with pytest.raises(ValidationError, match="already adopted"):
        services.adoption_create(
            organisation=contributor.organisation, action=adoption.action, by=contributor.user
        )
    assert Adoption.objects.count() == 1


def test_only_published_actions_can_be_adopted(contributor) -> None:
    draft_action = ActionFactory(intermediate_goal__end_goal__edition=EditionFactory())
    with pytest.raises(ValidationError, match="published"):
        services.adoption_create(
            organisation=contributor.organisation, action=draft_action, by=contributor.user
        )


def test_target_before_start_is_refused(contributor, small_roadmap) -> None:
    action = small_roadmap.actions.get(code="A1.1.2")
    with pytest.raises(ValidationError, match="target date cannot be before"):
        services.adoption_create(
            organisation=contributor.organisation,
            action=action,
            by=contributor.user,
            start_date=dt.date(2026, 5, 1),
            target_date=dt.date(2026, 4, 1),
        )
    assert not Adoption.objects.exists()


def test_the_owner_must_be_a_member(contributor, small_roadmap) -> None:
    action = small_roadmap.actions.get(code="A1.1.2")
    with pytest.raises(ValidationError, match="owner"):
        services.adoption_create(
            organisation=contributor.organisation,
            action=action,
            by=contributor.user,
            owner=UserFactory(),
        )


def test_bulk_adoption_skips_what_is_adopted(adoption, contributor, small_roadmap) -> None:
    actions = list(small_roadmap.actions.filter(code__in=["A1.1.1", "A1.1.2", "A2.1.1"]))
    created = services.adoption_bulk_create(
        organisation=contributor.organisation, actions=actions, by=contributor.user
    )
    assert sorted(a.action.code for a in created) == ["A1.1.2", "A2.1.1"]
    assert contributor.organisation.adoptions.count() == 3


def test_a_status_change_always_leaves_an_entry(adoption, contributor) -> None:
    services.adoption_update(adoption=adoption, by=contributor.user, status="in_progress")
    entry = adoption.entries.order_by("-pk").first()
    assert (entry.status_from, entry.status_to) == ("planned", "in_progress")
    services.adoption_update(adoption=adoption, by=contributor.user, notes="No status change")
    assert adoption.entries.count() == 2


def test_progress_with_evidence_metrics_and_barriers(adoption, contributor) -> None:
    metric = Metric.objects.get(slug="patients-involved")
    barrier = BarrierCategoryFactory()
    data = EntryInput(
        entry_date=_today(),
        narrative="Workshop held",
        status_to="in_progress",
        percent_complete=40,
        links=["https://example.org/report"],
        files=[
            SimpleUploadedFile("minutes.pdf", PDF),
            SimpleUploadedFile("../../photo.png", PNG),
        ],
        metric_values={metric: Decimal("12")},
        barriers={barrier: "Hard to reach rural patients"},
    )
    entry = services.progress_entry_create(adoption=adoption, by=contributor.user, data=data)
    adoption.refresh_from_db()
    assert adoption.status == "in_progress"
    assert adoption.percent_complete == 40
    assert entry.status_from == "planned"
    files = Evidence.objects.filter(entry=entry).exclude(file="")
    assert sorted(f.content_type for f in files) == ["application/pdf", "image/png"]
    assert {f.original_name for f in files} == {"minutes.pdf", "photo.png"}
    assert all("/" not in f.original_name for f in files)
    assert all(f.file.name.startswith("evidence/") for f in files)
    assert entry.metrics.get().value == Decimal("12")
    assert entry.barriers.get().note == "Hard to reach rural patients"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"percent_complete": 101}, "percent_complete"),
        ({"percent_complete": -1}, "percent_complete"),
        ({"entry_date": dt.date(2999, 1, 1)}, "entry_date"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        (
            {"files": [SimpleUploadedFile("virus.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64)]},
            "files",
        ),
        (
            {
                "files": [
                    SimpleUploadedFile(
                        "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
                    )
                ]
            },
            "files",
        ),
    ],
)
def test_bad_entries_are_refused_whole(adoption, contributor, change, field) -> None:
    metric = Metric.objects.get(slug="pe-activities")
    data = EntryInput(
        entry_date=_today(),
        narrative="x",
        status_to="implemented",
        files=[SimpleUploadedFile("ok.pdf", PDF)],
        metric_values={metric: Decimal(3)},
    )
    for name, value in change.items():
        setattr(data, name, value)
    before = ProgressEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.progress_entry_create(adoption=adoption, by=contributor.user, data=data)
    assert field in excinfo.value.message_dict
    assert ProgressEntry.objects.count() == before
    assert not Evidence.objects.exists()
    assert not MetricValue.objects.exists()
    adoption.refresh_from_db()
    assert adoption.status == "planned"


def test_negative_metric_values_are_refused(adoption, contributor) -> None:
    metric = Metric.objects.get(slug="pe-budget")
    data = EntryInput(entry_date=_today(), narrative="x", metric_values={metric: Decimal(-5)})
    with pytest.raises(ValidationError, match="negative"):
        services.progress_entry_create(adoption=adoption, by=contributor.user, data=data)


def test_oversized_files_are_refused(adoption, contributor, settings) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    data = EntryInput(
        entry_date=_today(),
        narrative="x",
        files=[SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)],
    )
    with pytest.raises(ValidationError, match="larger than"):
        services.progress_entry_create(adoption=adoption, by=contributor.user, data=data)
    assert not Evidence.objects.exists()


def test_a_correction_is_a_new_version(adoption, contributor) -> None:
    first = services.progress_entry_create(
        adoption=adoption,
        by=contributor.user,
        data=EntryInput(entry_date=_today(), narrative="Held 3 workshops", percent_complete=30),
    )
    fixed = services.progress_entry_correct(
        entry=first,
        by=contributor.user,
        data=EntryInput(entry_date=_today(), narrative="Held 2 workshops", percent_complete=20),
    )
    first.refresh_from_db()
    assert not first.is_current
    assert fixed.supersedes == first
    assert first.narrative == "Held 3 workshops"  # the history stays readable
    adoption.refresh_from_db()
    assert adoption.percent_complete == 20
    with pytest.raises(ValidationError, match="already been corrected"):
        services.progress_entry_correct(
            entry=first, by=contributor.user, data=EntryInput(entry_date=_today(), narrative="y")
        )


def test_removed_actions_are_read_only(adoption, contributor) -> None:
    Adoption.objects.filter(pk=adoption.pk).update(action_removed=True)
    adoption.refresh_from_db()
    with pytest.raises(ValidationError, match="read-only"):
        services.adoption_update(adoption=adoption, by=contributor.user, notes="x")
    with pytest.raises(ValidationError, match="read-only"):
        services.progress_entry_create(
            adoption=adoption,
            by=contributor.user,
            data=EntryInput(entry_date=_today(), narrative="x"),
        )


def test_assessments_keep_every_checkpoint(small_roadmap) -> None:
    organisation = OrganisationFactory()
    user = UserFactory()
    goals = list(small_roadmap.end_goals.all())
    for level in (2, 3):
        services.assessment_create(
            organisation=organisation,
            by=user,
            assessed_on=_today(),
            goal_levels=dict.fromkeys(goals, level),
            dimension_levels={},
        )
    assert MaturityAssessment.objects.filter(organisation=organisation).count() == 2
    with pytest.raises(ValidationError):
        services.assessment_create(
            organisation=organisation,
            by=user,
            assessed_on=_today(),
            goal_levels={goals[0]: 6},
            dimension_levels={},
        )
    assert MaturityAssessment.objects.count() == 2
