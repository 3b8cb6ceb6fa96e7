"""Follow and unfollow (POST only, signed in), and the page of what I follow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.accounts.requests import signed_in_user
from apps.organisations.models import Organisation

from . import services
from .selectors import followed_by


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if target and allowed else default)


def _unfollowing(request: HttpRequest) -> bool:
    return request.POST.get("do") == "unfollow"


class FollowActionView(LoginRequiredMixin, View):
    """POST ``do=follow`` (the default) or ``do=unfollow``."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        user = signed_in_user(request)
        if _unfollowing(request):
            services.unfollow_action(user=user, code=code)
            messages.success(request, _("You no longer follow %(code)s.") % {"code": code})
        else:
            try:
                services.follow_action(user=user, code=code)
            except ValidationError as error:
                raise Http404 from error
            messages.success(
                request,
                _("You follow %(code)s: its news comes in your weekly digest.") % {"code": code},
            )
        return _back(request, reverse("roadmap:action", kwargs={"code": code}))


class FollowOrganisationView(LoginRequiredMixin, View):
    """POST ``do=follow`` (the default) or ``do=unfollow``."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        user = signed_in_user(request)
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        default = reverse("organisations:public-profile", kwargs={"slug": slug})
        if _unfollowing(request):
            services.unfollow_organisation(user=user, organisation=organisation)
            messages.success(
                request, _("You no longer follow %(name)s.") % {"name": organisation.name}
            )
            return _back(request, default)
        try:
            services.follow_organisation(user=user, organisation=organisation)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return _back(request, reverse("follows:mine"))
        messages.success(
            request,
            _("You follow %(name)s: its news comes in your weekly digest.")
            % {"name": organisation.name},
        )
        return _back(request, default)


class MyFollowsView(LoginRequiredMixin, TemplateView):
    """The actions and organisations I follow, each with an unfollow button."""

    template_name = "follows/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["followed"] = followed_by(signed_in_user(self.request))
        return context
