"""With Redis down, pages keep working: the cache misses instead of failing."""

import pytest
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "apps.core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
    }
}


@pytest.fixture
def redis_down():
    with override_settings(CACHES=DEAD_REDIS):
        caches._settings = caches.settings = caches.configure_settings(None)
        yield
    caches._settings = caches.settings = caches.configure_settings(None)


@pytest.mark.parametrize("url", ["/", "/roadmap/", "/roadmap/actions/", "/account/login/"])
def test_pages_work_with_redis_down(client, redis_down, url) -> None:
    assert client.get(url).status_code == 200


def test_signing_in_works_with_redis_down(client, redis_down) -> None:
    from allauth.account.models import EmailAddress

    from tests.accounts.factories import UserFactory

    user = UserFactory(email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/account/login/",
        {"login": "ana@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302


def test_with_redis_up_the_cache_works(settings) -> None:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no Redis to talk to")
    live = {"default": {**DEAD_REDIS["default"], "LOCATION": settings.REDIS_URL}}
    with override_settings(CACHES=live):
        caches._settings = caches.settings = caches.configure_settings(None)
        cache = caches.create_connection("default")
        cache.delete("probe")
        assert cache.add("probe", 1, timeout=5) is True
        assert cache.add("probe", 2, timeout=5) is False
        assert cache.get("probe") == 1
        cache.delete("probe")
    caches._settings = caches.settings = caches.configure_settings(None)
