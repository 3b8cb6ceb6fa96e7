"""Middleware of the portal.

``ClientIPMiddleware``: every request knows its client's address, and so do the logs and the
audit log written while it is handled (``apps/core/client_ip.py``).

``SiteURLMiddleware``: links in emails sent while a request is handled point to the address
the request came to, unless ``SITE_URL`` says otherwise (``apps/core/emails.py``).

``DatabaseUnavailableMiddleware``: a database that cannot be reached answers 503 with
Retry-After, not 500.

While PostgreSQL restarts or fails over, a request fails with ``OperationalError`` (or
``InterfaceError`` on a connection that died). That is not a bug of the page: people and
API clients are told the portal is briefly unavailable and when to try again, and
monitoring still sees every one (logged as an error, with its traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .client_ip import bind_client_ip
from .emails import bind_request_origin, unbind_request_origin

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class ClientIPMiddleware:
    """Resolves the client's address once, for everything that runs during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Unbound when the response is closed (``request_finished``), not here: Django logs
        # 4xx and 5xx responses after the middleware, and those lines need the address too.
        bind_client_ip(request)
        return self.get_response(request)


class SiteURLMiddleware:
    """Binds the request's origin for :func:`apps.core.emails.site_url` while it is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = bind_request_origin(request)
        try:
            return self.get_response(request)
        finally:
            unbind_request_origin(token)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        if request.path.startswith("/api/"):
            message = _("The service is briefly unavailable. Try again in a few seconds.")
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
