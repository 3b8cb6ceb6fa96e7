"""The glossary page, its anchors, and the links to it from the pages that use its words."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.roadmap.glossary import SECTIONS, TERMS
from tests.roadmap.factories import DimensionFactory, StakeholderGroupFactory

pytestmark = pytest.mark.django_db

GLOSSARY = reverse("roadmap:glossary")
LINK = re.compile(r'href="/glossary/#([^"]+)"')


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _glossary_html(client) -> str:
    response = client.get(GLOSSARY)
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_at_glossary() -> None:
    assert GLOSSARY == "/glossary/"


def test_it_explains_every_term_in_a_definition_list_with_an_anchor(client, small_roadmap):
    html = _glossary_html(client)

    ids = _ids(html)
    for term in TERMS:
        assert term.slug in ids
        assert f'<dt id="{term.slug}"' in html
        assert f'href="#{term.slug}"' in html, "the index links to every term"
        assert str(term.term) in html
    assert html.count("<dl") == len(SECTIONS)
    assert html.count("<dt") == html.count("<dd")


def test_it_lists_the_roadmaps_groups_and_dimensions_from_the_database(client, small_roadmap):
    StakeholderGroupFactory(slug="new-group", name="A group the editors added", description="New.")

    html = _glossary_html(client)

    ids = _ids(html)
    for slug in ("patient-organisations", "hta-bodies", "new-group"):
        assert f"group-{slug}" in ids
        assert f'href="#group-{slug}"' in html
    assert "A group the editors added" in html
    # Known groups have a plain-language explanation; a new one shows its own description.
    assert "People who live with a condition" in html
    assert "<span>New.</span>" in html
    for slug in ("culture", "processes"):
        assert f"dimension-{slug}" in ids
    assert 'href="/roadmap/actions/?stakeholder_group=hta-bodies"' in html
    assert 'href="/roadmap/actions/?dimension=culture"' in html


def test_it_states_the_minimum_group_size_from_settings(client, settings, db):
    settings.BENCHMARK_MIN_GROUP = 7

    html = _glossary_html(client)

    assert "fewer than 7 organisations" in html
    assert "%(k)s" not in html


def test_every_term_is_in_exactly_one_section() -> None:
    in_sections = [slug for _, _, slugs in SECTIONS for slug in slugs]
    assert sorted(in_sections) == sorted(term.slug for term in TERMS)
    anchors = [anchor for anchor, _, _ in SECTIONS]
    assert not set(anchors) & set(in_sections), "section and term anchors are distinct"


def test_it_has_one_h1_and_a_heading_per_section(client, small_roadmap):
    html = _glossary_html(client)

    assert html.count("<h1") == 1
    for anchor, _, _ in SECTIONS:
        assert f'<section id="{anchor}" aria-labelledby="{anchor}-heading"' in html
        assert f'id="{anchor}-heading"' in html


def test_its_query_count_does_not_grow_with_groups_and_dimensions(client, small_roadmap):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(GLOSSARY).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        StakeholderGroupFactory(slug=f"extra-{n}")
    DimensionFactory(slug="resources", name="Resources")

    assert count() == before


# --- Links to the glossary --------------------------------------------------------------------


def _assert_links_resolve(html: str, glossary_ids: set[str], expected: set[str]) -> None:
    linked = set(LINK.findall(html))
    assert expected <= linked
    assert linked <= glossary_ids, f"links to missing anchors: {linked - glossary_ids}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (reverse("roadmap:map"), {"end-goal", "intermediate-goal", "action", "dimension"}),
        (reverse("roadmap:actions"), {"stakeholder-group", "dimension", "end-goal"}),
        (reverse("roadmap:action", args=["A1.1.1"]), {"action", "dimension-culture"}),
    ],
)
def test_roadmap_pages_link_to_existing_glossary_entries(client, small_roadmap, url, expected):
    glossary_ids = _ids(_glossary_html(client))

    response = client.get(url)

    assert response.status_code == 200
    _assert_links_resolve(response.content.decode(), glossary_ids, expected)


def test_home_links_to_the_glossary(client, small_roadmap):
    assert f'href="{GLOSSARY}"' in client.get(reverse("roadmap:home")).content.decode()


def test_benchmark_method_and_maturity_link_to_existing_glossary_entries(client, small_roadmap):
    glossary_ids = _ids(_glossary_html(client))
    edition = SimpleNamespace(citation="Citation", doi="")
    period = SimpleNamespace(ends_on=None)
    snapshot = SimpleNamespace(min_group_size=5, period=period, edition=edition)

    method = render_to_string("benchmarking/_method.html", {"snapshot": snapshot})
    maturity = render_to_string(
        "adoption/_dashboard_maturity.html",
        {"organisation": SimpleNamespace(slug="demo"), "dashboard": SimpleNamespace(maturity={})},
    )

    _assert_links_resolve(method, glossary_ids, {"benchmark", "peer-group", "suppression"})
    _assert_links_resolve(maturity, glossary_ids, {"maturity-level"})


def test_the_link_names_the_term_and_says_it_goes_to_the_glossary(db):
    html = Template('{% load glossary %}{% glossary_link "hta" %}').render(Context())

    assert html == (
        '<a class="glossary-link" href="/glossary/#hta">Health technology assessment (HTA)'
        '<span class="visually-hidden"> (glossary)</span></a>'
    )


def test_the_link_takes_a_label_and_escapes_it(db):
    html = Template('{% load glossary %}{% glossary_link "pe" label %}').render(
        Context({"label": "<b>PE</b>"})
    )

    assert '">&lt;b&gt;PE&lt;/b&gt;<span' in html


def test_glossary_slug_of_groups_and_dimensions(db):
    group = StakeholderGroupFactory(slug="payers")
    dimension = DimensionFactory(slug="culture")
    template = Template("{% load glossary %}{{ g|glossary_slug }} {{ d|glossary_slug }} {{ s }}")

    html = template.render(Context({"g": group, "d": dimension, "s": "pe"}))

    assert html == "group-payers dimension-culture pe"
