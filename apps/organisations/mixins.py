"""Organisation-scoped pages: find the organisation in the URL, then authorise.

Every such view sets ``permission`` to a code from ``permissions.Perm``. The
check is :func:`apps.organisations.permissions.authorise`, the same one the API
uses: outsiders get 404, members without the permission 403, and visitors who
are not signed in are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase
from django.views.generic import View
from django.views.generic.base import ContextMixin

from apps.accounts.models import User
from apps.accounts.requests import signed_in_user

from .models import Membership, Organisation
from .permissions import authorise_at, has_org_permission


class OrganisationPermissionMixin(LoginRequiredMixin, ContextMixin, View):
    permission: str = ""
    organisation: Organisation
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.permission:
            raise NotImplementedError(f"{type(self).__name__} must set `permission`.")
        self.membership = authorise_at(request.user, kwargs["slug"], self.permission)
        self.organisation = self.membership.organisation
        return super().dispatch(request, *args, **kwargs)

    @property
    def user(self) -> User:
        """The signed-in user: ``dispatch`` lets no one else in."""
        return signed_in_user(self.request)

    def can(self, code: str) -> bool:
        return has_org_permission(self.request.user, self.organisation, code)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["membership"] = self.membership
        return context
