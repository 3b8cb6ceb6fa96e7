"""The public uptake map, /benchmarks/uptake/: the theory of change shaded by the latest
published snapshot's share adopting each action and goal, withheld figures hatched and said,
and the same figures in a table."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.benchmarking.uptake import HEAT_LEVELS, Uptake, heat_level
from tests.benchmarking.uptake_data import share, snapshot

pytestmark = pytest.mark.django_db

PAGE = reverse("benchmarking:uptake-map")


def _node(html: str, code: str) -> str:
    """The SVG link of the node ``code``: its accessible name and its box."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    found = re.search(
        rf'<a href="[^"]+" class="toc-node[^"]*" aria-label="{re.escape(code)} .*?</a>', svg, re.S
    )
    assert found, code
    return found.group(0)


def _row(html: str, code: str) -> str:
    table = html[html.index("<table") : html.index("</table>")]
    found = re.search(
        rf"<tr[^>]*>\s*<th[^>]*><a[^>]*><span class=\"item-code\">{re.escape(code)}</span>.*?</tr>",
        table,
        re.S,
    )
    assert found, code
    return found.group(0)


def test_before_any_published_benchmark_the_page_says_so(client, small_roadmap):
    snapshot(small_roadmap, "2026-Q1", published=False)

    html = client.get(PAGE).content.decode()

    assert "No benchmark has been published yet." in html
    assert "<svg" not in html


def test_actions_and_goals_carry_their_share_in_picture_and_table(client, small_roadmap):
    latest = snapshot(small_roadmap, "2026-Q2")
    share(latest, "A1.1.1", "42.5")
    share(latest, "IG1.1", "60.0", subject="intermediate_goal")
    share(latest, "EG1", None, subject="end_goal")
    share(snapshot(small_roadmap, "2026-Q1"), "A1.1.1", "7.0")  # older: not shown

    html = client.get(PAGE).content.decode()

    action = _node(html, "A1.1.1")
    assert "42.5%" in action
    assert 'fill="url(#heat-2)"' in action
    assert "42.5%" in _row(html, "A1.1.1")
    assert 'fill="url(#heat-3)"' in _node(html, "IG1.1")
    withheld = _node(html, "EG1")
    assert "withheld" in withheld
    assert 'fill="url(#heat-withheld)"' in withheld
    assert "Fewer than 5 organisations: not published." in _row(html, "EG1")
    assert "7%" not in _row(html, "A1.1.1")


def test_an_item_the_snapshot_does_not_count_is_said_so_and_not_shaded(client, small_roadmap):
    share(snapshot(small_roadmap, "2026-Q1"), "A1.1.1", "10.0")
    other = small_roadmap.actions.exclude(code="A1.1.1").first()

    html = client.get(PAGE).content.decode()

    assert "not in this benchmark" in _row(html, other.code)
    assert "url(#heat-" not in _node(html, other.code)


@pytest.mark.parametrize(
    "share_", ["0", "9.9", "10", "24.9", "25", "49.9", "50", "74.9", "75", "100"]
)
def test_each_share_falls_in_the_level_whose_range_holds_it(share_):
    value = Decimal(share_)
    level = int(heat_level(Uptake(share=value, period="2026-Q1")))

    assert HEAT_LEVELS[level] <= value
    assert level == len(HEAT_LEVELS) - 1 or value < HEAT_LEVELS[level + 1]
