"""Test settings: the same stack as production, made fast and isolated.

DATABASE_URL and REDIS_URL are honoured, so CI runs the suite against
PostgreSQL and Redis; without them the suite runs on SQLite with tasks inline.
"""

from .base import *  # noqa: F403
from .base import REDIS_URL  # reassigned below, per test process

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Each test gets a clean, private cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sessions",
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Tests run tasks inline unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
# ... and in the request that starts them, so that a test sees their result at once.
TASKS_INLINE_IN_THREAD = False
# A broken email template fails the test instead of being logged and skipped.
EMAIL_RENDER_ERRORS_RAISE = True

# pytest-xdist runs the suite in several processes (``make test``). pytest-django gives each
# its own test database; here each also gets its own uploads folder and its own Redis
# database, so that one process's Celery worker never takes another's tasks.
_XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")  # noqa: F405
if _XDIST_WORKER:
    MEDIA_ROOT = MEDIA_ROOT / _XDIST_WORKER
    if REDIS_URL:
        from urllib.parse import urlsplit, urlunsplit

        _url = urlsplit(REDIS_URL)
        _db = (int(_url.path.strip("/") or 0) - int(_XDIST_WORKER.removeprefix("gw"))) % 16
        REDIS_URL = urlunsplit(_url._replace(path=f"/{_db}"))
        CELERY_BROKER_URL = REDIS_URL
