"""Settings shared by every environment.

Everything is configured here from environment variables (django-environ); the
``local``, ``test`` and ``production`` modules only change defaults and add the
checks that their environment needs. Every variable is documented in
``.env.example`` and in the README.
"""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; real environment variables always win.
env.read_env(BASE_DIR / ".env", overwrite=False)


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    ``*_FILE`` lets Docker or Kubernetes secrets be mounted as files instead
    of being placed in the environment.
    """
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


# --- Core -----------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many proxies (load balancers, the compose file's Caddy) stand in front of the portal
# and append to X-Forwarded-For. The client's address is the TRUSTED_PROXY_COUNT-th entry
# from the right of that header; with 0 (the default) the header is ignored and the address
# is the connection's. Rate limits, the audit log and the logs all use that address
# (apps/core/client_ip.py). Never more than the proxies really there: the rest of the
# header is whatever the client chose to send.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

INSTALLED_APPS = [
    # Before the admin, so that its translation fields appear in the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_celery_beat",
    # Ours
    "apps.core",
    "apps.accounts",
    "apps.roadmap",
    "apps.organisations",
    "apps.audit",
    "apps.adoption",
    "apps.benchmarking",
    "apps.curation",
    "apps.practices",
    "apps.follows",
    "apps.pulse",
    "apps.devdata",
]

MIDDLEWARE = [
    "log_request_id.middleware.RequestIDMiddleware",
    "apps.core.middleware.ClientIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.SiteURLMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "roadmap_portal.urls"
WSGI_APPLICATION = "roadmap_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
                "apps.organisations.context_processors.my_organisations",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# Default: a SQLite file next to manage.py, so that `make run` needs no server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, with the session's user cached (apps/accounts/backends.py).
    "apps.accounts.backends.ModelBackend",
    "apps.accounts.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "organisations:mine"
LOGOUT_REDIRECT_URL = "roadmap:home"

# django-allauth: the email address is the login, and it must be verified.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Our adapter: allauth's rate limits count per client address as apps/core/client_ip.py
# resolves it, and the sign-in form and the API token share one lockout per account.
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
# allauth's forms with plain labels; its pages, messages and emails in plain words are in
# templates/account/ (issue 15).
ACCOUNT_FORMS = {
    name: f"apps.accounts.allauth_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
    }.items()
}
# Failed passwords, on the sign-in form and the API token endpoint together: an account
# is locked after LOGIN_LOCKOUT_ATTEMPTS within LOGIN_LOCKOUT_SECONDS (until the oldest of
# them is that old; a successful sign-in clears its count), and an address after
# LOGIN_FAILURES_PER_ADDRESS ("10/m": 10 a minute; units s, m, h, d).
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=5 * 60)
LOGIN_FAILURES_PER_ADDRESS = env.str("LOGIN_FAILURES_PER_ADDRESS", default="10/m")
# Rate limits (allauth keeps the counters in the cache): failed sign-ins per account
# and per address, sign-ups and password resets per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{LOGIN_FAILURES_PER_ADDRESS}/ip,{LOGIN_LOCKOUT_ATTEMPTS}/{LOGIN_LOCKOUT_SECONDS}s/key"
    ),
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/h/ip",
    "confirm_email": "1/3m/key",
    "change_password": "10/h/user",
}

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
# Each language is offered in its own name (WCAG 3.1.2); `_()` names are for the admin.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow each language's conventions; English takes British ones (24 Nov 2026).
FORMAT_MODULE_PATH = ["roadmap_portal.formats"]
# Roadmap content (django-modeltranslation, apps/roadmap/translation.py): English is the
# canonical text, and what a reader sees when the content has no translation in their language.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
# Uploaded files live outside static/ and are never served by the static server.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email --------------------------------------------------------------------
# Console by default; set EMAIL_URL (for example smtp+tls://user:pass@host:587) for SMTP.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The console, readable: headers and text decoded, so that links can be copied (Django's
# prints quoted-printable, which breaks them across lines).
if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "apps.core.console_email.ConsoleEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PE Roadmap Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Cache ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pe-portal",
            "OPTIONS": {
                # With Redis down, pages keep working: the cache misses instead of failing
                # (rate limits then fail open, and are logged).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # Sessions in a cache of their own (the same Redis, its own keys): clearing the pages'
    # cache leaves everyone signed in, and a session read costs the same whatever else
    # the cache holds.
    CACHES["sessions"] = {**CACHES["default"], "KEY_PREFIX": "pe-portal-sessions"}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions",
        },
    }
SESSION_CACHE_ALIAS = "sessions"
# Sessions are written to the database and read from the cache: a signed-in request reads
# its session without a query (except the first after the cache lost it). With Redis down,
# sessions are read from and written to the database alone; a sign-out then deletes the
# database's copy only, and a Redis that comes back with its data (a network cut rather
# than a restart) holds the cached copy: apps/core/sessions.py keeps cached copies at most
# five minutes (cached_db otherwise keeps them until the session expires).
SESSION_ENGINE = "apps.core.sessions"

# --- Celery ---------------------------------------------------------------------
# With no broker configured, tasks run inline (eagerly) in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Inline, a long task (a PDF export: ~10 s) would hold the request that started it: run
# inline, exports are made in a thread after the response instead, and the export's page
# follows the job row (apps/benchmarking/exports/services.py). Off in the tests.
TASKS_INLINE_IN_THREAD = env.bool("TASKS_INLINE_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING, as the web does (the request id, the format, the level):
# Celery's default replaces the root logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task whose whole worker died (SIGKILL, OOM, lost machine) is neither acknowledged nor
# rejected: Redis delivers it again once it has been unacknowledged this long. It must
# exceed the longest task (CELERY_TASK_TIME_LIMIT) and retry countdown, or a task still
# running is delivered twice. Workers look for such tasks every 10 s (kombu's default is
# every 100 s), so a restarted worker picks one up at most ~10 s after the timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.backends.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Requests for an API token per client address (per caller once signed in).
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_RATE", default="10/min")},
    # Our throttles ask apps/core/client_ip.py; DRF's own would count the same way.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's parsers, with a JSON parser that refuses too-deeply nested documents (400).
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's, plus a JSON 400 for requests with too many files or fields, or too large.
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PE Roadmap Portal API",
    "DESCRIPTION": (
        "Read and act on the PARADIGM Patient Engagement Sustainability Roadmap. "
        "Roadmap content: Cavaller-Bellaubi M et al., Ther Innov Regul Sci 2021;55(5):936-953, "
        "CC BY 4.0. Open data: every public figure of every published benchmark as CSV and "
        "JSON, described by a Frictionless Data Package, at /data/<period>/datapackage.json "
        "(the periods are listed at /data/; CC BY 4.0)."
    ),
    "EXTERNAL_DOCS": {
        "description": "Open data: the benchmarks as CSV and JSON with Frictionless Data Packages",
        "url": "/data/",
    },
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from static/ (drf-spectacular-sidecar), never a CDN;
    # the docs page (templates/api/swagger_ui.html) has the portal's icon.
    "SWAGGER_UI_DIST": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security defaults (tightened further in production) -------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Everything is served from our own origin; no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The portal uses none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# --- Portal -------------------------------------------------------------------------
SITE_NAME = env.str("SITE_NAME", default="PE Roadmap Portal")
# Evidence files: at most this many bytes each (10 MB).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# At most this many files, and this many bytes in all, per progress entry (entries are
# append-only: what is stored cannot be removed through the portal).
EVIDENCE_MAX_FILES_PER_ENTRY = env.int("EVIDENCE_MAX_FILES_PER_ENTRY", default=10)
EVIDENCE_MAX_BYTES_PER_ENTRY = env.int("EVIDENCE_MAX_BYTES_PER_ENTRY", default=50 * 1024 * 1024)
# Evidence files of all an organisation's entries together (1 GB).
EVIDENCE_QUOTA_BYTES_PER_ORGANISATION = env.int(
    "EVIDENCE_QUOTA_BYTES_PER_ORGANISATION", default=1024 * 1024 * 1024
)
# Adoptions with no progress entry for this many days show as "dormant".
ADOPTION_DORMANT_DAYS = env.int("ADOPTION_DORMANT_DAYS", default=180)
# Reminders: owners hear about adoptions with no entry for REMINDER_STALE_DAYS, or due
# within REMINDER_DUE_DAYS, at most once every REMINDER_INTERVAL_DAYS.
REMINDER_STALE_DAYS = env.int("REMINDER_STALE_DAYS", default=60)
REMINDER_DUE_DAYS = env.int("REMINDER_DUE_DAYS", default=14)
REMINDER_INTERVAL_DAYS = env.int("REMINDER_INTERVAL_DAYS", default=7)
# Benchmarks: no published figure comes from fewer organisations than this.
BENCHMARK_MIN_GROUP = env.int("BENCHMARK_MIN_GROUP", default=5)
# The protection level p (apps/benchmarking/anonymisation.py): a reader can never narrow a
# withheld count down to fewer than min(p, N) + 1 whole values. 3 keeps a small count from
# being pinned to 0, 1 or the whole group, the same margin as the attribute rule.
BENCHMARK_PROTECTION_LEVEL = env.int("BENCHMARK_PROTECTION_LEVEL", default=3)
# Quartiles and medians are published only from this many organisations (default 2k).
BENCHMARK_MIN_GROUP_QUANTILES = env.int(
    "BENCHMARK_MIN_GROUP_QUANTILES", default=2 * BENCHMARK_MIN_GROUP
)
# A country with fewer organisations than this in a period gets no figures of its own (it
# still counts in its region and in "all"): its figures would nearly all be withheld, and
# withholding them costs figures of its neighbours. 2k, like medians and quartiles.
BENCHMARK_MIN_GROUP_COUNTRY = env.int(
    "BENCHMARK_MIN_GROUP_COUNTRY", default=2 * BENCHMARK_MIN_GROUP
)
# A median or quartile whose basis count (adopting, reporting, rated) is withheld stays
# published with its n left out, when that basis is at least BENCHMARK_MIN_GROUP_QUANTILES
# (the reader learns only that much). False: such figures are withheld with their basis.
BENCHMARK_QUANTILE_HIDDEN_N = env.bool("BENCHMARK_QUANTILE_HIDDEN_N", default=True)
# Reporting periods last 1, 3 (quarters, the default), 6 or 12 months.
BENCHMARK_PERIOD_MONTHS = env.int("BENCHMARK_PERIOD_MONTHS", default=3)
# Finished exports can be downloaded for this many hours.
BENCHMARK_EXPORT_TTL_HOURS = env.int("BENCHMARK_EXPORT_TTL_HOURS", default=24)

# The curators' learning report (apps/curation/selectors.py): an action is flagged for low
# uptake below this share (percent) in each of the last N (at least 3) published periods,
# as stalled when at least this share of its adopters is dormant, and as often discontinued
# when at least this share of those who adopted it discontinued it.
CURATION_LOW_UPTAKE_PERCENT = env.int("CURATION_LOW_UPTAKE_PERCENT", default=20)
CURATION_LOW_UPTAKE_PERIODS = env.int("CURATION_LOW_UPTAKE_PERIODS", default=3)
CURATION_STALLED_PERCENT = env.int("CURATION_STALLED_PERCENT", default=25)
CURATION_DISCONTINUED_PERCENT = env.int("CURATION_DISCONTINUED_PERCENT", default=20)
# The portal's public address, for links in emails (https://portal.example.org). Unset,
# links go to the address the portal is asked at: the request's, or outside a request the
# last one served (apps/core/emails.py). Set it in production.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
# Where to report a vulnerability: /.well-known/security.txt (RFC 9116) and SECURITY.md.
# A mailto: or https: URI.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="mailto:security@pe-roadmap.example")

# --- Logs ------------------------------------------------------------------------------
# Every log line carries the request id (django-log-request-id): taken from the proxy's
# X-Request-ID header or generated, and returned in X-Request-ID; and, during a request, the
# client's address (apps/core/client_ip.py, "-" outside a request).
# LOG_FORMAT=json gives one JSON object per line (the production default).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "log_request_id.filters.RequestIDFilter"},
        "client_ip": {"()": "apps.core.client_ip.ClientIPFilter"},
    },
    "formatters": {
        "plain": {
            "format": (
                "%(asctime)s %(levelname)s [%(request_id)s %(client_ip)s] %(name)s %(message)s"
            )
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(client_ip)s",
            "rename_fields": {"levelname": "level"},
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "client_ip"],
        }
    },
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Errors go to stderr; with SENTRY_DSN set, to Sentry as well.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:  # pragma: no cover - needs a Sentry project
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
