"""The Redis cache, made to keep the site up when Redis is down.

django-redis's IGNORE_EXCEPTIONS turns a lost connection into a cache miss.
One case needs more: ``add`` then answers "not added", which lock-based code
(allauth's rate limits take a lock with ``cache.add``) reads as "someone else
holds the lock" and refuses every sign-in. Here a failed ``add`` answers
"added", so rate limits fail open while Redis is away, and say so in the log.

:func:`fail_open` and :func:`remember` are for code that caches what it computes (the
public pages, the benchmark reports): whatever the cache raises, they compute instead.
:func:`read_tokens` and :func:`renew_tokens` keep version tokens: what cached data is
stamped with, renewed by the writes that make it out of date (an organisation's data:
``apps/organisations/data_version.py``).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import transaction
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


# --- Version tokens --------------------------------------------------------------------------
# A version token is a value kept in the cache (never in the database: writing it costs the
# write path no query) that names the current state of some data: what is cached from that
# data is stamped with the token it was made under, and is out of date once the token has a
# new value. A token missing from the cache (evicted, or Redis emptied) is replaced by a
# fresh one: what was cached before is then a miss, never stale data.


def new_token() -> int:
    """A token value never used before (a number, so that ``cache.incr`` works on it too)."""
    return time.time_ns()


def read_tokens(
    token_keys: Sequence[str], keys: Sequence[str] = ()
) -> tuple[tuple[Any, ...] | None, dict[str, Any]]:
    """The tokens under ``token_keys`` (a fresh one for any missing), and whatever is stored
    under ``keys``: one round trip to the cache when the tokens are there and this thread's
    transaction renewed none since its last read. The tokens are None when the cache cannot
    keep them (Redis down): then nothing is to be cached."""
    from django.core.cache import cache

    _renew_pending()
    found = fail_open(cache.get_many, [*token_keys, *keys], default={})
    tokens = []
    for key in token_keys:
        token = found.get(key)
        if token is None:
            fail_open(cache.add, key, new_token(), None)
            token = fail_open(cache.get, key)
            if token is None:
                return None, found
        tokens.append(token)
    return tuple(tokens), found


def remember_versioned(
    key: str,
    compute: Callable[[], Any],
    *,
    tokens: Sequence[str],
    timeout: int | Callable[[Any], int],
    keep: Callable[[Any], bool] = lambda value: True,
) -> Any:
    """``compute()``, kept under ``key`` stamped with the tokens under ``tokens`` (read in the
    same round trip, before ``compute`` reads the database): a hit only while every token is
    the one it was stamped with. ``keep(value)`` decides whether a fresh value is stored;
    ``timeout`` may be a function of the value. With the cache away, ``compute()``."""
    from django.core.cache import cache

    stamp, found = read_tokens(tokens, [key])
    if stamp is None:
        return compute()
    stored = found.get(key)
    if stored is not None and stored[0] == stamp:
        return stored[1]
    value = compute()
    if keep(value):
        seconds = timeout(value) if callable(timeout) else timeout
        fail_open(cache.set, key, (stamp, value), seconds)
    return value


def renew_tokens(token_keys: Iterable[str]) -> None:
    """Give the tokens under ``token_keys`` new values: after the commit, and before any
    read of a token in the same transaction.

    After the commit is what counts: a reader who read the data before the commit (without
    the change) stored it under the token it had read, which the renewal leaves behind.
    Before the commit, the renewal serves what this transaction reads next (and tests, whose
    transactions never commit): the keys wait in this thread, and the next
    :func:`read_tokens` renews them first. A write that reads nothing afterwards (an API
    POST, a form that redirects) costs one round trip, at the commit. Outside a
    transaction (after a commit), the tokens are renewed at once."""
    keys = list(dict.fromkeys(token_keys))
    if not keys:
        return
    if not transaction.get_connection().in_atomic_block:  # nothing to wait for
        renew_tokens_now(keys)
        return
    _waiting.keys.update(keys)
    transaction.on_commit(partial(renew_tokens_now, keys), robust=True)


class _Waiting(threading.local):
    def __init__(self) -> None:
        # Token keys this thread's transaction renewed and no read of a token has seen yet.
        self.keys: set[str] = set()


_waiting = _Waiting()


def _renew_pending() -> None:
    if _waiting.keys:
        renew_tokens_now(list(_waiting.keys))  # which takes them off the waiting list


def renew_tokens_now(keys: Sequence[str]) -> None:
    """Give the tokens under ``keys`` new values at once (the commit's part of
    :func:`renew_tokens`)."""
    from django.core.cache import cache

    _waiting.keys.difference_update(keys)
    fail_open(cache.set_many, {key: new_token() for key in keys}, None)
