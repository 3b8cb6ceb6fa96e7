"""Shared fixtures: a small published roadmap built from factories, and helpers."""

import os

import pytest

from tests.roadmap.factories import (
    ActionFactory,
    DimensionFactory,
    EditionFactory,
    EndGoalFactory,
    IntermediateGoalFactory,
    StakeholderGroupFactory,
)


@pytest.fixture
def published_edition(db):
    return EditionFactory(published=True, version_label="2021")


@pytest.fixture
def small_roadmap(published_edition):
    """A published edition with 2 end goals × 2 intermediate goals × 2 actions."""
    groups = [
        StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs"),
        StakeholderGroupFactory(slug="hta-bodies", name="HTA bodies"),
    ]
    dims = [DimensionFactory(slug=s, name=s.title()) for s in ("culture", "processes")]
    for e in (1, 2):
        eg = EndGoalFactory(edition=published_edition, code=f"EG{e}", title=f"End goal {e}")
        for i in (1, 2):
            ig = IntermediateGoalFactory(
                end_goal=eg, code=f"IG{e}.{i}", title=f"Intermediate goal {e}.{i}"
            )
            for a in (1, 2):
                ActionFactory(
                    intermediate_goal=ig,
                    code=f"A{e}.{i}.{a}",
                    title=f"Action {e}.{i}.{a}",
                    dimension=dims[a - 1],
                    stakeholder_groups=[groups[(e + a) % 2]],
                )
    return published_edition


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which is not allowed: {report.longrepr}"
