"""Organisation pages: register, home, details, members, invitations, audit log, directory.

Views parse input, authorise (``OrganisationPermissionMixin``: outsiders 404,
members without the permission 403), call a service and render. Services
raise ValidationError with messages meant for people; views show them.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View
from django.views.generic.base import ContextMixin, TemplateResponseMixin
from django_filters.views import FilterView

from apps.accounts.requests import signed_in_user
from apps.adoption.dashboard import dashboard_panels
from apps.audit.models import AuditEvent
from apps.core.pagination import Paginator
from apps.pulse.selectors import pulse_due
from apps.roadmap.cache import cached_page

from . import profiles, services
from .filters import OrganisationFilter
from .forms import (
    InvitationForm,
    InvitationSignupForm,
    MemberRoleForm,
    OrganisationForm,
    OrganisationRegisterForm,
    PublicProfileForm,
)
from .mixins import OrganisationPermissionMixin
from .models import Invitation, Membership, Organisation
from .navigation import mine_fragment
from .permissions import Perm, Role
from .selectors import organisation_directory


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in _error_messages(error):
        messages.error(request, message)


# --- The signed-in user's organisations, and registering one ---------------------------


class MyOrganisationsView(LoginRequiredMixin, TemplateView):
    """The user's organisations with their role, and invitations waiting for them.

    Where sign-in lands (LOGIN_REDIRECT_URL). A member of exactly one organisation with no
    invitation waiting goes straight on to that organisation's dashboard; ``?all=1`` shows
    the list anyway (with its links to register an organisation and to the directory).
    """

    template_name = "organisations/mine.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Kept per user with the header's navigation (navigation.py), which every change to
        # the user's memberships, organisations and invitations renews.
        mine = mine_fragment(signed_in_user(request))
        if mine.kept["only"] and not request.GET.get("all"):
            return redirect(mine.kept["only"])
        return self.render_to_response(self.get_context_data(mine=mine, **kwargs))


class OrganisationRegisterView(LoginRequiredMixin, FormView):
    form_class = OrganisationRegisterForm
    template_name = "organisations/register.html"

    def form_valid(self, form: OrganisationRegisterForm) -> HttpResponse:
        try:
            organisation = services.organisation_register(
                user=signed_in_user(self.request), **form.organisation_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(name)s is registered. It is pending verification by the portal's admins: "
                "you can already work in it, but it counts in no benchmark until it is verified."
            )
            % {"name": organisation.name},
        )
        return redirect(organisation)


# --- One organisation ------------------------------------------------------------------


class OrganisationHomeView(OrganisationPermissionMixin, TemplateView):
    """The organisation's home: its dashboard (``{% block dashboard %}``), then its details."""

    permission = Perm.ORG_VIEW
    template_name = "organisations/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.can(Perm.ORG_EDIT)
        context["can_view_audit"] = self.can(Perm.AUDIT_VIEW)
        context["can_view_members"] = self.can(Perm.MEMBERS_VIEW)
        context["can_benchmark"] = self.can(Perm.BENCHMARK_VIEW)
        if self.can(Perm.ADOPTION_VIEW):
            context["can_adopt"] = self.can(Perm.ADOPTION_WRITE)
            context["dashboard"] = dashboard_panels(
                organisation=self.organisation,
                can_write=context["can_adopt"],
                can_assess=self.can(Perm.ASSESSMENT_WRITE),
            )
            context["pulse_due"] = pulse_due(user=self.request.user)
        return context


