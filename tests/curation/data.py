"""A population whose adoptions of one action stand at known statuses, for the curators'
figures (compile) and report (pages, API, journey).

``curation_population(edition, layout)`` makes one verified organisation per adoption
status of ``layout`` (``None``: it has not adopted the action), all in Belgium and one
stakeholder group, every adoption of ``ACTION`` started on 1 January 2026:

- ``implemented``: the j-th reaches implemented after 10 (j + 1) days;
- ``embedded``: implemented after 5 days, embedded after 100 + j days;
- ``paused`` and ``discontinued``: in progress, then paused or discontinued;
- the first ``barriers`` adopters report "lack of resources", the next
  ``rare_barriers`` "lack of time";
- the "lack of resources" reports say they challenge assumption ``AS-EG1-1``; the
  "lack of time" reports and the entries discontinuing an adoption, ``AS-EG1-2``.
"""

from __future__ import annotations

import datetime as dt

from apps.adoption.models import BarrierReport
from apps.organisations.models import Organisation
from apps.roadmap.models import Assumption, BarrierCategory, Edition
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import BarrierCategoryFactory, StakeholderGroupFactory

ACTION = "A1.1.1"
START = dt.date(2026, 1, 1)
# 35 organisations: 23 adopting (6 dormant, 6 implemented, 5 embedded, 6 in progress),
# 6 discontinued, 6 never adopted.
LAYOUT: dict[str | None, int] = {
    "paused": 6,
    "implemented": 6,
    "embedded": 5,
    "in_progress": 6,
    "discontinued": 6,
    None: 6,
}


def _category(slug: str) -> BarrierCategory:
    found = BarrierCategory.objects.filter(slug=slug).first()
    return found or BarrierCategoryFactory(slug=slug, name=slug.replace("-", " ").capitalize())


def curation_population(
    edition: Edition,
    layout: dict[str | None, int] | None = None,
    *,
    barriers: int = 7,
    rare_barriers: int = 3,
) -> list[Organisation]:
    action = edition.actions.get(code=ACTION)
    group = StakeholderGroupFactory(slug="patient-organisations")
    common, rare = _category("lack-of-resources"), _category("lack-of-time")
    end_goal = action.intermediate_goal.end_goal
    # The goal's first two assumptions (the real roadmap has them; a test roadmap gets them).
    held, doubted = (
        Assumption.objects.get_or_create(
            edition=edition,
            code=f"AS-{end_goal.code}-{n}",
            defaults={"end_goal": end_goal, "text": f"Assumption {n}", "provenance": "curated"},
        )[0]
        for n in (1, 2)
    )
    orgs = []
    adopters = 0
    for status, count in (layout or LAYOUT).items():
        for j in range(count):
            org = OrganisationFactory(verified=True, country="BE", stakeholder_group=group)
            orgs.append(org)
            if status is None:
                continue
            adoption = AdoptionFactory(organisation=org, action=action, start_date=START)
            entries = _history(status, j)
            last = None
            for days, status_to in entries:
                last = ProgressEntryFactory(
                    adoption=adoption,
                    entry_date=START + dt.timedelta(days=days),
                    status_to=status_to,
                )
            if status == "discontinued":
                last.challenged_assumption = doubted
                last.save(update_fields=["challenged_assumption"])
            if adopters < barriers:
                BarrierReport.objects.create(entry=last, category=common, assumption=held)
            elif adopters < barriers + rare_barriers:
                BarrierReport.objects.create(entry=last, category=rare, assumption=doubted)
            adopters += 1
    return orgs


def _history(status: str, j: int) -> list[tuple[int, str]]:
    if status == "implemented":
        return [(10 * (j + 1), "implemented")]
    if status == "embedded":
        return [(5, "implemented"), (100 + j, "embedded")]
    if status == "in_progress":
        return [(31, "in_progress")]
    return [(31, "in_progress"), (59, status)]
