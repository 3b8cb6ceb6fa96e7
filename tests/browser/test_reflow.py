"""The main pages on a phone (360 × 740 CSS pixels) and at 200% zoom (1280 × 900 at 200% is
640 × 450): content reflows into the width, so nothing needs scrolling sideways (WCAG 1.4.10),
and axe finds no A/AA violation at that size. Wide data tables scroll inside their own box,
which WCAG allows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from apps.adoption.models import Adoption
from apps.roadmap.models import Action
from tests.accounts.factories import PASSWORD
from tests.browser._data import benchmark_for_pe_lead
from tests.browser.conftest import Driver, Journey, sign_in

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEAD = "lead@patients-together.example.org"
SIZES = {
    "phone-360x740": {"width": 360, "height": 740},
    "zoom-200-percent-640x450": {"width": 640, "height": 450},
}


def assert_reflows(page: Page, journey: Journey, label: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{label} ({page.url}) scrolls sideways: {width} > {viewport} px"
    journey.check(label)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_the_main_pages_reflow(live_server, roadmap, journey, page, size):
    data = benchmark_for_pe_lead(LEAD)
    organisation = data["organisation"]
    adoption = (
        Adoption.objects.filter(organisation=organisation, entries__isnull=False)
        .order_by("pk")
        .first()
    )
    action = Action.objects.published().order_by("pk").first()
    base = live_server.url
    page.set_viewport_size(size)

    public = {
        "home": reverse("roadmap:home"),
        "roadmap": reverse("roadmap:map"),
        "actions": reverse("roadmap:actions"),
        "action": action.get_absolute_url(),
        "public benchmarks": reverse("benchmarking:public"),
        "country": reverse("benchmarking:country", kwargs={"iso": "pl"}),
    }
    for label, url in public.items():
        page.goto(base + url)
        assert_reflows(page, journey, label)

    sign_in(Driver(page, keyboard=False), journey, base, LEAD, PASSWORD)
    assert_reflows(page, journey, "my organisations")
    slug = organisation.slug
    members_only = {
        "dashboard": reverse("organisations:home", args=[slug]),
        "catalogue": reverse("adoption:catalogue", args=[slug]),
        "adoptions": reverse("adoption:list", args=[slug]),
        "adoption": reverse("adoption:detail", args=[slug, adoption.pk]),
        "log progress": reverse("adoption:progress-add", args=[slug, adoption.pk]),
        "organisation benchmark": reverse("benchmarking:organisation", args=[slug]),
    }
    for label, url in members_only.items():
        page.goto(base + url)
        assert_reflows(page, journey, label)
    # The dashboard had something to draw: the maturity chart and its table.
    page.goto(base + members_only["dashboard"])
    expect(page.locator(".maturity-table")).to_be_visible()
