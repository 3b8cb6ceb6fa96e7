"""The public roadmap pages, cached per published edition and refreshed when it changes.

What is cached: the whole response of a public roadmap page (home, the map, the action
catalogue, the end goal, intermediate goal and action pages) and of the actions API list
in JSON (served ahead of DRF's dispatch: ``roadmap/api/views.py``), for **anonymous**
readers only. A signed-in reader's page carries their own
navigation (their organisations, their name, a sign-out form), so it is rendered for them
every time. Nor is anything cached that sets a cookie, shows a message or holds a CSRF
token (a form that posts: the language chooser needs none, see ``apps/core/views.py``).

Each entry is keyed on the language, the address with its query string and anonymity,
and stamped with the published edition's id and the content version it was made from: an
entry whose stamp is not the current one is a miss, and is replaced (the stamp and the
entry come back in one round trip to the cache). The content version is a number kept in
the cache; :func:`bump_content_version` raises it when an edition is published
(``edition_published``), whenever roadmap content changes after the commit
(``roadmap_content_changed``: admin edits and translations, ``load_roadmap``), and on any
save or deletion of roadmap content (a safety net): every entry is out of date at once.
Each worker also keeps what it served for one second (``SERVED_SECONDS``), so the busiest
pages need no round trip to the cache: another worker's change shows there within that
second. Only the query parameters a page reads are cached (other addresses are rendered,
not stored), so made-up query strings cannot fill the cache.

Data made of roadmap content is kept too, for every reader: :func:`cached_with_content` per
published edition and content version, :func:`cached_with_versions` per content version and
the version tokens of other data it shows (an organisation's private pages:
``apps/organisations/data_version.py``). :func:`cached_fragment` keeps the HTML of a part of
such a page the same way, rendered from that data.

The cache fails open: when it is unreachable (Redis down: its errors are misses,
``apps/core/cache.py``), pages are rendered as if nothing were cached. A version bump
lost while the cache was away is bounded by the entries' lifetime, ``PAGE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from apps.core.cache import fail_open, new_token, read_tokens, remember, remember_versioned

from .models import (
    Action,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Resource,
    StakeholderGroup,
)
from .signals import edition_published, roadmap_content_changed

logger = logging.getLogger(__name__)

PAGE_SECONDS = 60 * 60
EDITION_SECONDS = 5 * 60  # the published edition's id, read again at least this often
VERSION_KEY = "roadmap:content-version"
EDITION_KEY = "roadmap:published-edition"
PUBLISHED_EDITION_KEY = "roadmap:published-edition-row"
NO_EDITION = 0


def content_state() -> tuple[int, int] | None:
    """(published edition id or 0, content version), or None when the cache cannot keep
    a version (then nothing is cached)."""
    return _state_and([])[0]


def _version_in(found: dict[str, Any]) -> int | None:
    """The content version among values read from the cache; when it was not there, a new
    token (None when the cache cannot keep one)."""
    version = found.get(VERSION_KEY)
    if version is None:
        fail_open(cache.add, VERSION_KEY, new_token(), None)
        version = fail_open(cache.get, VERSION_KEY)
    return version


def _state_and(keys: list[str]) -> tuple[tuple[int, int] | None, dict[str, Any]]:
    """:func:`content_state`, and the values of ``keys``: one round trip to the cache."""
    # The version is a token (apps/core/cache.py): never a number used before, even when
    # it was lost (evicted, Redis emptied).
    tokens, found = read_tokens([VERSION_KEY], [EDITION_KEY, *keys])
    if tokens is None:
        return None, found
    (version,) = tokens
    edition = found.get(EDITION_KEY)
    if edition is None:
        edition = Edition.objects.published().values_list("pk", flat=True).first() or NO_EDITION
        fail_open(cache.set, EDITION_KEY, edition, EDITION_SECONDS)
    return (edition, version), found


def published_edition() -> Edition | None:
    """The published edition (None before any), as every rendered page's footer cites it:
    from the cache in one round trip, stamped with the content version (which publishing
    and any edit of an edition raise); read again when the stamp is not the current one."""
    found = fail_open(cache.get_many, [VERSION_KEY, PUBLISHED_EDITION_KEY], default={})
    version = _version_in(found)
    stored = found.get(PUBLISHED_EDITION_KEY)
    if version is not None and stored is not None and stored[0] == version:
        edition: Edition | None = stored[1]
        return edition
    edition = Edition.objects.current()
    if version is not None:
        fail_open(cache.set, PUBLISHED_EDITION_KEY, (version, edition), PAGE_SECONDS)
    return edition


def bump_content_version() -> None:
    """Every cached roadmap page is out of date from now on (in the other workers within
    ``SERVED_SECONDS``)."""
    forget_served()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there: any number never used before will do
        fail_open(cache.set, VERSION_KEY, new_token(), None)
    except Exception:  # the cache is away: its entries age out
        logger.warning("Cache unavailable: the roadmap content version was not raised")
    fail_open(cache.delete, EDITION_KEY)


def _saved(sender: Any, **kwargs: Any) -> None:
    # A safety net for writes that announce nothing (the shell, fixtures, tests): now, and
    # again after the commit, when readers can see the change.
    bump_content_version()
    transaction.on_commit(bump_content_version, robust=True)


def refresh_on_change(model: type[Model]) -> None:
    """Cached pages show ``model``'s rows: saving or deleting one makes them out of date."""
    uid = f"roadmap-cache-{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}-delete")


