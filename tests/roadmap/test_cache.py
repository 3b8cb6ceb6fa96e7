"""The public roadmap pages' cache (``apps/roadmap/cache.py``): per published edition,
content version, language and address, for anonymous readers only; refreshed on publish
and on edits; failing open when the cache is away."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.roadmap import cache as page_cache
from apps.roadmap.models import Action
from apps.roadmap.services import edition_publish, edition_start_draft
from apps.roadmap.signals import roadmap_content_changed
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

MAP = reverse("roadmap:map")
ACTIONS = reverse("roadmap:actions")
ACTIONS_API = "/api/v1/actions/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _get(client: Client, url: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, len(queries)


def _vary(response: Any) -> set[str]:
    return {name.strip() for name in response.headers["Vary"].split(",")}


def _title(action: Action, title: str) -> None:
    action.title = title
    action.save()


@pytest.mark.parametrize(
    "url",
    [
        reverse("roadmap:home"),
        MAP,
        ACTIONS,
        f"{ACTIONS}?dimension=culture&search=action",
        reverse("roadmap:action", args=["A1.1.1"]),
        reverse("roadmap:end-goal", args=["EG1"]),
        reverse("roadmap:intermediate-goal", args=["IG1.1"]),
    ],
)
def test_an_anonymous_reader_gets_the_page_from_the_cache(client, small_roadmap, url) -> None:
    first, _queries = _get(client, url)
    again, queries = _get(client, url)
    assert queries == 0
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())
    assert _vary(again) == _vary(first)  # Cookie among them: the page is not a member's


def test_query_parameters_the_page_does_not_read_are_not_stored(client, small_roadmap) -> None:
    _get(client, f"{ACTIONS}?utm=1")
    _response, queries = _get(client, f"{ACTIONS}?utm=1")
    assert queries > 0


@pytest.mark.parametrize("holds_a_token", [False, True])
def test_a_page_holding_a_csrf_token_is_rendered_for_each_reader(
    rf, small_roadmap, holds_a_token: bool
) -> None:
    """A form that posts carries the reader's own token: such a page is never stored."""
    renders = []

    def render() -> HttpResponse:
        renders.append(1)
        return HttpResponse(get_token(request) if holds_a_token else "no form")

    for _ in range(2):
        request = rf.get(MAP)
        request.user = AnonymousUser()
        page_cache.cached_page(request, render)
    assert len(renders) == (2 if holds_a_token else 1)


def test_signed_in_readers_get_their_own_page_and_leave_none_behind(client, small_roadmap):
    _get(client, MAP)  # cached for anonymous readers
    user = UserFactory(email="reader@example.org")
    client.force_login(user)
    mine, _queries = _get(client, MAP)
    assert "reader@example.org" in mine.content.decode()
    client.logout()
    anonymous, queries = _get(client, MAP)
    assert queries == 0
    assert "reader@example.org" not in anonymous.content.decode()


def test_a_stored_page_is_served_as_it_is_and_the_language_form_needs_no_token(small_roadmap):
    first, _queries = _get(Client(enforce_csrf_checks=True), MAP)
    reader = Client(enforce_csrf_checks=True)
    page, queries = _get(reader, MAP)
    assert queries == 0
    assert page.content == first.content
    assert not TOKEN.search(page.content.decode())
    assert settings.CSRF_COOKIE_NAME not in page.cookies

    answer = reader.post(reverse("set_language"), {"language": "fr", "next": MAP})
    assert (answer.status_code, answer.url) == (302, MAP)
    assert reader.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    french, _queries = _get(reader, MAP)
    assert '<html lang="fr"' in french.content.decode()


