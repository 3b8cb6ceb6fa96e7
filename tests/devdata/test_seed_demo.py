"""seed_demo: the demo data that `make run` loads. Slow (it writes 18 months of
history through the services), so one test checks everything on one seeding."""

import pytest
from django.core.management import CommandError, call_command

from apps.adoption.models import Adoption, MaturityAssessment
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.devdata.management.commands.seed_demo import DEMO_ORGANISATIONS
from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.loader import load_roadmap

pytestmark = pytest.mark.django_db


def test_the_demo(settings, client) -> None:
    load_roadmap()
    settings.DEBUG = True
    call_command("seed_demo")

    demo = Organisation.objects.filter(name__in=[d.name for d in DEMO_ORGANISATIONS])
    assert demo.count() == 6
    assert all(o.status == Organisation.Status.VERIFIED for o in demo)
    groups = set(demo.values_list("stakeholder_group__slug", flat=True))
    assert {
        "patient-organisations",
        "medicines-developers",
        "hta-bodies",
        "regulators",
        "academia",
        "payers",
    } <= groups
    assert len(set(demo.values_list("country", flat=True))) >= 5
    for organisation in demo:
        roles = set(organisation.memberships.values_list("role", flat=True))
        assert roles == set(Role.values)
        assert organisation.adoptions.count() >= 8
        assert MaturityAssessment.objects.filter(organisation=organisation).count() == 3
    # Peers make groups large enough for benchmarks to publish figures.
    assert Organisation.objects.verified().count() >= 30
    assert BenchmarkSnapshot.objects.count() >= 4
    # Every demo snapshot passed its audit (apps/benchmarking/services.py): published.
    assert not BenchmarkSnapshot.objects.held().exists()
    assert BenchmarkCell.objects.filter(suppressed=False, breakdown="region").exists()

    response = client.post(
        "/account/login/",
        {"login": "lead.patients@demo.pe-roadmap.test", "password": "demo-portal-2026"},
    )
    assert response.status_code == 302
    assert client.get("/o/demo-patients-alliance-poland/").status_code == 200

    counts = (Organisation.objects.count(), Membership.objects.count(), Adoption.objects.count())
    call_command("seed_demo")
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        Adoption.objects.count(),
    ) == counts


def test_seed_demo_refuses_without_debug(settings) -> None:
    load_roadmap()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