def connect_content_receivers() -> None:
    """Any roadmap content saved or deleted (m2m links included) makes the pages out of
    date, whether or not ``roadmap_content_changed`` is sent for it."""
    for model in (
        Edition,
        EndGoal,
        IntermediateGoal,
        Action,
        StakeholderGroup,
        Dimension,
        BarrierCategory,
        Resource,
    ):
        refresh_on_change(model)
    for through in (Action.stakeholder_groups.through, Action.resources.through):
        m2m_changed.connect(
            _saved, sender=through, dispatch_uid=f"roadmap-cache-{through.__name__}"
        )


@receiver(edition_published, dispatch_uid="roadmap-cache-edition-published")
def _edition_published(sender: Any, **kwargs: Any) -> None:
    # Sent inside the publishing transaction: pages rendered before the commit would still
    # show the old edition, so raise the version once the new one is visible.
    transaction.on_commit(bump_content_version, robust=True)


@receiver(roadmap_content_changed, dispatch_uid="roadmap-cache-content-changed")
def _content_changed(sender: Any, edition: Edition | None = None, **kwargs: Any) -> None:
    # Sent after the commit. A draft's changes are not on the public pages.
    if edition is None or edition.status == Edition.Status.PUBLISHED:
        bump_content_version()


# --- Reading through the cache ---------------------------------------------------------------


def _cacheable_request(request: HttpRequest, params: Collection[str]) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and all(name in params for name in request.GET)
        and _anonymous(request)
        and not len(get_messages(request))
    )


def _anonymous(request: HttpRequest) -> bool:
    """No one is signed in. Without a session cookie there is no session to read (most
    anonymous readers: the session is only made at signing in or for a message)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def page_key(request: HttpRequest, variant: str = "") -> str:
    """The cache key of the address for an anonymous reader in the current language. What
    is stored under it is stamped with the edition and content version it was made from."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"roadmap:page:{get_language()}:anonymous:{variant}:{address}"


def _stamped(
    request: HttpRequest, variant: str, params: Collection[str]
) -> tuple[Any, Callable[[Any], None]]:
    """What is stored for the request (None when nothing is, or it is out of date), and how
    to store something new. The stored value is ``(content state, value)``: one round trip
    to the cache reads the content state and the page together."""
    if not _cacheable_request(request, params):
        return None, lambda value: None
    key = page_key(request, variant)
    kept = _served.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1], lambda value: None
    state, found = _state_and([key])
    if state is None:
        return None, lambda value: None
    stored = found.get(key)
    if stored is not None and stored[0] == state:
        _keep(key, stored[1])
        return stored[1], lambda value: None

    def store(value: Any) -> None:
        fail_open(cache.set, key, (state, value), PAGE_SECONDS)
        _keep(key, value)

    return None, store


# What this worker served in the last SERVED_SECONDS (at most SERVED_SIZE entries): the
# busiest pages are served again without a round trip to the cache. Another worker's change
# is seen here within that second; this worker's own changes clear it at once.
SERVED_SECONDS, SERVED_SIZE = 1.0, 200
_served: dict[str, tuple[float, Any]] = {}


