"""Who may read the curators' report: portal staff (active, ``is_staff``). One check behind
the pages, the export and the API; everyone else gets 404 (not a sign-in redirect, not a
403): the report's existence is not advertised."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.views import View
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User


def is_curator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def authorise_curator(user: User | AnonymousUser) -> None:
    """Raise Http404 unless the user is a curator."""
    if not is_curator(user):
        raise Http404


class CuratorRequiredMixin(View):
    """For the report's views: 404 to everyone but portal staff."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        authorise_curator(request.user)
        return super().dispatch(request, *args, **kwargs)


class IsCurator(BasePermission):
    """For the API: 404 to everyone but portal staff (tokens or sessions)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        authorise_curator(request.user)
        return True
