"""A visitor opens /benchmarks/, follows Poland on the map of Europe to its country page,
reads its figures beside Europe's and the readiness summary, and downloads the page's data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.roadmap.models import Edition
from tests.benchmarking.place_data import country_snapshot

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_opens_poland_from_the_map_and_downloads_its_data(
    live_server, roadmap, journey, drive, tmp_path: Path
):
    country_snapshot(Edition.objects.published().get())
    page = drive.page

    page.goto(live_server.url + reverse("benchmarking:public"))
    expect(page.get_by_role("heading", name="Countries", exact=True)).to_be_visible()
    poland = page.locator('a.europe-tile[href="/countries/pl/"]')
    expect(poland).to_have_attribute("aria-label", "Poland: 42.5%")
    expect(page.locator('a.europe-tile[href="/countries/de/"]')).to_have_attribute(
        "aria-label", "Germany: withheld"
    )
    journey.check("benchmarks with the map of Europe")

    drive.click(poland)
    expect(page).to_have_url(re.compile(r"/countries/pl/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient engagement in Poland")
    expect(page.locator("#readiness")).to_contain_text("Lack of money")
    journey.check("Poland")

    link = page.locator('a[href="/countries/pl/data/pl-end-goals.csv"]')
    expect(link).to_contain_text("Download this chart")
    with page.expect_download() as download:
        drive.click(link)
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "benchmark-2026-Q2-pl-end-goals.csv"
    data = saved.read_text(encoding="utf-8-sig")
    assert "42.5" in data
    assert "Poland" in data
