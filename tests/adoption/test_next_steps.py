"""The dashboard's next steps: overdue and dormant adoptions to update, adoptions with no
owner, the next maturity checkpoint; each a link to where it is done, in one query."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.dashboard import dashboard_for
from apps.adoption.models import Adoption, AdoptionStatus
from apps.adoption.next_steps import add_months, next_checkpoint, next_steps_for
from apps.roadmap.models import Action, Dimension, EndGoal
from tests.adoption.factories import AdoptionFactory
from tests.roadmap.factories import ActionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DORMANT_DAYS = settings.ADOPTION_DORMANT_DAYS


def _home(org) -> str:
    return reverse("organisations:home", args=[org.slug])


def _adopt(org, code: str, **fields: object) -> Adoption:
    action = Action.objects.filter(code=code).first() or ActionFactory(code=code)
    fields.setdefault("last_activity_at", timezone.now())
    return AdoptionFactory(organisation=org, action=action, **fields)


def _section(html: str) -> str:
    match = re.search(r'<section class="card mb-4 next-steps".*?</section>', html, re.DOTALL)
    assert match, "no next steps on the page"
    return match.group(0)


def _assess(org, by, day: dt.date) -> None:
    services.assessment_create(
        organisation=org,
        by=by,
        assessed_on=day,
        goal_levels={EndGoal.objects.get(code="EG1"): 2},
        dimension_levels={Dimension.objects.get(slug="culture"): 2},
    )


@pytest.fixture
def steps_world(org, contributor, small_roadmap) -> dict[str, Adoption]:
    long_ago = timezone.now() - dt.timedelta(days=DORMANT_DAYS + 5)
    return {
        "overdue": _adopt(
            org, "A1.1.1", owner=contributor, target_date=TODAY - dt.timedelta(days=3)
        ),
        "dormant": _adopt(org, "A1.2.1", owner=contributor, last_activity_at=long_ago),
        "unowned": _adopt(org, "A2.1.1", target_date=TODAY + dt.timedelta(days=90)),
        "fine": _adopt(org, "A2.2.1", owner=contributor),
        "done": _adopt(org, "A2.2.2", status=AdoptionStatus.EMBEDDED),
        "removed": _adopt(
            org,
            "A9.1.1",
            action_removed=True,
            target_date=TODAY - dt.timedelta(days=30),
        ),
    }


def test_a_contributor_sees_each_step_with_a_link_to_where_it_is_done(
    client_as, org, contributor, steps_world
) -> None:
    html = _section(client_as(contributor).get(_home(org)).content.decode())
    slug = org.slug
    overdue, dormant, unowned = (steps_world[k] for k in ("overdue", "dormant", "unowned"))

    assert "Update 1 overdue adoption" in html
    assert reverse("adoption:progress-add", args=[slug, overdue.pk]) in html
    assert reverse("adoption:edit", args=[slug, overdue.pk]) + "#id_target_date" in html
    assert "Revive 1 dormant adoption" in html
    assert f"No progress logged for {DORMANT_DAYS} days or more." in html
    assert reverse("adoption:progress-add", args=[slug, dormant.pk]) in html
    assert "Give an owner to 1 adoption" in html
    assert reverse("adoption:edit", args=[slug, unowned.pk]) + "#id_owner" in html
    # Nothing to do on the others; a read-only adoption is never a step; no checkpoint
    # step for a member who may not assess.
    for quiet in ("fine", "done", "removed"):
        assert f"/adoptions/{steps_world[quiet].pk}/" not in html
    assert "maturity checkpoint" not in html


def test_every_link_in_the_steps_opens_for_the_contributor(
    client_as, org, contributor, steps_world
) -> None:
    client = client_as(contributor)
    html = _section(client.get(_home(org)).content.decode())

    links = set(re.findall(r'href="([^"#]+)', html))

    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_an_overdue_dormant_adoption_is_named_once(client_as, org, contributor, small_roadmap):
    long_ago = timezone.now() - dt.timedelta(days=DORMANT_DAYS + 5)
    both = _adopt(
        org,
        "A1.1.1",
        owner=contributor,
        target_date=TODAY - dt.timedelta(days=3),
        last_activity_at=long_ago,
    )

    dashboard = dashboard_for(organisation=org)
    steps = next_steps_for(organisation=org, dashboard=dashboard, can_write=True, can_assess=False)

    assert [a.pk for a in steps.overdue.adoptions] == [both.pk]
    assert steps.dormant.total == 0


def test_a_pe_lead_is_asked_for_the_first_checkpoint_then_told_the_next_one(
    client_as, org, pe_lead, small_roadmap
) -> None:
    _adopt(org, "A1.1.1", owner=pe_lead)
    client = client_as(pe_lead)

    first = _section(client.get(_home(org)).content.decode())
    _assess(org, pe_lead, TODAY - dt.timedelta(days=10))
    later = _section(client.get(_home(org)).content.decode())

    assert "Your checkpoint is due" in first
    assert "reflect on each end goal" in first
    assert reverse("adoption:assessment-create", args=[org.slug]) in first
    assert "Nothing needs doing right now" in later
    assert "Your checkpoint is due" not in later
    due = add_months(TODAY - dt.timedelta(days=10), org.review_every_months)
    assert due.strftime("%Y") in later
    assert "Next maturity checkpoint due on" in later
    assert reverse("adoption:checkpoint-schedule", args=[org.slug]) in later


def test_the_checkpoint_follows_the_organisation_s_schedule(
    client_as, org, pe_lead, small_roadmap
) -> None:
    _assess(org, pe_lead, TODAY - dt.timedelta(days=100))
    _adopt(org, "A1.1.1", owner=pe_lead)
    client = client_as(pe_lead)

    org.review_every_months = 6
    org.save()
    six = _section(client.get(_home(org)).content.decode())
    org.review_every_months = 3
    org.save()
    three = _section(client.get(_home(org)).content.decode())
    org.review_every_months = None
    org.save()
    none = _section(client.get(_home(org)).content.decode())

    assert "Next maturity checkpoint due on" in six
    assert "Your checkpoint is due" in three
    assert "Next maturity checkpoint" not in none
    assert "Your checkpoint is due" not in none


@pytest.mark.parametrize("months", [3, 6, 12])
def test_the_checkpoint_is_due_an_interval_after_the_latest(months: int) -> None:
    for last in (dt.date(2026, 1, 10), dt.date(2025, 8, 31), dt.date(2024, 12, 31)):
        due = add_months(last, months)
        earlier = [dt.date(2023, 1, 1), last]

        # The due date is the interval later, the month's last day at most.
        assert due > last
        assert due.day == last.day or (due.day < last.day and (due + dt.timedelta(1)).day == 1)
        assert (due.year - last.year) * 12 + due.month - last.month == months
        for dates in ([last], earlier):
            assert next_checkpoint(dates, last, every_months=months).due == due
            assert not next_checkpoint(dates, due - dt.timedelta(1), every_months=months).is_due
            assert next_checkpoint(dates, due, every_months=months).is_due
        # Not before the first checkpoint date; with none recorded, due on it (or now).
        later = due + dt.timedelta(days=40)
        assert next_checkpoint([last], due, every_months=months, starts_on=later).due == later
        assert not next_checkpoint([], due, every_months=months, starts_on=later).is_due
        assert next_checkpoint([], later, every_months=months, starts_on=later).is_due
        assert next_checkpoint([], last, every_months=months).is_due
        # No schedule: no checkpoint.
        assert next_checkpoint([last], due, every_months=None) is None


def test_the_dormant_days_follow_the_setting(client_as, org, contributor, settings, steps_world):
    settings.ADOPTION_DORMANT_DAYS = 30

    html = _section(client_as(contributor).get(_home(org)).content.decode())

    assert "No progress logged for 30 days or more." in html


def test_a_viewer_gets_no_next_steps(client_as, org, viewer, steps_world) -> None:
    html = client_as(viewer).get(_home(org)).content.decode()

    assert "next-steps-heading" not in html
    assert reverse("adoption:progress-add", args=[org.slug, steps_world["overdue"].pk]) not in html


def test_the_steps_take_no_query_however_many_adoptions(org, contributor, small_roadmap) -> None:
    # The dashboard reads the adoptions with no owner (in the query count of its own tests).
    def count() -> int:
        dashboard = dashboard_for(organisation=org)
        with CaptureQueriesContext(connection) as captured:
            steps = next_steps_for(
                organisation=org, dashboard=dashboard, can_write=True, can_assess=True
            )
            assert steps.unowned.total == Adoption.objects.filter(owner=None).count()
            list(steps.unowned.adoptions)
        # The assertion's own count is not the selector's.
        return len(captured) - 1

    _adopt(org, "A1.1.1")
    few = count()
    for n in range(30):
        _adopt(org, f"A8.{n}.1", target_date=TODAY - dt.timedelta(days=n + 1))
    many = count()

    assert few == many == 0


def test_the_home_page_query_count_does_not_grow_with_the_steps(
    client_as, org, pe_lead, small_roadmap
) -> None:
    client = client_as(pe_lead)
    _adopt(org, "A1.1.1")
    client.get(_home(org))

    cache.clear()  # counted with nothing cached: what the database does
    with CaptureQueriesContext(connection) as few:
        client.get(_home(org))
    long_ago = timezone.now() - dt.timedelta(days=DORMANT_DAYS + 5)
    for n in range(20):
        _adopt(org, f"A8.{n}.1", target_date=TODAY - dt.timedelta(days=n + 1))
        _adopt(org, f"A7.{n}.1", owner=pe_lead, last_activity_at=long_ago)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        html = client.get(_home(org)).content.decode()

    assert "Update 20 overdue adoptions" in html
    assert len(few) == len(many), "\n".join(q["sql"] for q in many.captured_queries)
