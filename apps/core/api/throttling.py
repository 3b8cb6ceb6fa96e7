"""Throttles of the API, counting per client address as ``apps.core.client_ip`` resolves it.

DRF's own ``get_ident`` believes ``X-Forwarded-For`` unless ``NUM_PROXIES`` is set, so a
client that sends a new value each time would never be throttled.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from apps.core.client_ip import client_ip


class ClientIPScopedRateThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle``, per client address (or per user once signed in)."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)
