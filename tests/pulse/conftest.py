"""The personas' organisation, a second one, and a published edition with a three-statement
pulse (PU-1…PU-3, with French texts)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.organisations.models import Organisation
from apps.roadmap.models import PulseStatement
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import PulseStatementFactory

# A day in 2026-Q4 (quarters are the default period): the next period starts on 1 January.
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Patients Together", slug="patients-together")


@pytest.fixture
def other_org(db) -> Organisation:
    return OrganisationFactory(name="Open Hospital", slug="open-hospital")


@pytest.fixture
def statements(published_edition) -> list[PulseStatement]:
    return [
        PulseStatementFactory(
            edition=published_edition,
            code=f"PU-{n}",
            text=f"Statement {n} holds for us.",
            text_fr=f"L'énoncé {n} vaut pour nous.",
            order=n,
        )
        for n in (1, 2, 3)
    ]


def all_answers(value: int = 4) -> list[tuple[str, object]]:
    return [(f"PU-{n}", value) for n in (1, 2, 3)]
