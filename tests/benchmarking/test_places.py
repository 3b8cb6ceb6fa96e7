"""Issue 19: the country and region pages (/countries/<iso>/, /regions/<slug>/), their CSV,
the readiness summary and the tile-grid map of Europe on /benchmarks/ and the region pages.
Withheld figures say so and never show a value or an n."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.benchmarking.place_data import country_snapshot
from tests.benchmarking.uptake_data import snapshot

pytestmark = pytest.mark.django_db

POLAND = reverse("benchmarking:country", kwargs={"iso": "pl"})
CEE = reverse("benchmarking:region", kwargs={"slug": "cee"})
BENCHMARKS = reverse("benchmarking:public")


def _tile(html: str, code: str) -> str:
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox') :]
    svg = svg[: svg.index("</svg>")]
    found = re.search(
        rf'<a href="/countries/{code.lower()}/" class="europe-tile".*?</a>', svg, re.S
    )
    assert found, code
    return found.group(0)


def test_an_unknown_country_or_region_is_404(client, small_roadmap):
    country_snapshot(small_roadmap)

    for url in ("/countries/qq/", "/countries/pol/", "/countries/1a/", "/regions/atlantis/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/countries/qq/data/qq-end-goals.csv").status_code == 404
    assert client.get("/countries/pl/data/no-such-chart.csv").status_code == 404


def test_before_any_benchmark_the_page_says_so(client, small_roadmap):
    snapshot(small_roadmap, "2026-Q1", published=False)

    html = client.get(POLAND).content.decode()

    assert "No benchmark has been compiled yet." in html


def test_poland_beside_europe_with_withheld_figures_said(client, small_roadmap):
    country_snapshot(small_roadmap)

    for url in (POLAND, "/countries/PL/"):
        response = client.get(url)
        assert response.status_code == 200
    html = response.content.decode()

    assert "Patient engagement in Poland" in html
    table = html[html.index('id="pl-end-goals-caption"') :]
    table = table[: table.index("</table>")]
    assert "42.5%" in table
    assert "30%" in table
    assert "Suppressed:" in table  # EG2 in Poland: withheld, with its reason
    assert "No figure is published for Poland" not in html
    assert 'id="pl-trend-caption"' in html
    assert 'id="pulse"' not in html  # the edition asks no pulse statement


def test_a_country_without_figures_says_none_is_published(client, small_roadmap):
    country_snapshot(small_roadmap)

    for iso in ("fr", "de", "br"):  # no cell; withheld; outside Europe, no cell
        html = client.get(f"/countries/{iso}/").content.decode()
        assert 'id="no-figure"' in html, iso
        # Nothing of the country: Europe's figures alone.
        table = html[html.index(f'id="{iso}-end-goals-caption"') :]
        table = table[: table.index("</table>")]
        assert "42.5%" not in table


def test_the_readiness_summary_names_the_top_barriers_and_their_actions(client, small_roadmap):
    country_snapshot(small_roadmap)

    html = client.get(POLAND).content.decode()

    summary = html[html.index('id="readiness"') : html.index('id="figures"')]
    assert summary.index("Lack of money") < summary.index("No agreed methods")
    assert "Distrust" not in summary  # withheld in Poland: not named
    assert summary.count('href="/roadmap/actions/A1.1.1/"') == 1
    assert summary.count('href="/roadmap/actions/A2.1.2/"') == 2  # it addresses both
    assert summary.index("A1.1.1") < summary.index("A2.1.2")  # by code


def test_a_place_costs_the_same_queries_whatever_its_figures(client, small_roadmap):
    """The readiness summary's actions are read whether or not any barrier is published
    for the place: the count does not depend on what the figures are (issue 18)."""
    country_snapshot(small_roadmap)
    counts = {}
    for iso in ("pl", "fr"):  # barriers to name; no figure at all
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/countries/{iso}/").content.decode()
        counts[iso] = len(queries)
        named = 'href="/roadmap/actions/A2.1.2/"' in html  # an action addressing a barrier
        assert named == (iso == "pl")
    assert counts["pl"] == counts["fr"]


def test_the_csv_has_the_page_s_figures(client, small_roadmap):
    country_snapshot(small_roadmap)

    response = client.get("/countries/pl/data/pl-end-goals.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert "42.5" in text
    lines = [line for line in text.splitlines() if line.count("EG2") and "PL" in line]
    assert lines
    assert ",," in lines[0]
    html = client.get(POLAND).content.decode()
    assert 'href="/countries/pl/data/pl-end-goals.csv"' in html


def test_the_map_links_every_country_and_hatches_those_without_a_figure(client, small_roadmap):
    country_snapshot(small_roadmap)

    html = client.get(BENCHMARKS).content.decode()

    poland = _tile(html, "PL")
    assert 'aria-label="Poland: 42.5%"' in poland
    assert 'fill="#c6dbef"' in poland  # 25% to 50%: the third level
    germany = _tile(html, "DE")
    assert 'aria-label="Germany: withheld"' in germany
    assert "url(#europe-map-hatch)" in germany
    assert 'aria-label="France: no figure"' in _tile(html, "FR")
    assert (
        " style=" not in html[html.index('id="europe-map"') : html.index('id="europe-map-table"')]
    )
    table = html[
        html.index('id="europe-map-table"') : html.index(
            "</table>", html.index('id="europe-map-table"')
        )
    ]
    assert re.search(r'<a href="/countries/pl/">Poland</a>.*?42\.5%', table, re.S)
    assert re.search(r'<a href="/countries/de/">Germany</a>.*?withheld', table, re.S)


def test_the_map_shows_the_end_goal_asked_for(client, small_roadmap):
    country_snapshot(small_roadmap)

    html = client.get(BENCHMARKS, {"goal": "EG2"}).content.decode()

    assert 'aria-label="Poland: withheld"' in _tile(html, "PL")
    assert client.get(BENCHMARKS, {"goal": "EG9"}).status_code == 200  # the first instead


def test_a_region_page_maps_its_own_countries(client, small_roadmap):
    country_snapshot(small_roadmap)

    html = client.get(CEE).content.decode()

    assert "Central and Eastern Europe" in html
    assert 'aria-label="Poland: 42.5%"' in _tile(html, "PL")
    assert 'href="/countries/fr/"' not in html
    assert "35%" in html  # the region's own EG1 share
    assert client.get(reverse("benchmarking:region", kwargs={"slug": "outside"})).status_code == 200


@pytest.mark.parametrize("url", [POLAND, CEE, f"{BENCHMARKS}?goal=EG2"])
def test_an_anonymous_reader_gets_the_page_from_the_cache(client, small_roadmap, url):
    country_snapshot(small_roadmap)
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert len(queries) == 0
    assert again.content == first.content


def test_a_region_page_has_its_csv_too(client, small_roadmap):
    country_snapshot(small_roadmap)

    response = client.get("/regions/cee/data/cee-end-goals.csv")

    assert response.status_code == 200
    assert "35" in response.content.decode()
    assert client.get("/regions/atlantis/data/atlantis-end-goals.csv").status_code == 404
