"""Shared fixtures: a small published roadmap built from factories, and helpers."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from apps.roadmap.cache import forget_served
from tests.roadmap.factories import (
    ActionFactory,
    DimensionFactory,
    EditionFactory,
    EndGoalFactory,
    IntermediateGoalFactory,
    StakeholderGroupFactory,
)


@pytest.fixture(autouse=True)
def _fresh_language_and_cache():
    """Each test starts in the default language, with an empty cache.

    A test client request leaves its language active in the thread (LocaleMiddleware
    activates it and nothing deactivates it), and roadmap texts read and written outside a
    request follow the active language. Public pages are cached (``apps/roadmap/cache.py``,
    in the cache and for a second in the worker): a page cached by one test must not answer
    another, and a rolled-back test saves nothing that would refresh it.
    """
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    forget_served()
    yield
    cache.clear()
    forget_served()
    translation.activate(settings.LANGUAGE_CODE)


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
