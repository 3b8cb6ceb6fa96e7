"""Tasks every deployment runs."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task(ignore_result=True)
def heartbeat_task() -> None:
    """Record that a worker picked up work; health checks read the time back."""
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=None)
