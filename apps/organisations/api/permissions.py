"""The API's side of the one permission check (see ``apps.organisations.permissions``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.requests import signed_in_user
from apps.core.api.permissions import IsSignedIn

from ..models import Membership, Organisation
from ..permissions import authorise_at


class OrganisationScopedMixin(APIView):
    """For API views under ``/api/v1/organisations/<slug>/``.

    Set ``permission`` (a ``Perm`` code) or ``permissions_by_method``
    (``{"GET": Perm.X, "POST": Perm.Y}``). Outsiders get 404, members without
    the permission 403, anonymous callers 401.
    """

    permission_classes = [IsSignedIn]
    permission: str = ""
    permissions_by_method: dict[str, str] = {}
    organisation: Organisation
    # None only where a view lets outsiders read (OrganisationDetailView, the directory).
    membership: Membership | None

    @property
    def user(self) -> User:
        """The signed-in user, for the writes (which IsSignedIn lets no one else make)."""
        return signed_in_user(self.request)

    def required_permission(self, request: Request) -> str:
        # HEAD and OPTIONS read: they need what GET needs.
        method = "GET" if request.method in ("HEAD", "OPTIONS") else str(request.method)
        code = self.permissions_by_method.get(method) or self.permission
        if not code:
            raise NotImplementedError(f"{type(self).__name__} must set `permission`.")
        return code

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and the IsAuthenticated check
        # As for the pages (``authorise_at``). One 404 body for missing and for private
        # organisations, so that the answer does not tell outsiders which slugs exist.
        code = self.required_permission(request)
        try:
            self.membership = authorise_at(request.user, kwargs["slug"], code)
        except Http404 as exc:
            raise NotFound from exc
        self.organisation = self.membership.organisation
