"""Plain-text emails rendered from templates: ``emails/<name>_subject.txt`` and
``emails/<name>_body.txt``; and the one place that says where links in emails point.

Every link in an email is :func:`absolute_url` of a path (templates get
``site_url``, from :func:`site_url`; allauth's emails are rebased on it by
``apps.accounts.adapter``). The address is, in this order:

1. ``SITE_URL``, when it is set: the address the operator says the portal has.
2. The origin (scheme and host, port included) of the request being handled: an email
   sent while a page is answered links to the address that page was asked at. Django
   has checked the host against ``ALLOWED_HOSTS`` (``request.get_host``).
   ``apps.core.middleware.SiteURLMiddleware`` binds it for the request, and work the
   request starts in a thread (exports with no broker) copies it with its context.
3. Outside a request (a Celery worker, a scheduled task), the origin the portal was last
   served at, which the middleware keeps in the cache: shared with the workers when the
   cache is Redis, and the same process when tasks run inline (``make run``). It is not
   kept when ``ALLOWED_HOSTS`` lets any host in ("*"): then a request could choose the
   host that other people's emails link to.
4. Else :data:`DEFAULT_SITE_URL`, runserver's own default address.

Why not runserver's address: it is the address listened on (0.0.0.0 for "all"), not the
one people use; and a request's origin is what Django and allauth already trust for
their own links. Why not the Sites framework: a row in the database to keep in step by
hand is what ``SITE_URL`` already is, without the migration.
"""

import logging
import time
from collections.abc import Iterable
from contextvars import ContextVar, Token
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SERVED_AT_CACHE_KEY = "core:served-at"
# The cache entry is written again at most this often (or when the origin changes), so
# that a busy portal does not write it on every request, and an evicted entry comes back.
SERVED_AT_REFRESH_SECONDS = 10 * 60

_request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)
_recorded: dict[str, float] = {}  # origin -> when this process last wrote it to the cache


def request_origin(request: HttpRequest) -> str | None:
    """``scheme://host[:port]`` of the request, or None if its host is not allowed."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None


def bind_request_origin(request: HttpRequest) -> Token[str | None]:
    """Make the request's origin the address of links in emails sent while it is handled,
    and keep it as the address the portal is served at (see the module's docstring)."""
    origin = request_origin(request)
    if origin is not None and "*" not in settings.ALLOWED_HOSTS:
        now = time.monotonic()
        if now - _recorded.get(origin, -SERVED_AT_REFRESH_SECONDS) >= SERVED_AT_REFRESH_SECONDS:
            cache.set(SERVED_AT_CACHE_KEY, origin, timeout=None)
            _recorded.clear()
            _recorded[origin] = now
    return _request_origin.set(origin)


def unbind_request_origin(token: Token[str | None]) -> None:
    _request_origin.reset(token)


def site_url() -> str:
    """The address links in emails start with, without a trailing slash."""
    if settings.SITE_URL:
        return str(settings.SITE_URL).rstrip("/")
    origin = _request_origin.get() or cache.get(SERVED_AT_CACHE_KEY)
    return origin or DEFAULT_SITE_URL


def absolute_url(path: str) -> str:
    """``path`` (``/o/slug/…``) as a full address for an email."""
    return site_url() + path


def render_text(name: str, context: dict[str, Any]) -> str:
    """The template rendered as plain text: nothing HTML-escaped (an email's subject and
    body are text; escaped, "Patients' Alliance" arrived as "Patients&#x27; Alliance")."""
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """Each address's language for emails (``language`` of the user with that address); an
    address without a user, or a user without a choice, is left out. One query."""
    users = get_user_model().objects.filter(email__in=addresses).exclude(language="")
    return dict(users.values_list("email", "language"))


def send_templated_email(*, to: Iterable[str], template: str, context: dict[str, Any]) -> int:
    """Send one email to each address, in that person's language (the user's ``language``;
    else the language active where the email is sent). Returns how many were sent.

    Failures are logged, not raised: the change that triggered the email has
    already been committed and must not be reported to the user as failed.
    """
    recipients = [address for address in to if address]
    context = {"site_name": settings.SITE_NAME, "site_url": site_url(), **context}
    chosen = recipient_languages(recipients) if recipients else {}
    by_language: dict[str, list[str]] = {}
    for address in recipients:
        language = chosen.get(address) or get_language() or settings.LANGUAGE_CODE
        by_language.setdefault(language, []).append(address)
    sent = 0
    for language, addresses in by_language.items():
        with translation.override(language):
            sent += _send(addresses, template, context)
    return sent


def _send(addresses: list[str], template: str, context: dict[str, Any]) -> int:
    try:
        subject = render_text(f"emails/{template}_subject.txt", context).strip()
        body = render_text(f"emails/{template}_body.txt", context)
    except Exception:
        if getattr(settings, "EMAIL_RENDER_ERRORS_RAISE", False):
            raise
        logger.exception("Could not render the %s email", template)
        return 0
    sent = 0
    for address in addresses:
        try:
            sent += send_mail(subject, body, None, [address])
        except Exception:
            logger.exception("Could not send the %s email to %s", template, address)
    return sent
