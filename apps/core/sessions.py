"""The session engine: Django's ``cached_db`` (the database holds every session, the cache a
copy that serves a signed-in request without a query), with the cached copy kept at most
``CACHED_SECONDS``.

Why the cap: a sign-out deletes both copies, but with the cache unreachable at that moment
(it fails open: ``apps/core/cache.py``) only the database's goes. A cache that comes back
with its data (a network cut rather than a restart) would otherwise sign the old cookie in
until the session's own expiry (two weeks); with the cap, for at most five minutes. The
cookie's and the database's expiry are the session's own, unchanged.
"""

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches

CACHED_SECONDS = 300


class _CappedCache:
    """The session cache, whose entries live at most :data:`CACHED_SECONDS`."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def set(self, key: str, value: Any, timeout: Any = None, **kwargs: Any) -> Any:
        capped = CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
        return self._cache.set(key, value, capped, **kwargs)

    async def aset(self, key: str, value: Any, timeout: Any = None, **kwargs: Any) -> Any:
        capped = CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
        return await self._cache.aset(key, value, capped, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)

    def __contains__(self, key: str) -> bool:
        return key in self._cache


def _alias() -> str:
    """The sessions' cache (``SESSION_CACHE_ALIAS``: one of their own, so that clearing the
    pages' cache signs nobody out), or the default one where no such cache is configured."""
    alias: str = settings.SESSION_CACHE_ALIAS
    return alias if alias in settings.CACHES else "default"


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        db.SessionStore.__init__(self, session_key)
        self._cache: Any = _CappedCache(caches[_alias()])
