"""The organisation of the API tests (here, ``tests/adoption/api`` and ``tests/accounts/api``).

One organisation, "Patients United", verified, with the personas of ``tests/conftest.py``:
an owner (admin), a PE lead, a contributor and a viewer; here the outsider is the admin of
another organisation, and ``personas["anonymous"]`` is nobody. The clients are
``api_as(user)`` and ``anonymous`` (``tests/conftest.py``).
"""

import pytest

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


@pytest.fixture
def patients_group(db: None) -> object:
    return StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs")


@pytest.fixture
def org(patients_group: object) -> Organisation:
    return build_org(patients_group)


def build_org(patients_group: object) -> Organisation:
    """A verified organisation that is not listed in the public directory."""
    return OrganisationFactory(
        name="Patients United",
        slug="patients-united",
        stakeholder_group=patients_group,
        verified=True,
    )


@pytest.fixture
def outsider(db: None) -> User:
    return build_outsider()


def build_outsider() -> User:
    """Admin of another organisation, and nothing in ``org``."""
    other = OrganisationFactory(name="Elsewhere", slug="elsewhere")
    return MembershipFactory(
        organisation=other, role=Role.ADMIN, user=UserFactory(email=OUTSIDER)
    ).user


@pytest.fixture
def personas(personas: dict[str, User]) -> dict[str, User | None]:
    return {**personas, "anonymous": None}


@pytest.fixture
def adoption(org: Organisation, owner: User, small_roadmap: Edition) -> Adoption:
    """``org`` adopts A1.1.1 through the service, so it has its first progress entry
    (for the permission matrix here and for ``tests/adoption/api``)."""
    return build_adoption(org, owner, small_roadmap)


def build_adoption(org: Organisation, owner: User, edition: Edition) -> Adoption:
    action = edition.actions.get(code="A1.1.1")
    return adoption_create(organisation=org, action=action, by=owner, status="in_progress")
