"""Fixtures of the practice library's tests: the personas' organisation (shared with
tests/organisations), a private media folder, an adoption of A1.1.1 and a staff member."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import User
from apps.adoption import services as adoption_services
from apps.adoption.models import Adoption
from apps.organisations.models import Organisation
from apps.practices import services
from apps.practices.models import CaseStudy
from apps.roadmap.models import Edition
from tests.accounts.factories import UserFactory
from tests.organisations import conftest as organisation_fixtures

org = organisation_fixtures.org

TEXT = {
    "title": "A patient panel for our trials",
    "what_was_done": "We set up a patient panel.",
    "for_whom": "People living with rare diseases.",
    "outcomes": "Three protocols changed.",
    "lessons": "Pay panel members for their time.",
    "cost": "4,000 euros a year.",
    "resources": "https://example.org/panel-guide",
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def adoption(org: Organisation, pe_lead: User, small_roadmap: Edition) -> Adoption:
    action = small_roadmap.actions.get(code="A1.1.1")
    return adoption_services.adoption_create(organisation=org, action=action, by=pe_lead)


@pytest.fixture
def staff(db: Any) -> User:
    return UserFactory(email="moderator@example.org", staff=True)


@pytest.fixture
def draft(adoption: Adoption, pe_lead: User) -> CaseStudy:
    return services.case_study_create(adoption=adoption, by=pe_lead, **TEXT)


@pytest.fixture
def submitted(draft: CaseStudy, pe_lead: User) -> CaseStudy:
    return services.case_study_submit(case_study=draft, by=pe_lead)


@pytest.fixture
def approved(submitted: CaseStudy, owner: User) -> CaseStudy:
    return services.case_study_approve(case_study=submitted, by=owner)


@pytest.fixture
def published(approved: CaseStudy, staff: User) -> CaseStudy:
    return services.case_study_publish(case_study=approved, by=staff)
