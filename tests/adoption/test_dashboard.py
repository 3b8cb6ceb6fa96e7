"""The organisation dashboard at /o/<slug>/."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption import services
from apps.adoption.dashboard import dashboard_for, maturity_summary
from apps.adoption.models import Adoption, AdoptionStatus
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, Dimension, EndGoal
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import ActionFactory

TODAY = timezone.localdate()


# --- Helpers ---------------------------------------------------------------------------


def _home(org: Organisation) -> str:
    return reverse("organisations:home", args=[org.slug])


def _adopt(org: Organisation, code: str, **fields: object) -> Adoption:
    return AdoptionFactory(organisation=org, action=Action.objects.get(code=code), **fields)


def _page(client: Client, org: Organisation) -> str:
    response = client.get(_home(org))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, for phrases split by markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _assess(org: Organisation, by: User, day: dt.date, eg1: int, culture: int) -> None:
    services.assessment_create(
        organisation=org,
        by=by,
        assessed_on=day,
        goal_levels={EndGoal.objects.get(code="EG1"): eg1},
        dimension_levels={Dimension.objects.get(slug="culture"): culture},
    )


# --- Coverage --------------------------------------------------------------------------


def test_it_shows_coverage_of_each_end_goal_without_discontinued(
    client_as, org, viewer, small_roadmap
) -> None:
    _adopt(org, "A1.1.1")
    _adopt(org, "A1.2.1", status=AdoptionStatus.PLANNED)
    _adopt(org, "A1.1.2", status=AdoptionStatus.DISCONTINUED)
    _adopt(OrganisationFactory(), "A1.2.2")  # another organisation's adoption

    html = _page(client_as(viewer), org)

    coverage = {c.code: c for c in dashboard_for(organisation=org)["coverage"]}
    assert (coverage["EG1"].adopted, coverage["EG1"].total) == (2, 4)
    assert (coverage["EG2"].adopted, coverage["EG2"].total) == (0, 4)
    text = _text(html)
    assert "EG1 End goal 1 2 of 4 actions (50%)" in text
    assert "EG2 End goal 2 0 of 4 actions (0%)" in text
    assert "IG1.1 Intermediate goal 1.1 1 of 2 actions (50%)" in text
    assert 'aria-valuenow="50" aria-valuemin="0" aria-valuemax="100"' in html
    assert 'aria-valuetext="2 of 4 actions (50%)"' in html
    assert 'class="progress-bar w-pct-50"' in html
    assert "<details" in html
    assert "style=" not in html


# --- Status counts ---------------------------------------------------------------------


def test_it_counts_adoptions_by_status(client_as, org, viewer, small_roadmap) -> None:
    _adopt(org, "A1.1.1", status=AdoptionStatus.PLANNED)
    _adopt(org, "A1.1.2", status=AdoptionStatus.PLANNED)
    _adopt(org, "A1.2.1", status=AdoptionStatus.EMBEDDED)

    html = _page(client_as(viewer), org)

    counts = {value: n for value, _label, n in dashboard_for(organisation=org)["status_counts"]}
    assert counts["planned"] == 2
    assert counts["embedded"] == 1
    assert counts["in_progress"] == 0
    text = _text(html)
    assert "Planned 2" in text
    assert "Embedded (sustained) 1" in text
    assert "Total 3" in text
    assert f"{reverse('adoption:list', args=[org.slug])}?status=planned" in html


# --- Target dates ----------------------------------------------------------------------


def test_it_lists_overdue_and_upcoming_target_dates(client_as, org, viewer, small_roadmap) -> None:
    late = _adopt(org, "A1.1.1", target_date=TODAY - dt.timedelta(days=3))
    _adopt(org, "A1.1.2", target_date=TODAY - dt.timedelta(days=3), status="embedded")
    soon = _adopt(org, "A1.2.1", target_date=TODAY + dt.timedelta(days=10))
    _adopt(org, "A1.2.2", target_date=TODAY + dt.timedelta(days=45))

    html = _page(client_as(viewer), org)

    dashboard = dashboard_for(organisation=org)
    assert dashboard["overdue"] == [late]
    assert dashboard["upcoming"] == [soon]
    assert dashboard["counts"] == {"overdue": 1, "upcoming": 1, "dormant": 0}
    text = _text(html)
    assert "Overdue: 1 adoption" in text
    assert "Due in the next 30 days: 1 adoption" in text
    assert late.get_absolute_url() in html
    assert soon.get_absolute_url() in html
    assert "A1.2.2" not in text.split("Recent activity")[0].split("Target dates")[1]


def test_dormant_adoptions_are_shown_not_hidden(client_as, org, viewer, small_roadmap) -> None:
    quiet = _adopt(org, "A2.1.1")
    Adoption.objects.filter(pk=quiet.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=400)
    )
    _adopt(org, "A2.1.2")

    text = _text(_page(client_as(viewer), org))

    assert "Dormant: 1 adoption" in text
    assert "A2.1.1 Action 2.1.1 Last activity" in text


# --- Recent activity -------------------------------------------------------------------


def test_recent_activity_shows_the_latest_entry_first(
    client_as, org, viewer, contributor, small_roadmap
) -> None:
    adoption = _adopt(org, "A1.1.1")
    ProgressEntryFactory(adoption=adoption, author=contributor, narrative="Older entry")
    ProgressEntryFactory(
        adoption=adoption, author=None, narrative="Ran a workshop\nwith 12 patients"
    )

    html = _page(client_as(viewer), org)

    section = _text(html.split('id="activity-heading"')[1])
    assert section.index("Ran a workshop") < section.index("Older entry")
    assert "by a former member" in section
    assert f"by {contributor.full_name}" in section
    assert "with 12 patients" not in section  # the first line only
    assert adoption.get_absolute_url() in html


def test_the_dashboard_reflects_a_new_adoption_and_entry_at_once(
    client_as, org, contributor, small_roadmap
) -> None:
    client = client_as(contributor)
    assert "No adopted actions yet" in _page(client, org)

    adoption = services.adoption_create(
        organisation=org, action=Action.objects.get(code="A2.2.1"), by=contributor
    )
    services.progress_entry_create(
        adoption=adoption,
        by=contributor,
        data=services.EntryInput(entry_date=TODAY, narrative="Set up the advisory board"),
    )

    text = _text(_page(client, org))
    assert "No adopted actions yet" not in text
    assert "EG2 End goal 2 1 of 4 actions (25%)" in text
    assert "Set up the advisory board" in text


def test_with_no_adoptions_it_offers_the_catalogue(client_as, org, viewer, small_roadmap) -> None:
    html = _page(client_as(viewer), org)

    assert "No adopted actions yet" in html
    assert reverse("adoption:catalogue", args=[org.slug]) in html
    assert "Coverage of the end goals" not in html


# --- Maturity --------------------------------------------------------------------------


def test_the_maturity_chart_and_table_show_the_same_numbers(
    client_as, org, viewer, pe_lead, small_roadmap
) -> None:
    _assess(org, pe_lead, dt.date(2025, 3, 1), eg1=2, culture=1)
    _assess(org, pe_lead, dt.date(2026, 3, 12), eg1=3, culture=1)

    html = _page(client_as(viewer), org)

    table = html.split('class="table table-sm maturity-table"')[1].split("</table>")[0]
    rows = [_text(row).split() for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert rows[0] == ["Checkpoint", "EG1", "Culture"]
    assert rows[1][-2:] == ["2", "1"]
    assert rows[2][-2:] == ["3", "1"]
    assert '<th scope="col"' in table
    assert "<caption" in table
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert "EG1: 2, 3." in svg
    assert svg.count("<path") == 2
    assert "Latest checkpoint 12 Mar 2026: EG1 at level 3, up from 2; Culture at level 1" in (
        _text(html)
    )
    assert html.index("</svg>") < html.index("maturity-table")  # the table follows the chart


def test_the_maturity_summary_says_how_each_level_moved() -> None:
    trend = {
        "dates": [dt.date(2025, 1, 1), dt.date(2025, 6, 1)],
        "series": {"EG1": [2, 3], "EG2": [4, 3], "Culture": [None, 2], "Processes": [2, None]},
    }
    summary = maturity_summary(trend)
    assert summary.startswith("Latest checkpoint 1 Jun 2025: ")
    assert "EG1 at level 3, up from 2" in summary
    assert "EG2 at level 3, down from 4" in summary
    assert "Culture at level 2, its first rating" in summary
    assert "Processes" not in summary
    assert maturity_summary({"dates": [], "series": {}}) == ""


def test_without_assessments_it_says_so(client_as, org, viewer, small_roadmap) -> None:
    html = _page(client_as(viewer), org)
    assert "No maturity self-assessment yet" in html
    assert "<svg" not in html


# --- Escaping --------------------------------------------------------------------------


def test_it_escapes_html_in_titles_and_narratives(
    client_as, org, viewer, pe_lead, small_roadmap
) -> None:
    action = ActionFactory(
        intermediate_goal=Action.objects.get(code="A1.1.1").intermediate_goal,
        code="A1.1.9",
        title="<script>alert('title')</script>",
    )
    adoption = AdoptionFactory(organisation=org, action=action, target_date=TODAY)
    ProgressEntryFactory(adoption=adoption, narrative="<img src=x onerror=alert(1)>")
    Dimension.objects.filter(slug="culture").update(name="<b>Culture</b>")
    _assess(org, pe_lead, TODAY, eg1=2, culture=3)

    html = _page(client_as(viewer), org)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Culture</b>" not in html
    assert "&lt;b&gt;Culture&lt;/b&gt;" in html


# --- Access ----------------------------------------------------------------------------


def test_viewers_see_the_dashboard(client_as, org, viewer, small_roadmap) -> None:
    _adopt(org, "A1.1.1")
    response = client_as(viewer).get(_home(org))
    assert response.status_code == 200
    assert "dashboard" in response.context
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Coverage of the end goals" in html


# --- Query count -----------------------------------------------------------------------


def _grow(org: Organisation, owner: User, actions: list[Action]) -> None:
    """Adoptions in every state the dashboard lists, each with two progress entries."""
    long_ago = timezone.now() - dt.timedelta(days=400)
    for index, action in enumerate(actions):
        adoption = AdoptionFactory(
            organisation=org,
            action=action,
            owner=owner,
            status=list(AdoptionStatus)[index % 4],
            target_date=TODAY + dt.timedelta(days=(index % 3 - 1) * 10),
        )
        ProgressEntryFactory(adoption=adoption, author=owner)
        ProgressEntryFactory(adoption=adoption, author=None)
        if index % 5 == 0:
            Adoption.objects.filter(pk=adoption.pk).update(last_activity_at=long_ago)


def _queries(client: Client, org: Organisation) -> CaptureQueriesContext:
    cache.clear()  # counted with nothing cached: what the database does
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_home(org)).status_code == 200
    return captured


def test_the_query_count_is_flat_from_5_to_100_adoptions(
    client_as, org, pe_lead, small_roadmap
) -> None:
    goals = list(Action.objects.get(code="A1.1.1").edition.intermediate_goals.all())
    actions = list(Action.objects.order_by("code")) + [
        ActionFactory(intermediate_goal=goals[n % len(goals)], code=f"A9.9.{n}") for n in range(92)
    ]
    for month in (1, 6, 11):
        _assess(org, pe_lead, dt.date(2025, month, 1), eg1=month % 5 + 1, culture=2)
    client = client_as(pe_lead)
    _grow(org, pe_lead, actions[:5])
    client.get(_home(org))  # warm up the session and caches

    small = _queries(client, org)
    _grow(org, pe_lead, actions[5:100])
    large = _queries(client, org)

    assert Adoption.objects.filter(organisation=org).count() == 100
    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(small) == len(large), sql
    assert len(large) <= 20, sql
