"""``/o/<slug>/benchmark/``: the organisation against its stakeholder group and everyone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.adoption.models import Adoption
from apps.adoption.services import EntryInput, progress_entry_create
from apps.benchmarking.models import BenchmarkSnapshot
from apps.benchmarking.periods import period_get_or_create
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.benchmarking.conftest import (
    IN_Q2,
    build_population,
    compile_published,
    page_tables,
    standard_layout,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.organisations.helpers import assert_login_redirect
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db


def url(organisation: Organisation) -> str:
    return reverse("benchmarking:organisation", args=[organisation.slug])


def _page(client_as, user, organisation: Organisation, **params: str) -> Any:
    response = client_as(user).get(url(organisation), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("persona", ["owner", "pe_lead"])
def test_it_is_open_to_pe_leads_and_admins(client_as, org, personas, snapshot, persona) -> None:
    response = _page(client_as, personas[persona], org)
    assert "Patients Together against its peers" in response.content.decode()


@pytest.mark.parametrize("persona", ["contributor", "viewer"])
def test_other_members_are_refused(client_as, org, personas, snapshot, persona) -> None:
    assert client_as(personas[persona]).get(url(org)).status_code == 403


def test_outsiders_are_not_told_it_exists(client_as, org, personas, snapshot) -> None:
    assert client_as(personas["outsider"]).get(url(org)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, org, snapshot) -> None:
    assert_login_redirect(client.get(url(org)))


def test_it_is_read_only(client_as, org, personas, snapshot) -> None:
    assert client_as(personas["pe_lead"]).post(url(org)).status_code == 405


def test_you_your_group_and_everyone_for_each_end_goal(client_as, org, personas, snapshot) -> None:
    response = _page(client_as, personas["pe_lead"], org)
    header, eg1, eg2 = page_tables(response.content)["end-goals-caption"]
    assert header == [
        "End goal",
        "You",
        "Your stakeholder group (median)",
        "Everyone (median)",
        "Your percentile band",
    ]
    # Patients Together adopts A1.1.1 and A1.1.2 (EG1) and A2.1.1 (EG2).
    assert eg1 == [
        "EG1 End goal 1",
        "2 of 4 actions (50%)",
        "2",
        "1",
        "Around the median of your stakeholder group",
    ]
    assert eg2 == [
        "EG2 End goal 2",
        "1 of 4 actions (25%)",
        "0",
        "0",
        "In the top quarter of your stakeholder group",
    ]
    page = response.content.decode()
    assert "You are ahead of your stakeholder group&#x27;s median in EG2" in page
    assert 'id="end-goals-chart-title"' in page  # the chart of the same numbers


def test_and_for_each_dimension(client_as, org, personas, snapshot) -> None:
    response = _page(client_as, personas["pe_lead"], org)
    _header, culture, processes = page_tables(response.content)["dimensions-caption"]
    assert culture[:4] == ["Culture", "2 of 4 actions (50%)", "1", "1"]
    assert processes[:4] == ["Processes", "1 of 4 actions (25%)", "1", "0.5"]


def test_peer_actions_say_in_words_which_are_adopted(client_as, org, personas, snapshot) -> None:
    response = _page(client_as, personas["pe_lead"], org)
    rows = page_tables(response.content)["peer-actions-caption"][1:]
    assert rows[0] == ["A1.1.2 Action 1.1.2", "100%", "✓ Adopted"]
    assert rows[1] == ["A1.1.1 Action 1.1.1", "83.3%", "✓ Adopted"]
    assert ["A2.1.1 Action 2.1.1", "33.3%", "✓ Adopted"] in rows


def test_it_lists_the_intermediate_goals_where_you_trail_your_group(
    client_as, bench_population, snapshot
) -> None:
    """Four of six HTA bodies adopt towards IG1.1; the last one adopts nothing at all."""
    laggard = bench_population["orgs"][11]
    lead = MembershipFactory(organisation=laggard, role=Role.PE_LEAD).user
    response = _page(client_as, lead, laggard)
    tables = page_tables(response.content)
    assert tables["trailing-caption"][1] == ["IG1.1 Intermediate goal 1.1", "EG1", "66.7%"]
    assert tables["end-goals-caption"][1][1] == "0 of 4 actions (0%)"


def test_no_other_organisation_appears(
    client_as, org, personas, bench_population, snapshot
) -> None:
    page = _page(client_as, personas["pe_lead"], org).content.decode()
    assert "Patients Together" in page
    for other in bench_population["orgs"][1:]:
        assert other.name not in page
        assert other.slug not in page
    assert "Rival HTA" not in page


def test_without_enough_peers_there_is_no_band(client_as, small_roadmap) -> None:
    """Four organisations in all: every median and quartile is withheld."""
    orgs = build_population(
        small_roadmap, standard_layout(4), names={0: ("Lonely Patients", "lonely")}
    )
    compile_published("2026-Q2")
    lead = MembershipFactory(organisation=orgs[0], role=Role.PE_LEAD).user
    response = _page(client_as, lead, orgs[0])
    _header, eg1, _eg2 = page_tables(response.content)["end-goals-caption"]
    assert eg1[1] == "2 of 4 actions (50%)"
    assert eg1[2] == "—Suppressed: Fewer than 5 organisations: not published.1"
    assert eg1[3].startswith("—Suppressed:")
    assert eg1[4] == "Not enough peers to compare"
    assert "Not enough peers in your stakeholder group" in response.content.decode()


def test_a_pending_organisation_is_told_it_is_not_counted(
    client_as, small_roadmap, snapshot
) -> None:
    pending = OrganisationFactory(
        name="Pending Patients",
        stakeholder_group=StakeholderGroupFactory(slug="patient-organisations"),
    )
    adoption = AdoptionFactory(
        organisation=pending, action=small_roadmap.actions.get(code="A1.1.1")
    )
    ProgressEntryFactory(adoption=adoption, entry_date=IN_Q2, status_to="in_progress")
    lead = MembershipFactory(organisation=pending, role=Role.PE_LEAD).user
    response = _page(client_as, lead, pending)
    page = response.content.decode()
    # Its own adoption counts on its own page, even though the benchmark leaves it out.
    _header, eg1, *_rest = page_tables(response.content)["end-goals-caption"]
    assert eg1[1].startswith("1 of ")
    assert "not counted in the benchmark" in page
    assert "shown here against the verified organisations only" in page
    assert "Benchmark for 2026-Q2: 12 verified" not in page  # its own page, not the public one


def test_a_verified_organisation_is_told_who_is_counted(client_as, org, personas, snapshot) -> None:
    page = _page(client_as, personas["pe_lead"], org).content.decode()
    assert "Only verified organisations are counted in the benchmark" in page
    assert "is not verified yet" not in page


def test_another_period_can_be_chosen(client_as, org, personas, bench_population) -> None:
    compile_published("2026-Q1")  # before any progress
    compile_published("2026-Q2")  # periods are published in order
    earlier = _page(client_as, personas["pe_lead"], org, period="2026-Q1")
    assert page_tables(earlier.content)["end-goals-caption"][1][1] == "0 of 4 actions (0%)"
    latest = _page(client_as, personas["pe_lead"], org)
    assert page_tables(latest.content)["end-goals-caption"][1][1] == "2 of 4 actions (50%)"
    assert '<option value="2026-Q1">' in latest.content.decode()


def test_an_unknown_period_is_404(client_as, org, personas, snapshot) -> None:
    response = client_as(personas["pe_lead"]).get(url(org), {"period": "2031-Q1"})
    assert response.status_code == 404


def test_before_any_snapshot_the_page_says_so(client_as, org, personas) -> None:
    page = _page(client_as, personas["pe_lead"], org).content.decode()
    assert "No benchmark has been compiled yet." in page


def test_pe_leads_get_the_export_form_in_place(client_as, org, personas, snapshot) -> None:
    page = _page(client_as, personas["pe_lead"], org).content.decode()
    action = reverse("benchmark-exports:create", args=[org.slug])
    assert f'action="{action}"' in page
    assert "Export the report" in page


def test_the_organisation_home_links_here_for_leads_only(client_as, org, personas) -> None:
    home = reverse("organisations:home", args=[org.slug])
    link = f'href="{url(org)}"'
    assert link in client_as(personas["pe_lead"]).get(home).content.decode()
    assert link not in client_as(personas["viewer"]).get(home).content.decode()


def _queries(client, organisation: Organisation) -> CaptureQueriesContext:
    # Counted with the pages' cache empty (sessions keep their own): what a first reader pays.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(organisation)).status_code == 200
    return queries


def _assert_same(first: CaptureQueriesContext, second: CaptureQueriesContext) -> None:
    sql = "\n".join(q["sql"] for q in second.captured_queries)
    assert len(second) == len(first), sql


def test_queries_do_not_grow_with_organisations(client_as, small_roadmap) -> None:
    period = period_get_or_create("2026-Q2")
    orgs = build_population(small_roadmap, standard_layout(12))
    client = client_as(MembershipFactory(organisation=orgs[0], role=Role.PE_LEAD).user)
    compile_published(period.label)
    few = _queries(client, orgs[0])
    BenchmarkSnapshot.objects.all().delete()
    build_population(small_roadmap, standard_layout(12))
    compile_published(period.label)
    _assert_same(few, _queries(client, orgs[0]))


def test_queries_do_not_grow_with_periods(client_as, org, personas, snapshot) -> None:
    client = client_as(personas["pe_lead"])
    one = _queries(client, org)
    for label in ("2026-Q3", "2026-Q4"):
        compile_published(label)
    _assert_same(one, _queries(client, org))


def test_a_user_of_another_organisation_gets_404(client_as, org, snapshot) -> None:
    stranger = UserFactory()
    MembershipFactory(user=stranger, organisation=OrganisationFactory(), role=Role.ADMIN)
    assert client_as(stranger).get(url(org)).status_code == 404


@pytest.mark.usefixtures("site_cache")
def test_the_page_shows_a_change_to_the_period_at_once(
    client_as, org, personas, snapshot, django_capture_on_commit_callbacks
) -> None:
    """The page is cached (per snapshot and the organisation's data version): an entry dated
    in the period, logged after it was compiled, shows the next time it is read."""
    before = page_tables(_page(client_as, personas["pe_lead"], org).content)["end-goals-caption"]
    assert before[1][1] == "2 of 4 actions (50%)"
    adoption = Adoption.objects.get(organisation=org, action__code="A1.1.2")
    data = EntryInput(
        entry_date=snapshot.period.ends_on, narrative="Stopped.", status_to="discontinued"
    )

    with django_capture_on_commit_callbacks(execute=True):
        progress_entry_create(adoption=adoption, by=personas["pe_lead"], data=data)

    after = page_tables(_page(client_as, personas["pe_lead"], org).content)["end-goals-caption"]
    assert after[1][1] == "1 of 4 actions (25%)"


def test_the_page_from_the_cache_is_the_page_rendered(
    client_as, org, personas, snapshot, site_cache
) -> None:
    """The charts and tables are kept rendered: from a warm cache the page is the same, the
    export form (with its CSRF token, the reader's own) included."""

    def main() -> str:
        html = _page(client_as, personas["pe_lead"], org).content.decode()
        assert 'name="csrfmiddlewaretoken" value="' in html
        html = html[html.index("<main") : html.index("</main>")]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    site_cache.clear()
    cold = main()
    assert "&lt;" not in cold
    assert main() == cold