def test_the_language_form_never_sends_a_reader_off_the_site(client, small_roadmap) -> None:
    answer = client.post(
        reverse("set_language"), {"language": "de", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302
    assert answer.url == "/"


def test_each_language_has_its_own_copy(client, small_roadmap) -> None:
    english, _queries = _get(client, MAP)
    french, _queries = _get(client, MAP, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en"' in english.content.decode()
    assert '<html lang="fr"' in french.content.decode()


def test_an_edit_of_the_published_edition_shows_at_once(client, small_roadmap) -> None:
    _get(client, MAP)
    _title(small_roadmap.actions.get(code="A1.1.1"), "A renamed action")
    page, _queries = _get(client, MAP)
    assert "A renamed action" in page.content.decode()


def test_publishing_an_edition_refreshes_the_pages(
    client, small_roadmap, admin_user, django_capture_on_commit_callbacks
) -> None:
    _get(client, MAP)
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    state = page_cache.content_state()
    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=draft, by=admin_user)
    assert page_cache.content_state() != state
    page, queries = _get(client, MAP)
    assert queries > 0  # rendered again, from the new edition
    assert page.context["edition"] == draft


def test_the_content_changed_signal_refreshes_the_published_edition_only(small_roadmap) -> None:
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)
    state = page_cache.content_state()
    roadmap_content_changed.send(sender=Action, edition=draft)
    assert page_cache.content_state() == state
    roadmap_content_changed.send(sender=Action, edition=small_roadmap)
    assert page_cache.content_state() != state
    state = page_cache.content_state()
    roadmap_content_changed.send(sender=Action, edition=None)  # shared content
    assert page_cache.content_state() != state


def test_a_lost_version_starts_afresh(client, small_roadmap) -> None:
    _get(client, MAP)
    cache.delete(page_cache.VERSION_KEY)
    page_cache.bump_content_version()
    _response, queries = _get(client, MAP)
    assert queries > 0


class RaisingCache(BaseCache):
    """A cache whose server is away and whose client says so (not every backend hides it)."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _away(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the cache is away")

    add = get = set = touch = delete = clear = _away


def test_pages_are_served_when_the_cache_raises(client, small_roadmap, settings) -> None:
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.RaisingCache"}}
    for url in (MAP, ACTIONS_API, reverse("benchmarking:public")):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
    _title(small_roadmap.actions.get(code="A1.1.1"), "Renamed while the cache is away")
    page, _queries = _get(client, MAP)
    assert "Renamed while the cache is away" in page.content.decode()


def test_nothing_is_cached_when_the_cache_keeps_nothing(client, small_roadmap, settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(2):
        _response, queries = _get(client, MAP)
        assert queries > 0


def test_the_actions_api_caches_json_for_anonymous_readers(client, small_roadmap) -> None:
    first, _queries = _get(client, ACTIONS_API)
    again, queries = _get(client, ACTIONS_API)
    assert queries == 0
    assert again.json() == first.json()
    _title(small_roadmap.actions.get(code="A1.1.1"), "Renamed for the API")
    fresh, _queries = _get(client, ACTIONS_API)
    assert "Renamed for the API" in {a["title"] for a in fresh.json()["results"]}


def test_the_stored_json_carries_the_headers_drf_gave_it(client, small_roadmap) -> None:
    """Stored JSON is served ahead of DRF's dispatch, as DRF answered it (varying with the
    cookie that tells who is signed in, even for a reader who sent none)."""
    first, _queries = _get(client, ACTIONS_API)
    again, queries = _get(client, ACTIONS_API, HTTP_ACCEPT="application/json")
    assert queries == 0
    for header in ("Content-Type", "Allow"):
        assert again.headers[header] == first.headers[header]
    assert _vary(again) == _vary(first) >= {"Accept", "Accept-Language", "Cookie"}


def test_an_api_token_is_checked_whatever_the_cache_holds(client, small_roadmap) -> None:
    _get(client, ACTIONS_API)
    response = client.get(ACTIONS_API, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_the_browsable_api_is_not_cached(client, small_roadmap) -> None:
    _get(client, ACTIONS_API, HTTP_ACCEPT="text/html")
    _response, queries = _get(client, ACTIONS_API, HTTP_ACCEPT="text/html")
    assert queries > 0


# --- The footer's edition, on every rendered page ----------------------------------------


def test_the_footer_reads_the_published_edition_from_the_cache(
    client, small_roadmap, admin_user, django_capture_on_commit_callbacks
) -> None:
    """Signed-in pages are rendered every time; their footer's citation is not read again
    until the content version changes (publishing a new edition raises it)."""
    client.force_login(UserFactory())
    url = reverse("roadmap:glossary")
    assert client.get(url).context["footer_edition"] == small_roadmap
    assert not any("roadmap_edition" in sql for sql in _sql(client, url))
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=draft, by=admin_user)

    assert client.get(url).context["footer_edition"] == draft


def test_the_footer_edition_with_the_cache_away(small_roadmap, monkeypatch) -> None:
    def away(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the cache is away")

    for method in ("get_many", "get", "add", "set"):
        monkeypatch.setattr(cache, method, away)

    assert page_cache.published_edition() == small_roadmap


def _sql(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries.captured_queries]
