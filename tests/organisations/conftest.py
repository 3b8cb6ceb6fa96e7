"""The organisation the personas (``tests/conftest.py``) belong to in these tests."""

from __future__ import annotations

import pytest

from apps.organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Patients Together", slug="patients-together")


@pytest.fixture
def verified(org) -> Organisation:
    """``org``, verified (the public profile's tests)."""
    org.status = Organisation.Status.VERIFIED
    org.save()
    return org
