"""An organisation's own roadmap (/o/<slug>/roadmap/): its status on every action, rolled up to
the goals (the mean of the actions' percent complete, each counting once), and the actions its
peers adopt most that it has not adopted."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.adoption.models import AdoptionStatus, Partnership
from apps.adoption.roadmap_overlay import organisation_overlay
from apps.benchmarking.uptake import action_uptake
from apps.roadmap.models import Edition
from tests.adoption.factories import AdoptionFactory
from tests.benchmarking.uptake_data import share, snapshot
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _url(org) -> str:
    return reverse("adoption:roadmap", args=[org.slug])


def _adopt(org, edition, code: str, status: str, percent: int):
    action = edition.actions.get(code=code)
    return AdoptionFactory(organisation=org, action=action, status=status, percent_complete=percent)


def _published_shares(edition, shares: dict[str, str | None]) -> None:
    published = snapshot(edition, "2026-Q1")
    for code, value in shares.items():
        share(published, code, value)


def _overlay(org):
    edition = Edition.objects.published().with_goal_tree().get()
    return organisation_overlay(org, edition, uptake=action_uptake())


def test_goals_roll_up_the_mean_percent_of_their_actions(org, small_roadmap):
    _adopt(org, small_roadmap, "A1.1.1", AdoptionStatus.IN_PROGRESS, 60)
    _adopt(org, small_roadmap, "A1.1.2", AdoptionStatus.DISCONTINUED, 90)  # counts as 0
    _adopt(OrganisationFactory(), small_roadmap, "A1.2.1", AdoptionStatus.EMBEDDED, 100)

    overlay = _overlay(org)

    goal = next(g for g in overlay.goals if g.code == "IG1.1")
    assert (goal.percent, goal.adopted, goal.actions) == (30, 1, 2)
    end_goal = next(g for g in overlay.end_goals if g.code == "EG1")
    assert (end_goal.percent, end_goal.adopted, end_goal.actions) == (15, 1, 4)
    state = {a.code: a for a in overlay.actions}
    assert state["A1.1.1"].status == "in_progress"
    assert not state["A1.2.1"].adopted  # another organisation's adoption is not ours


def test_next_is_what_peers_adopt_most_and_we_have_not(org, small_roadmap):
    _adopt(org, small_roadmap, "A1.1.1", AdoptionStatus.IN_PROGRESS, 10)
    _published_shares(
        small_roadmap, {"A1.1.1": "90.0", "A1.1.2": "40.0", "A1.2.1": "70.0", "A2.1.1": None}
    )

    overlay = _overlay(org)

    assert [a.code for a in overlay.next] == ["A1.2.1", "A1.1.2"]  # withheld: never suggested


def test_the_page_draws_the_map_with_the_organisation_s_progress_and_a_table(
    client_as, org, viewer, small_roadmap
):
    _adopt(org, small_roadmap, "A1.1.1", AdoptionStatus.IMPLEMENTED, 80)

    html = client_as(viewer).get(_url(org)).content.decode()

    assert 'aria-label="A1.1.1 ' in html
    assert re.search(r'aria-label="A1\.1\.1 [^"]*: 80%', html)  # its name carries the progress
    assert "IG1.1 " in html
    assert "40% · 1/2" in html  # the goal's box
    assert "<caption" in html
    assert "Not adopted" in html


def test_a_viewer_sees_no_adopt_link_and_a_writer_does(
    client_as, org, viewer, contributor, small_roadmap
):
    _published_shares(small_roadmap, {"A1.1.2": "40.0"})
    adopt = f"{reverse('adoption:create', args=[org.slug])}?action=A1.1.2"

    assert adopt not in client_as(viewer).get(_url(org)).content.decode()
    assert adopt in client_as(contributor).get(_url(org)).content.decode()


def test_the_page_takes_the_same_queries_with_more_adoptions(client_as, org, viewer, small_roadmap):
    client = client_as(viewer)
    client.get(_url(org))
    with CaptureQueriesContext(connection) as before:
        client.get(_url(org))
    for code in ("A1.1.1", "A1.1.2", "A1.2.1", "A2.1.1"):
        _adopt(org, small_roadmap, code, AdoptionStatus.IN_PROGRESS, 50)

    with CaptureQueriesContext(connection) as after:
        client.get(_url(org))

    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_api_gives_the_same_overlay_as_json(api_as, org, viewer, small_roadmap):
    _adopt(org, small_roadmap, "A1.1.1", AdoptionStatus.IMPLEMENTED, 80)
    _published_shares(small_roadmap, {"A1.1.2": "40.0", "A2.1.1": None})

    response = api_as(viewer).get(f"/api/v1/organisations/{org.slug}/roadmap/")

    assert response.status_code == 200
    data = response.json()
    assert data["edition"] == small_roadmap.version_label
    actions = {a["code"]: a for a in data["actions"]}
    assert actions["A1.1.1"] | {"title": ""} == {
        "code": "A1.1.1",
        "title": "",
        "goal": "IG1.1",
        "status": "implemented",
        "percent": 80,
        "dormant": False,
        "peer_share": None,
    }
    assert actions["A1.1.2"]["peer_share"] == "40.0"
    assert actions["A2.1.1"]["peer_share"] is None  # withheld
    goal = next(g for g in data["intermediate_goals"] if g["code"] == "IG1.1")
    assert (goal["percent"], goal["adopted"], goal["actions"], goal["end_goal"]) == (
        40,
        1,
        2,
        "EG1",
    )
    assert data["next"] == ["A1.1.2"]


def test_a_joint_adoption_is_marked_but_not_counted_as_the_organisation_s(
    client_as, org, viewer, small_roadmap
):
    owner = OrganisationFactory(name="Care Alliance", verified=True)
    theirs = _adopt(owner, small_roadmap, "A1.1.2", AdoptionStatus.IN_PROGRESS, 60)
    Partnership.objects.create(adoption=theirs, partner=org, state="accepted")
    asked = _adopt(owner, small_roadmap, "A1.2.1", AdoptionStatus.IN_PROGRESS, 60)
    Partnership.objects.create(adoption=asked, partner=org)  # pending: not acted on yet
    _published_shares(small_roadmap, {"A1.1.2": "90.0", "A1.2.1": "50.0"})

    overlay = _overlay(org)

    state = {a.code: a for a in overlay.actions}
    joint = state["A1.1.2"]
    assert (joint.joint_with, joint.joint_adoption_id) == (("Care Alliance",), theirs.pk)
    assert (joint.adopted, joint.percent) == (False, 0)
    assert not state["A1.2.1"].joint
    goal = next(g for g in overlay.goals if g.code == "IG1.1")
    assert (goal.percent, goal.adopted) == (0, 0)
    assert [a.code for a in overlay.next] == ["A1.2.1"]  # already acted on: not suggested

    html = client_as(viewer).get(_url(org)).content.decode()
    assert re.search(r'aria-label="A1\.1\.2 [^"]*: ⇄ joint', html)
    assert reverse("adoption:detail", args=[org.slug, theirs.pk]) in html
    assert "Joint adoption with Care Alliance" in html
