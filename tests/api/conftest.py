"""Personas and clients for the API tests.

One organisation, "Patients United", with the personas of ``tests/conftest.py``: an
owner (admin), a PE lead, a contributor and a viewer; here the outsider is the admin of
another organisation; and anonymous callers. ``api_as(user)`` gives an APIClient signed
in as ``user``.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.adoption.models import Adoption
from apps.adoption.services import adoption_create
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import Edition
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.personas import OUTSIDER
from tests.roadmap.factories import StakeholderGroupFactory

PASSWORD = "correct horse battery staple"  # UserFactory's password


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()


@pytest.fixture
def patients_group(db: None) -> object:
    return StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs")


@pytest.fixture
def org(patients_group: object) -> Organisation:
    """A verified organisation that is not listed in the public directory."""
    return OrganisationFactory(
        name="Patients United",
        slug="patients-united",
        stakeholder_group=patients_group,
        verified=True,
    )


@pytest.fixture
def outsider(db: None) -> User:
    """Admin of another organisation, and nothing in ``org``."""
    other = OrganisationFactory(name="Elsewhere", slug="elsewhere")
    return MembershipFactory(
        organisation=other, role=Role.ADMIN, user=UserFactory(email=OUTSIDER)
    ).user


@pytest.fixture
def personas(personas: dict[str, User]) -> dict[str, User | None]:
    return {**personas, "anonymous": None}


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# --- Adoptions (tests/api/test_adoption*.py, test_assessments.py, the permission matrix) -----


@pytest.fixture
def adoption(org: Organisation, owner: User, small_roadmap: Edition) -> Adoption:
    """``org`` adopts A1.1.1 through the service, so it has its first progress entry."""
    action = small_roadmap.actions.get(code="A1.1.1")
    return adoption_create(organisation=org, action=action, by=owner, status="in_progress")


@pytest.fixture
def evidence_storage(settings: object, tmp_path: Path) -> Path:
    """Uploaded evidence goes to a private, empty folder that the test can inspect."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
