"""/healthz says which part is down."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.core.tasks import HEARTBEAT_CACHE_KEY

pytestmark = pytest.mark.django_db


def test_all_up_with_tasks_inline(client, settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "not configured",
        "worker": "inline",
    }


def test_redis_down_is_named(client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "down"
    assert response.json()["checks"]["database"] == "ok"


def test_a_silent_worker_is_named(client, settings) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(HEARTBEAT_CACHE_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "silent"

    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat())
    assert client.get("/healthz").json()["checks"]["worker"] == "ok"


def test_an_old_heartbeat_means_silent(client, settings) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.set(HEARTBEAT_CACHE_KEY, (timezone.now() - dt.timedelta(minutes=10)).isoformat())
    assert client.get("/healthz").json()["checks"]["worker"] == "silent"
