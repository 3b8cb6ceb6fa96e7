"""The address of the client a request comes from, the one every part of the portal uses.

Rate limits (DRF's throttles and allauth's sign-in limits), the audit log and the logs all
take the address from :func:`client_ip`, so that they agree, and so that nobody can choose
theirs by sending a header.

``X-Forwarded-For`` is only believed as far as ``settings.TRUSTED_PROXY_COUNT`` says. Each
proxy in front of the portal appends the address it received the connection from, so with
``N`` trusted proxies the client is the N-th address from the right; everything to its
left was written by the client and is ignored. With no trusted proxy (the default) the
header is ignored altogether and the client is ``REMOTE_ADDR``.

:class:`ClientIPFilter` adds the address to every log record written while a request is
handled (``apps.core.middleware.ClientIPMiddleware`` binds it).
"""

from __future__ import annotations

import ipaddress
import logging
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest

# Also read by gunicorn's access log (``%({portal.client_ip}e)s``): the WSGI environ is
# Django's ``request.META``.
ENVIRON_KEY = "portal.client_ip"
UNKNOWN = "-"

_current: ContextVar[str | None] = ContextVar("client_ip", default=None)


def clean_ip(value: str) -> str | None:
    """``value`` as a normalised IP address, or None if it is not one.

    Accepts what proxies write: surrounding spaces, ``[v6]`` brackets, a ``:port``.
    """
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def resolve_client_ip(remote_addr: str, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The client's address, from the connection's peer and the X-Forwarded-For header.

    With ``trusted_proxies`` > 0 the peer is the nearest proxy, and the client is the
    ``trusted_proxies``-th entry from the right of the header. A header shorter than that
    (the request skipped an outer proxy) gives its left-most entry, the first address a
    trusted proxy saw. A value that is not an address gives the peer's.
    """
    peer = clean_ip(remote_addr) or remote_addr or UNKNOWN
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    if not hops:
        return peer
    return clean_ip(hops[-min(trusted_proxies, len(hops))]) or peer


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (a Django or DRF request)."""
    meta = request.META
    cached = meta.get(ENVIRON_KEY)
    if cached:
        return cached
    resolved = resolve_client_ip(
        meta.get("REMOTE_ADDR", ""),
        meta.get("HTTP_X_FORWARDED_FOR"),
        settings.TRUSTED_PROXY_COUNT,
    )
    meta[ENVIRON_KEY] = resolved
    return resolved


def bind_client_ip(request: HttpRequest) -> None:
    """Make ``request``'s address the current one (for the logs and the audit log)."""
    _current.set(client_ip(request))


@receiver(request_finished)
def _unbind_client_ip(**kwargs: Any) -> None:
    _current.set(None)


def current_client_ip() -> str | None:
    """The address of the request being handled, or None outside a request."""
    return _current.get()


class ClientIPFilter(logging.Filter):
    """Adds ``client_ip`` to each record: the request's address, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.client_ip = _current.get() or UNKNOWN
        return True
