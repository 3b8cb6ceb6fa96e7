"""Where links in emails point (apps/core/emails.py): SITE_URL when set; else the address the
portal is asked at, in a request and after it.

Issue 15: with SITE_URL unset, emails linked to port 8000 while the portal ran on another.
"""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from apps.core import emails
from apps.core.emails import DEFAULT_SITE_URL, absolute_url, site_url
from apps.core.middleware import SiteURLMiddleware


@pytest.fixture(autouse=True)
def _nothing_recorded() -> Iterator[None]:
    cache.clear()
    emails._recorded.clear()
    yield
    cache.clear()
    emails._recorded.clear()


def _served(host: str, *, secure: bool = False) -> str:
    """What site_url() says while a request to ``host`` is handled."""

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(site_url())

    request = RequestFactory().get("/", HTTP_HOST=host, secure=secure)
    return SiteURLMiddleware(view)(request).content.decode()


def test_site_url_wins_when_set(settings) -> None:
    settings.SITE_URL = "https://portal.example.org/"

    assert _served("localhost:8123") == "https://portal.example.org"
    assert absolute_url("/o/x/") == "https://portal.example.org/o/x/"


def test_unset_links_go_to_the_address_the_request_came_to(settings) -> None:
    settings.SITE_URL = ""

    assert _served("localhost:8123") == "http://localhost:8123"
    assert _served("127.0.0.1:8001", secure=True) == "https://127.0.0.1:8001"


def test_unset_outside_a_request_links_go_where_the_portal_was_last_served(settings) -> None:
    settings.SITE_URL = ""
    assert site_url() == DEFAULT_SITE_URL  # nothing served yet

    _served("localhost:8123")

    # A task run after the response (a worker, the export thread, a schedule).
    assert absolute_url("/account/") == "http://localhost:8123/account/"


def test_a_host_that_is_not_allowed_is_never_used(settings) -> None:
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost"]

    assert _served("evil.example.com") == DEFAULT_SITE_URL
    assert site_url() == DEFAULT_SITE_URL


def test_with_any_host_allowed_a_request_cannot_choose_other_peoples_links(settings) -> None:
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["*"]

    assert _served("evil.example.com") == "http://evil.example.com"  # its own request only
    assert site_url() == DEFAULT_SITE_URL
