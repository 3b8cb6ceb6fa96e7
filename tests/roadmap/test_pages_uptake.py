"""The public action page: how many organisations adopted the action (the latest published
benchmark, withheld where the rules withhold it), and a way to adopt it for every reader."""

import re

import pytest
from django.urls import reverse

from apps.benchmarking.services import snapshot_audit
from tests.benchmarking.conftest import clean_audit
from tests.benchmarking.uptake_data import share, snapshot

pytestmark = pytest.mark.django_db

PAGE = reverse("roadmap:action", kwargs={"code": "A1.1.1"})


def test_before_any_benchmark_the_page_says_none_counts_it(client, small_roadmap):
    html = client.get(PAGE).content.decode()

    assert "No benchmark has been published yet that counts this action." in html


def test_the_page_shows_the_latest_published_share(client, small_roadmap):
    share(snapshot(small_roadmap, "2026-Q1"), "A1.1.1", "42.5")
    held = snapshot(small_roadmap, "2026-Q2", published=False)
    share(held, "A1.1.1", "99.0")  # held: not shown

    html = client.get(PAGE).content.decode()

    assert "In 2026-Q1, <strong>42.5%</strong> of the organisations" in html
    assert not re.search(r"\b99(\.0)?%", html)


def test_a_withheld_share_is_withheld_with_its_reason(client, small_roadmap):
    share(snapshot(small_roadmap, "2026-Q1"), "A1.1.1", None, reason="small_group")

    html = client.get(PAGE).content.decode()

    assert "<strong>withheld</strong>" in html
    assert "Fewer than 5 organisations: not published." in html


def test_publishing_a_snapshot_refreshes_the_cached_page(
    client, small_roadmap, django_capture_on_commit_callbacks
):
    assert "No benchmark has been published" in client.get(PAGE).content.decode()  # cached
    held = snapshot(small_roadmap, "2026-Q1", published=False)
    share(held, "A1.1.1", "30.0")

    with django_capture_on_commit_callbacks(execute=True):
        snapshot_audit(snapshot=held, audit=clean_audit)

    assert "<strong>30%</strong>" in client.get(PAGE).content.decode()


def test_a_visitor_is_offered_to_sign_in_to_adopt_it(client, small_roadmap):
    html = client.get(PAGE).content.decode()

    assert f'href="{reverse("account_login")}?next=/roadmap/actions/A1.1.1/"' in html
