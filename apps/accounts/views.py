"""A person's own account pages: overview, personal data, deletion.

Signing in and out, passwords and email addresses are allauth's views (under
``/account/`` as well); these pages add what allauth does not do.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from .forms import AccountDeleteForm, ProfileForm
from .models import User
from .requests import signed_in_user
from .selectors import user_personal_data
from .services import user_blocking_organisations, user_delete, user_profile_update


class AccountOverviewView(LoginRequiredMixin, TemplateView):
    """Who is signed in, with links to every account page."""

    template_name = "accounts/overview.html"


class ProfileView(LoginRequiredMixin, UpdateView):
    """The person's name and whether they want reminders."""

    form_class = ProfileForm
    template_name = "accounts/profile.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_object(self, queryset: QuerySet[User] | None = None) -> User:
        return signed_in_user(self.request)

    def form_valid(self, form: forms.ModelForm[User]) -> HttpResponse:
        user_profile_update(user=form.save(commit=False), fields=form.changed_data)
        messages.success(self.request, _("Your profile is saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("accounts:profile")


class PersonalDataView(LoginRequiredMixin, TemplateView):
    """What the portal holds about the person, and where to download it."""

    template_name = "accounts/data.html"


class PersonalDataDownloadView(LoginRequiredMixin, View):
    """Everything held about the person as one JSON file (GDPR Art. 15 and 20)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = JsonResponse(
            user_personal_data(user=signed_in_user(request)),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        # Personal data: no shared or browser cache may keep a copy.
        add_never_cache_headers(response)
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Delete the signed-in account after the person confirms with their password."""

    template_name = "accounts/delete.html"
    form_class = AccountDeleteForm
    # FormView would also accept PUT as a POST.
    http_method_names = ["get", "post", "head", "options"]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["blocking"] = user_blocking_organisations(user=signed_in_user(self.request))
        return context

    def form_valid(self, form: AccountDeleteForm) -> HttpResponse:
        try:
            user_delete(user=signed_in_user(self.request))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        logout(self.request)
        # Added after logout, whose session flush would otherwise drop it.
        messages.success(self.request, _("Your account has been deleted."))
        return HttpResponseRedirect(reverse("roadmap:home"))