class OrganisationEditView(OrganisationPermissionMixin, FormView):
    permission = Perm.ORG_EDIT
    form_class = OrganisationForm
    template_name = "organisations/edit.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # The form works on a copy: a ModelForm writes the input onto its instance while it
        # validates, and the service must see the stored values to record what changed.
        kwargs["instance"] = copy.copy(self.organisation)
        return kwargs

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.organisation_update(organisation=self.organisation, by=self.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation's details are saved."))
        return redirect(self.organisation)


class ProfileSettingsView(OrganisationPermissionMixin, FormView):
    """What the public profile shows, and the leadership statement: admins only."""

    permission = Perm.ORG_EDIT
    form_class = PublicProfileForm
    template_name = "organisations/profile_settings.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # A copy: the service compares the stored values with the new ones.
        kwargs["instance"] = copy.copy(profiles.profile_of(self.organisation))
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["profile"] = profiles.profile_of(self.organisation)
        context["published"] = profiles.is_published(self.organisation)
        return context

    def form_valid(self, form: PublicProfileForm) -> HttpResponse:
        fields = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            profile = services.profile_update(
                organisation=self.organisation,
                by=self.user,
                statement=form.cleaned_data["statement"],
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if profile.is_public and not self.organisation.is_verified:
            messages.warning(
                self.request,
                _(
                    "Saved. The profile becomes public once the organisation is verified; "
                    "until then only its admins can preview it."
                ),
            )
        elif profile.is_public:
            messages.success(self.request, _("Saved. The public profile shows what you chose."))
        else:
            messages.success(self.request, _("Saved. The profile is not public."))
        return redirect("organisations:profile", slug=self.organisation.slug)

    def form_invalid(self, form: PublicProfileForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# --- Members and invitations -----------------------------------------------------------


class MembersView(OrganisationPermissionMixin, TemplateView):
    """Members and their roles. Admins also change roles, remove, invite and revoke."""

    permission = Perm.MEMBERS_VIEW
    template_name = "organisations/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_write = self.can(Perm.MEMBERS_WRITE)
        context["can_write"] = can_write
        context["memberships"] = self.organisation.memberships.select_related("user").order_by(
            "user__email"
        )
        context["roles"] = Role.choices
        if can_write:
            context["invitations"] = self.organisation.invitations.all()
            context.setdefault("invite_form", InvitationForm(auto_id="invite_%s"))
        return context


class InvitationCreateView(MembersView):
    """POST only. Invalid input shows the members page again with the form's errors."""

    permission = Perm.MEMBERS_WRITE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = InvitationForm(request.POST, auto_id="invite_%s")
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=self.organisation, by=self.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect("organisations:members", slug=self.organisation.slug)
        context = self.get_context_data(invite_form=form)
        return self.render_to_response(context, status=400)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.http_method_not_allowed(request, *args, **kwargs)


class _MembersActionMixin(OrganisationPermissionMixin):
    """Changes to members: admins only, then back to the members page."""

    permission = Perm.MEMBERS_WRITE

    def members_url(self) -> str:
        return reverse("organisations:members", kwargs={"slug": self.organisation.slug})

    def get_membership(self) -> Membership:
        return get_object_or_404(
            self.organisation.memberships.select_related("user", "organisation"),
            pk=self.kwargs["pk"],
        )


class MemberRoleView(_MembersActionMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.get_membership()
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the roles."))
            return HttpResponseRedirect(self.members_url())
        try:
            services.membership_change_role(
                membership=membership, by=self.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
        return HttpResponseRedirect(self.members_url())


class MemberRemoveView(_MembersActionMixin, TemplateView):
    """GET asks for confirmation; POST removes."""

    template_name = "organisations/member_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_membership()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_membership()
        try:
            services.membership_remove(membership=member, by=self.user)
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("%(user)s is no longer a member.") % {"user": member.user})
        return HttpResponseRedirect(self.members_url())


class InvitationRevokeView(_MembersActionMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = get_object_or_404(self.organisation.invitations, pk=kwargs["pk"])
        try:
            services.invitation_revoke(invitation=invitation, by=self.user)
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is revoked.") % {"email": invitation.email},
            )
        return HttpResponseRedirect(self.members_url())


class LeaveView(OrganisationPermissionMixin, View):
    """Any member may leave, except the last admin."""

    permission = Perm.ORG_VIEW

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.membership_remove(membership=self.membership, by=self.user)
        except ValidationError as error:
            _flash_errors(request, error)
            return redirect("organisations:members", slug=self.organisation.slug)
        messages.success(request, _("You have left %(name)s.") % {"name": self.organisation.name})
        return redirect("organisations:mine")


# --- Accepting an invitation -----------------------------------------------------------


class InvitationAcceptView(TemplateView):
    """Open to anyone holding the link. What it offers depends on who is looking:

    the invited user signed in gets an Accept button; someone signed in with
    another address is told so; a visitor with an account is sent to sign in;
    a visitor without one can create it here.
    """

    template_name = "organisations/invitation_accept.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.invitation = get_object_or_404(
            Invitation.objects.select_related("organisation__stakeholder_group", "invited_by"),
            token=kwargs["token"],
        )
        self.problem = services.invitation_problem(self.invitation)
        if self.problem:
            return self.render_to_response(self.get_context_data(), status=410)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["invitation"] = self.invitation
        context["problem"] = self.problem
        if user.is_authenticated:
            context["email_matches"] = user.email.lower() == self.invitation.email.lower()
        else:
            context["has_account"] = (
                get_user_model().objects.filter(email__iexact=self.invitation.email).exists()
            )
            if context["has_account"]:
                query = urlencode({REDIRECT_FIELD_NAME: self.request.get_full_path()}, safe="/")
                context["login_url"] = f"{resolve_url(settings.LOGIN_URL)}?{query}"
            else:
                context.setdefault("signup_form", InvitationSignupForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return self._accept(request)
        return self._accept_with_new_account(request)

    def _accept(self, request: HttpRequest) -> HttpResponse:
        try:
            services.invitation_accept(invitation=self.invitation, user=signed_in_user(request))
        except ValidationError as error:
            context = self.get_context_data(errors=_error_messages(error))
            return self.render_to_response(context, status=400)
        return self._welcome()

    def _accept_with_new_account(self, request: HttpRequest) -> HttpResponse:
        form = InvitationSignupForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    membership = services.invitation_accept_with_new_account(
                        invitation=self.invitation,
                        full_name=form.cleaned_data["full_name"],
                        password=form.cleaned_data["password"],
                    )
                    login(
                        request,
                        membership.user,
                        backend="apps.accounts.backends.ModelBackend",
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self._welcome()
        return self.render_to_response(self.get_context_data(signup_form=form), status=400)

    def _welcome(self) -> HttpResponse:
        organisation = self.invitation.organisation
        messages.success(self.request, _("Welcome to %(name)s.") % {"name": organisation.name})
        return redirect(organisation)


# --- Audit log -------------------------------------------------------------------------


class AuditLogView(OrganisationPermissionMixin, ListView):
    """The organisation's audit events, newest first: one query per page (and the count when
    the page is full)."""

    permission = Perm.AUDIT_VIEW
    template_name = "organisations/audit.html"
    context_object_name = "events"
    paginate_by = 50
    paginator_class = Paginator

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.filter(organisation=self.organisation).order_by(
            "-created_at", "-pk"
        )


# --- Public directory ------------------------------------------------------------------


class DirectoryView(FilterView):
    """Verified organisations that chose to be listed. Invalid filters show errors, no rows."""

    filterset_class = OrganisationFilter
    template_name = "organisations/directory.html"
    context_object_name = "organisations"
    paginate_by = 25
    paginator_class = Paginator
    strict = True

    def get_queryset(self) -> QuerySet[Organisation]:
        # With the profile: the names of organisations with a public one link to it.
        return organisation_directory().select_related("public_profile")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fields = OrganisationFilter.Meta.fields
        context["filter_is_active"] = any(self.request.GET.get(f) for f in fields)
        context["filter_has_errors"] = self.filterset.is_bound and not self.filterset.is_valid()
        return context


class PublicProfileView(TemplateResponseMixin, ContextMixin, View):
    """An organisation's public commitments: 404 unless it is verified and its admins made
    its profile public, item by item (``profiles.py``). Its admins preview it before then.

    Cached for anonymous readers (``apps/roadmap/cache.py``) under a fingerprint of the
    profile and the adoptions (``profiles.fingerprint``): a change to either is a new entry.
    """

    template_name = "organisations/public_profile.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        organisation = profiles.profile_organisation(kwargs["slug"])
        if organisation is None:
            raise Http404
        self.organisation = organisation
        if not profiles.is_published(organisation):
            if not profiles.may_preview(request.user, organisation):
                raise Http404
            return self.render_to_response(self.get_context_data(preview=True))
        return cached_page(
            request,
            lambda: self.render_to_response(self.get_context_data()),
            variant=profiles.fingerprint(organisation),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["contents"] = profiles.profile_contents(self.organisation)
        return context
