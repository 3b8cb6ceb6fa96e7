"""The practice library's pages make as many queries for many case studies as for few
(the whole portal's budgets are in tests/test_query_budgets.py, on synthetic data that has
no case studies: these pages are measured here with some)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.practices.models import CaseStudy
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import OrganisationFactory
from tests.practices.factories import CaseStudyFactory

BUDGET = 15


def _publish(count: int, small_roadmap) -> list[CaseStudy]:
    actions = list(small_roadmap.actions.all())
    made = []
    for n in range(count):
        adoption = AdoptionFactory(organisation=OrganisationFactory(), action=actions[n % 8])
        made.append(CaseStudyFactory(published=True, adoption=adoption))
    return made


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("practices:list"),
        reverse("practices:list") + "?end_goal=EG1&country=FR",
        reverse("practices:feed"),
        "/api/v1/practices/",
        reverse("roadmap:action", args=["A1.1.1"]),
        "/o/patients-together/practices/",
        "/api/v1/organisations/patients-together/practices/",
    ],
)
def test_queries_stay_flat(client, client_as, settings, small_roadmap, org, owner, url) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client_as(owner)
    for count in (2, 10):  # some of them the organisation's, for its own pages
        made = _publish(count, small_roadmap)
        CaseStudy.objects.filter(pk__in=[c.pk for c in made[::2]]).update(organisation=org)
        if count == 2:
            few = _count(client, url)
    assert _count(client, url) == few <= BUDGET


def test_a_case_study_page_within_budget(client, small_roadmap) -> None:
    case_study = _publish(1, small_roadmap)[0]
    assert _count(client, case_study.get_absolute_url()) <= BUDGET
