"""The theory of change on /roadmap/: one server-drawn picture, every node a link, a group's
actions highlighted by outline and marker (not colour alone), the list kept as its outline."""

import re

import pytest
from django.urls import reverse

from apps.roadmap.models import Edition
from apps.roadmap.tocmap import theory_of_change

pytestmark = pytest.mark.django_db

MAP = reverse("roadmap:map")


def _svg(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def test_every_item_of_the_edition_is_a_link_in_the_picture(client, small_roadmap):
    svg = _svg(client.get(MAP).content.decode())

    links = re.findall(r'<a href="([^"]+)" class="toc-node toc-([a-z-]+)', svg)
    kinds = [kind for _url, kind in links]
    assert kinds.count("action") == small_roadmap.actions.count()
    assert kinds.count("goal") == small_roadmap.intermediate_goals.count()
    assert kinds.count("end-goal") == small_roadmap.end_goals.count()
    assert kinds.count("vision") == 1
    assert ("/roadmap/actions/A1.1.1/", "action") in links
    assert 'aria-label="A1.1.1 ' in svg  # each link is named by its code and full title


def test_arrows_lead_from_each_item_to_the_one_it_serves(small_roadmap):
    edition = Edition.objects.published().with_goal_tree().get()

    toc = theory_of_change(edition)

    items = sum(1 for n in toc.nodes if n.kind != "vision")
    assert len(toc.edges) == items  # one arrow out of every action and goal


def test_a_group_s_actions_are_highlighted_by_outline_and_marker(client, small_roadmap):
    group = small_roadmap.actions.first().stakeholder_groups.first()
    addressed = small_roadmap.actions.filter(stakeholder_groups=group).count()

    html = client.get(MAP, {"group": group.slug}).content.decode()

    svg = _svg(html)
    assert svg.count("toc-highlighted") == addressed
    assert svg.count("◆ ") == addressed
    assert svg.count('stroke-width="3"') == addressed
    assert f"{addressed} actions are addressed to {group.name}" in html
    assert f'<option value="{group.slug}" selected>' in html


def test_an_unknown_group_is_said_and_nothing_is_highlighted(client, small_roadmap):
    html = client.get(MAP, {"group": "<b>nobody</b>"}).content.decode()

    assert "There is no stakeholder group “&lt;b&gt;nobody&lt;/b&gt;”" in html
    assert "toc-highlighted" not in _svg(html)


def test_dimensions_are_told_apart_by_pattern_and_letter(client, small_roadmap):
    html = client.get(MAP).content.decode()

    svg = _svg(html)
    for dimension in {a.dimension for a in small_roadmap.actions.select_related("dimension")}:
        assert f'fill="url(#dim-{dimension.slug})"' in svg
        assert f"<strong>{dimension.name[:1].upper()}</strong> = {dimension.name}" in html


def test_the_list_stays_as_the_outline(client, small_roadmap):
    html = client.get(MAP).content.decode()

    assert "The roadmap as a list" in html
    assert html.index("</svg>") < html.index('href="/roadmap/end-goals/EG1/"><span')
