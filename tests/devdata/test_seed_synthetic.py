"""seed_synthetic: the benchmark data (issue 8), checked on 20 organisations (that a
benchmark compiles on it is checked on 300, in tests/test_query_budgets.py).

The roadmap and the 20 organisations are written once for the module, inside a
transaction rolled back at its end (``module_db``); each test runs in its own savepoint on
top (as in Django's TestCase.setUpTestData), so tests that clear or reseed leave the
others' data.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption import services as adoption_services
from apps.adoption.models import (
    Adoption,
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    MetricValue,
    ProgressEntry,
)
from apps.devdata.synthetic import seed_synthetic, synthetic_organisations
from apps.devdata.synthetic_population import EMAIL_DOMAIN, european_countries
from apps.organisations.models import Level, Membership, Organisation
from apps.organisations.permissions import Role
from apps.organisations.querysets import name_key
from apps.organisations.regions import region_for_country
from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import Action, StakeholderGroup
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ORGS = 20


@pytest.fixture(scope="module")
def seeded(module_db: None) -> None:
    load_roadmap()
    seed_synthetic(organisations=ORGS, seed=1)


@pytest.fixture
def roadmap(seeded, settings) -> None:
    """The module's data, and DEBUG on: the command refuses to run with DEBUG off."""
    settings.DEBUG = True


def seed(*args: str, orgs: int = ORGS, seed: int = 1) -> None:
    call_command(
        "seed_synthetic", "--orgs", str(orgs), "--seed", str(seed), *args, stdout=io.StringIO()
    )


def snapshot_of_data() -> tuple:
    orgs = synthetic_organisations().order_by("slug")
    return (
        list(orgs.values_list("name", "country", "level", "stakeholder_group__slug")),
        list(orgs.annotate(n=Count("adoptions")).values_list("n", flat=True)),
        ProgressEntry.objects.filter(adoption__organisation__in=orgs).count(),
    )


def test_it_seeds_realistic_data(roadmap) -> None:

    orgs = synthetic_organisations()
    assert orgs.count() == ORGS
    assert all(o.status == Organisation.Status.VERIFIED for o in orgs)
    assert set(orgs.values_list("stakeholder_group__slug", flat=True)) == set(
        StakeholderGroup.objects.values_list("slug", flat=True)
    )
    assert set(orgs.values_list("level", flat=True)) == set(Level.values)
    adoptions = Adoption.objects.filter(organisation__in=orgs).count()
    entries = ProgressEntry.objects.filter(adoption__organisation__in=orgs).count()
    assert 30 * ORGS <= adoptions <= 50 * ORGS
    assert 4 * adoptions <= entries <= 6 * adoptions
    assert MetricValue.objects.count() > entries // 5
    assert BarrierReport.objects.count() > entries // 20
    assessments = MaturityAssessment.objects.filter(organisation__in=orgs).count()
    assert 2 * ORGS <= assessments <= 4 * ORGS
    assert MaturityRating.objects.count() == 7 * assessments  # 4 end goals + 3 dimensions
    for organisation in orgs:
        assert organisation.region == region_for_country(organisation.country.code)
        assert organisation.name_key == name_key(organisation.name)
        assert organisation.name.startswith("Synthetic ")


def test_every_organisation_has_one_admin(roadmap) -> None:

    admins = synthetic_organisations().annotate(
        admins=Count("memberships", filter=Q(memberships__role=Role.ADMIN))
    )
    assert sorted({o.admins for o in admins}) == [1]
    assert not User.objects.filter(email__endswith=EMAIL_DOMAIN).exclude(memberships__isnull=False)


def test_adoptions_agree_with_their_latest_entries(roadmap) -> None:

    today = timezone.localdate()
    for adoption in Adoption.objects.prefetch_related("entries"):
        entries = sorted(adoption.entries.all(), key=lambda e: (e.entry_date, e.created_at))
        status = ""
        for entry in entries:  # each status change starts from the status before it
            if entry.status_to:
                assert (entry.status_from, entry.status_to != status) == (status, True)
                status = entry.status_to
        assert entries[0].status_to == "planned"
        assert adoption.status == status
        percents = [e.percent_complete for e in entries if e.percent_complete is not None]
        assert percents == sorted(percents)
        assert adoption.percent_complete == (percents[-1] if percents else 0)
        assert adoption.last_activity_at == entries[-1].created_at
        assert adoption.start_date == entries[0].entry_date
        assert today - dt.timedelta(days=3 * 365) <= entries[0].entry_date
        assert entries[-1].entry_date <= today


def test_same_seed_same_data(roadmap) -> None:
    first = snapshot_of_data()
    seed("--clear")
    assert snapshot_of_data() == first
    seed("--clear", seed=2)
    assert snapshot_of_data()[0] != first[0]


def test_it_refuses_to_seed_twice_without_clear(roadmap) -> None:
    with pytest.raises(CommandError, match="--clear"):
        seed(orgs=2)


def test_clear_removes_only_synthetic_rows(roadmap) -> None:
    real = OrganisationFactory(
        verified=True, stakeholder_group=StakeholderGroup.objects.first(), slug="real-one"
    )
    owner = MembershipFactory(organisation=real, user=UserFactory(), role=Role.ADMIN).user
    adoption_services.adoption_create(
        organisation=real, action=Action.objects.published().first(), by=owner
    )

    call_command("seed_synthetic", "--orgs", "0", "--clear", stdout=io.StringIO())

    assert list(Organisation.objects.values_list("slug", flat=True)) == ["real-one"]
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]
    assert Membership.objects.count() == 1
    assert Adoption.objects.get().organisation == real
    assert ProgressEntry.objects.filter(adoption__organisation=real).count() == 1
    assert not MetricValue.objects.exists()
    assert not MaturityAssessment.objects.exists()


def test_rows_pass_model_validation(roadmap) -> None:

    samples = [
        *synthetic_organisations()[:3],
        *User.objects.filter(email__endswith=EMAIL_DOMAIN)[:3],
        *Membership.objects.all()[:3],
        *Adoption.objects.all()[:5],
        *ProgressEntry.objects.order_by("-pk")[:5],
        *MetricValue.objects.all()[:3],
        *BarrierReport.objects.all()[:3],
        *MaturityAssessment.objects.all()[:3],
        *MaturityRating.objects.all()[:3],
    ]
    assert len(samples) == 31
    for obj in samples:
        obj.full_clean()


def test_every_european_country_can_be_used() -> None:
    assert {"DE", "PL", "IS", "TR", "GE", "LI"} <= set(european_countries())


def test_it_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_synthetic", "--orgs", "1")


def test_every_column_the_database_cannot_fill_is_written() -> None:
    """COPY writes only the columns TABLES names; PostgreSQL fills the rest with its own
    defaults, and has none for a column whose default lives in Python. A new column that is
    NOT NULL without a database default must join its model's list (SQLite's bulk_create
    would hide the omission)."""
    from django.db.models.fields import NOT_PROVIDED

    from apps.devdata.synthetic_writes import TABLES

    missing = {
        f"{model.__name__}.{f.column}"
        for model, columns in TABLES.items()
        for f in model._meta.concrete_fields
        if not f.null and f.db_default is NOT_PROVIDED and f.column not in columns
    }
    assert not missing, f"Columns COPY would leave NULL: {sorted(missing)}"
