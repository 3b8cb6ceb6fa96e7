"""The method in plain words, on /benchmarks/, the organisation page and in the reports:
what is withheld and why, with k, the protection level and the quantile threshold read
from the settings."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from apps.benchmarking.exports.exporters import OrganisationReportExporter
from apps.benchmarking.exports.pdf import render_pdf
from tests.benchmarking.conftest import compile_published

pytestmark = pytest.mark.django_db

RULES = (
    "Small groups",
    "Small countries",
    "None, one, all but one, or all",
    "Medians and quartiles",
    "Figures that could be worked out (complementary)",
    "The roadmap's structure",
    "Joint commitments",
    "Earlier periods",
    "Group sizes",
)


@pytest.fixture
def rules(settings: Any) -> dict[str, int]:
    """Settings no default gives, so the text can only have read them."""
    settings.BENCHMARK_PROTECTION_LEVEL = 4
    settings.BENCHMARK_MIN_GROUP_QUANTILES = 13
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 17
    return {"p": 4, "quantiles": 13, "countries": 17}


def _method_section(html: str) -> str:
    match = re.search(r'<section class="benchmark-method.*?</section>', html, re.S)
    assert match, "no method section"
    return match.group(0)


def test_the_public_page_says_what_is_withheld_and_why(client: Client, rules, snapshot) -> None:
    section = _method_section(client.get("/benchmarks/").content.decode())

    assert '<h2 id="method-heading"' in section
    assert '<h3 id="method-withheld-heading"' in section
    withheld = section.split('aria-labelledby="method-withheld-heading">')[1].split("</ul>")[0]
    items = re.findall(r"<li><strong>(.*?)\.</strong>", withheld)
    assert [item.replace("&#x27;", "'") for item in items] == list(RULES)
    assert "fewer than 5 organisations" in section
    assert "the protection level is 4" in section
    assert "at least 4 possible values" in section
    assert "at least 13 organisations" in section
    assert "only when at least 5 organisations have such an adoption" in section
    assert "A country with fewer than 17 organisations in a period has no figures" in section
    assert "by the end of the period's last day (2026-06-30)" in section.replace("&#x27;", "'")


def test_the_organisation_page_has_the_same_method(client_as, org, personas, rules, snapshot):
    page = client_as(personas["pe_lead"]).get(reverse("benchmarking:organisation", args=[org.slug]))
    section = html.unescape(_method_section(page.content.decode()))
    assert all(rule in section for rule in RULES)
    assert "at least 4 possible values" in section


def test_the_pdf_states_the_method_with_the_protection_level(org, rules, snapshot) -> None:
    content = render_pdf(OrganisationReportExporter(org, snapshot)).content
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Protection level: 4" in text
    for rule in RULES:
        assert rule in text, rule
    assert "at least 13 organisations" in text


def test_an_organisation_verified_after_the_period_is_told_it_is_not_counted(
    client_as, bench_population, personas
) -> None:
    org = bench_population["org"]
    type(org).objects.filter(pk=org.pk).update(decided_at="2026-07-01T12:00:00+02:00")
    compile_published("2026-Q2")
    page = client_as(personas["pe_lead"]).get(reverse("benchmarking:organisation", args=[org.slug]))
    assert "was verified after 2026-Q2 ended" in page.content.decode()
