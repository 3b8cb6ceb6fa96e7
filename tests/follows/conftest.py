"""The organisation the personas belong to, and a public one to follow."""

from __future__ import annotations

import pytest

from apps.organisations.models import Organisation, PublicProfile
from tests.organisations.factories import OrganisationFactory


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Patients Together", slug="patients-together")


@pytest.fixture
def public_org(db) -> Organisation:
    """Verified, with a public profile showing its actions and case studies."""
    organisation = OrganisationFactory(name="Open Hospital", slug="open-hospital", verified=True)
    PublicProfile.objects.create(
        organisation=organisation, is_public=True, show_actions=True, show_case_studies=True
    )
    return organisation
