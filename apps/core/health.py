"""Health of the parts the portal needs: the database, Redis and a Celery worker."""

from __future__ import annotations

import datetime as dt
import logging

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .tasks import HEARTBEAT_CACHE_KEY

logger = logging.getLogger(__name__)

# Beat sends a heartbeat every minute; a worker that has not answered for this long is down.
WORKER_SILENCE = dt.timedelta(minutes=3)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        logger.warning("Health check: database down: %s", exc)
        return "down"


def check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
        return "ok"
    except Exception as exc:
        logger.warning("Health check: Redis down: %s", exc)
        return "down"


def check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "inline"
    try:
        beat = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return "unknown"
    if not beat:
        return "silent"
    last = dt.datetime.fromisoformat(beat)
    return "ok" if timezone.now() - last < WORKER_SILENCE else "silent"


def check_all() -> dict[str, str]:
    return {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
