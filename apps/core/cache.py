"""The Redis cache, made to keep the site up when Redis is down.

django-redis's IGNORE_EXCEPTIONS turns a lost connection into a cache miss.
One case needs more: ``add`` then answers "not added", which lock-based code
(allauth's rate limits take a lock with ``cache.add``) reads as "someone else
holds the lock" and refuses every sign-in. Here a failed ``add`` answers
"added", so rate limits fail open while Redis is away, and say so in the log.
"""

import logging
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
