"""Production: differs from base only through environment values, and refuses
to start without a real secret key and explicit hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, TRUSTED_PROXY_COUNT, env, env_secret

DEBUG = False
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set to a random value of at least 50 characters."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the portal answers to.")

# X-Forwarded-Proto says a request came over HTTPS only where a proxy in front of the portal
# writes it (the same proxies TRUSTED_PROXY_COUNT counts for the client's address): with
# clients reaching gunicorn directly, anyone could send it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# One JSON object per log line, with the request id, unless LOG_FORMAT=plain.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["stderr"]["formatter"] = LOG_FORMAT
