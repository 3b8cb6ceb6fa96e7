"""The Redis cache, made to keep the site up when Redis is down.

django-redis's IGNORE_EXCEPTIONS turns a lost connection into a cache miss.
One case needs more: ``add`` then answers "not added", which lock-based code
(allauth's rate limits take a lock with ``cache.add``) reads as "someone else
holds the lock" and refuses every sign-in. Here a failed ``add`` answers
"added", so rate limits fail open while Redis is away, and say so in the log.

:func:`fail_open` and :func:`remember` are for code that caches what it computes (the
public pages, the benchmark reports): whatever the cache raises, they compute instead.
"""

import logging
from collections.abc import Callable
from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted:
            logger.warning("Redis is unreachable: cache.add treated as done")
            return True


# --- Reading through the cache, failing open ---------------------------------------------------


def fail_open(call: Callable[..., Any], *args: Any, default: Any = None) -> Any:
    """``call(*args)`` on the cache, or ``default`` when the cache fails (whatever the
    backend raises): the cache is an optimisation, never a reason for an error page."""
    try:
        return call(*args)
    except Exception:  # any backend's failure is a miss
        logger.warning("Cache unavailable: %s", getattr(call, "__name__", call), exc_info=True)
        return default


def remember(key: str, compute: Callable[[], Any], timeout: int | None) -> Any:
    """The value cached under ``key``, or ``compute()``, then cached (``None`` is never
    cached: it means "not there"). Fails open."""
    from django.core.cache import cache

    stored = fail_open(cache.get, key)
    if stored is not None:
        return stored
    value = compute()
    if value is not None:
        fail_open(cache.set, key, value, timeout)
    return value
