"""Permission classes every app's API shares; organisation-scoped checks live with the
organisations (``apps.organisations.api.permissions``)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsSignedIn(BasePermission):
    """Like IsAuthenticated; named for what it means to readers of the schema."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)
