"""The organisation the personas (``tests/conftest.py``) belong to in these tests."""

from __future__ import annotations

import pytest

from apps.organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Patients Together", slug="patients-together")
