import pytest
from django.core.management import CommandError, call_command

from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.loader import load_roadmap

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap() -> None:
    load_roadmap()


def test_demo_has_verified_organisations_of_each_kind_with_every_role(roadmap, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    organisations = Organisation.objects.all()
    assert organisations.count() == 6
    assert all(o.status == Organisation.Status.VERIFIED for o in organisations)
    groups = set(organisations.values_list("stakeholder_group__slug", flat=True))
    assert {
        "patient-organisations",
        "medicines-developers",
        "hta-bodies",
        "regulators",
        "academia",
        "payers",
    } <= groups
    assert len(set(organisations.values_list("country", flat=True))) >= 5
    for organisation in organisations:
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(Role.values)


def test_demo_accounts_can_sign_in(roadmap, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/account/login/",
        {"login": "lead.patients@demo.pe-roadmap.test", "password": "demo-portal-2026"},
    )
    assert response.status_code == 302
    assert client.get("/o/demo-patients-alliance-poland/").status_code == 200


def test_seeding_twice_changes_nothing(roadmap, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Organisation.objects.count() == 6
    assert Membership.objects.count() == 24


def test_seed_demo_refuses_without_debug(roadmap, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