def _keep(key: str, value: Any) -> None:
    if len(_served) >= SERVED_SIZE:
        _served.clear()
    _served[key] = (time.monotonic() + SERVED_SECONDS, value)


def forget_served() -> None:
    """Drop what this worker keeps of the pages it served (see ``_served``)."""
    _served.clear()


def cached_page(
    request: HttpRequest,
    render: Callable[[], HttpResponseBase],
    *,
    params: Collection[str] = (),
    variant: str = "",
) -> HttpResponseBase:
    """The response ``render`` gives, from the cache for anonymous readers when it is there.

    ``params`` are the query parameters the page reads: an address with any other is
    rendered and not stored. ``variant`` names whatever else the page depends on (the
    benchmark snapshots it offers, for example)."""
    stored, store = _stamped(request, variant, params)
    if stored is not None:
        status, headers, content = stored
        served = HttpResponse(content, status=status, headers=headers)
        # The answer depends on who is signed in, told by the session cookie, whether or
        # not the session was read (an anonymous reader without one: see _anonymous).
        patch_vary_headers(served, ("Cookie",))
        return served
    response = render()
    if isinstance(response, SimpleTemplateResponse):  # TemplateResponse, DRF's Response
        response = response.render()
    if (
        isinstance(response, HttpResponse)  # not streaming
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
    ):
        headers = {name: value for name, value in response.items() if name != "Set-Cookie"}
        store((response.status_code, headers, response.content))
    return response


def cached_with_content(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept per published edition, content version and language, for every
    reader: data made of roadmap content (``name`` says which, and of what)."""
    state = content_state()
    if state is None:
        return compute()
    edition, version = state
    key = f"roadmap:data:{edition}:{version}:{get_language()}:{name}"
    return remember(key, compute, PAGE_SECONDS)


def cached_with_versions(
    name: str,
    compute: Callable[[], Any],
    *,
    tokens: Sequence[str],
    timeout: int | Callable[[Any], int] = PAGE_SECONDS,
) -> Any:
    """``compute()``, kept per language and content version and per the version tokens under
    ``tokens`` (``apps.core.cache.read_tokens``: an organisation's data version, say), for
    every reader: data of one organisation or person shown with roadmap content, which its
    own writes make out of date.

    The tokens and the stored value come back in one round trip; the value is stamped with
    the content version and tokens it was made under (read before ``compute`` reads the
    database), and is a miss under any other. The content version is raised when an edition
    is published, so the published edition needs no lookup of its own (unlike
    :func:`cached_with_content`): a cold cache costs the database nothing more. ``timeout``
    may be a function of the value (for data that goes out of date at a time it holds)."""
    return remember_versioned(
        f"roadmap:versioned:{get_language()}:{name}",
        compute,
        tokens=[VERSION_KEY, *tokens],
        timeout=timeout,
    )


@dataclass(frozen=True)
class Fragment:
    """Part of a page, rendered (``{{ fragment }}`` shows it), and the few values ``kept``
    from its context that the rest of the page needs too."""

    html: str
    kept: Mapping[str, Any] = field(default_factory=dict)

    def __html__(self) -> SafeString:
        return mark_safe(self.html)  # rendered by a template, which escaped what it shows

    def __str__(self) -> str:
        return self.__html__()


def cached_fragment(
    name: str,
    template_name: str,
    context: Callable[[], Mapping[str, Any]],
    *,
    tokens: Sequence[str],
    keep: Collection[str] = (),
    timeout: int | Callable[[Fragment], int] = PAGE_SECONDS,
) -> Fragment:
    """``template_name`` rendered with ``context()`` (and the values under ``keep`` from it),
    kept like :func:`cached_with_versions`: per language, content version and ``tokens``.
    On a hit ``context`` is not called, so the data it reads is not read either.

    ``name`` must tell apart everything else the fragment shows: the organisation, the day
    or snapshot, and whatever is per reader (their permissions, when it shows links only
    some may follow). The template is rendered without the request, so without the context
    processors: it sees ``context()`` only, and never holds a CSRF token (``{% csrf_token %}``
    renders nothing there) or anything else of the reader's own."""

    def render() -> Fragment:
        values = dict(context())
        html = render_to_string(template_name, values)
        return Fragment(str(html), {key: values[key] for key in keep})

    fragment: Fragment = cached_with_versions(
        f"fragment:{name}", render, tokens=tokens, timeout=timeout
    )
    return fragment
