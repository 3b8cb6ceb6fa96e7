"""Portal admins: the verification queue, and a read-only view of members and invitations.

Verification decisions (verify; reject, with a reason) go through the services, so each is
audited and the organisation's admins are emailed. They are taken one at a time from an
organisation's page, or for several organisations at once from the list or the queue; a
decision taken from the queue returns to the queue. The admin index says how many
organisations wait (``templatetags/verification_queue.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.requests import signed_in_user

from . import services
from .models import Invitation, Membership, Organisation, PendingOrganisation, PublicProfile

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _MemberCount(TypedDict):
    _member_count: int


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "role", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False  # Members join through invitations, managed by the organisation's admins.


class PublicProfileInline(admin.StackedInline):
    """What the organisation shows in public: its admins decide (``/o/<slug>/profile/``)."""

    model = PublicProfile
    fields = readonly_fields = (
        "is_public",
        "show_actions",
        "show_progress",
        "show_case_studies",
        "show_partnerships",
        "statement",
        "signer_title",
        "statement_signer_name",
        "statement_signed_on",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the organisation's admins"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


# Sent with a decision taken from the verification queue: the admin goes back to the queue.
RETURN_TO = "return_to"
QUEUE = "queue"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "status",
        "stakeholder_group",
        "country",
        "region",
        "level",
        "possible_duplicate_of",
        "member_count",
        "created_at",
    ]
    list_filter = ["status", "stakeholder_group", "region", "level", "in_directory"]
    search_fields = ["name", "slug", "website"]
    list_select_related = ["stakeholder_group", "possible_duplicate_of"]
    readonly_fields = [
        "slug",
        "region",
        "status",
        "rejection_reason",
        "decided_at",
        "decided_by",
        "possible_duplicate_of",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline, PublicProfileInline]
    actions = ["verify_selected", "reject_selected"]
    change_form_template = "admin/organisations/organisation/change_form.html"
    # Set by the queue: where a decision taken from this admin's pages returns to.
    return_to = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj: WithAnnotations[Organisation, _MemberCount]) -> int:
        return obj._member_count

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Organisations register on the portal (organisation_register).

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False  # Organisations are rejected, not deleted: their history stays.

    @admin.action(description=_("Verify the selected organisations"))
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = 0
        for organisation in queryset.exclude(status=Organisation.Status.VERIFIED):
            services.organisation_verify(organisation=organisation, by=signed_in_user(request))
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject the selected organisations…"))
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> HttpResponse | None:
        """Ask for one reason, then reject each selected organisation not yet rejected."""
        organisations = list(queryset.exclude(status=Organisation.Status.REJECTED))
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for organisation in organisations:
                services.organisation_reject(
                    organisation=organisation,
                    by=signed_in_user(request),
                    reason=form.cleaned_data["reason"],
                )
            self.message_user(
                request,
                ngettext(
                    "%(count)d organisation rejected; its admins have been told why.",
                    "%(count)d organisations rejected; their admins have been told why.",
                    len(organisations),
                )
                % {"count": len(organisations)},
                messages.SUCCESS,
            )
            return None
        if not organisations:
            self.message_user(request, _("The selected organisations are already rejected."))
            return None
        return self._reject_page(request, organisations, form, bulk=True)

    def _reject_page(
        self,
        request: HttpRequest,
        organisations: list[Organisation],
        form: RejectForm,
        *,
        bulk: bool = False,
    ) -> HttpResponse:
        if len(organisations) == 1:
            title = _("Reject %(name)s") % {"name": organisations[0]}
        else:
            title = _("Reject %(count)d organisations") % {"count": len(organisations)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "organisations": organisations,
            "form": form,
            "bulk": bulk,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "return_to": request.POST.get(RETURN_TO) or request.GET.get(RETURN_TO, ""),
        }
        return TemplateResponse(request, "admin/organisations/organisation/reject.html", context)

    @admin.display(description=_("decision"))
    def decide(self, obj: Organisation) -> str:
        url = reverse("admin:organisations_organisation_reject", args=[obj.pk])
        return format_html(
            '<a href="{}?{}={}">{}<span class="visually-hidden"> {}</span></a>',
            url,
            RETURN_TO,
            QUEUE,
            _("Reject…"),
            obj.name,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "return_to": self.return_to}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<int:pk>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="organisations_organisation_verify",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="organisations_organisation_reject",
            ),
        ]
        return urls + super().get_urls()

    def _after_decision(self, request: HttpRequest, organisation: Organisation) -> HttpResponse:
        if request.POST.get(RETURN_TO) == QUEUE:
            return HttpResponseRedirect(
                reverse("admin:organisations_pendingorganisation_changelist")
            )
        return HttpResponseRedirect(
            reverse("admin:organisations_organisation_change", args=[organisation.pk])
        )

    def verify_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=pk)
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        if request.method == "POST":
            services.organisation_verify(organisation=organisation, by=signed_in_user(request))
            self.message_user(
                request, _("%(name)s is verified.") % {"name": organisation}, messages.SUCCESS
            )
        return self._after_decision(request, organisation)

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=pk)
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        form = RejectForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                services.organisation_reject(
                    organisation=organisation,
                    by=signed_in_user(request),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("reason", exc.messages)
            else:
                self.message_user(
                    request,
                    _("%(name)s is rejected; its admins have been told why.")
                    % {"name": organisation},
                    messages.SUCCESS,
                )
                return self._after_decision(request, organisation)
        return self._reject_page(request, [organisation], form)


@admin.register(PendingOrganisation)
class VerificationQueueAdmin(OrganisationAdmin):
    """The queue: organisations waiting for a decision, oldest first.

    Its decisions are the organisations' (same addresses, same views); taken from here, they
    return here.
    """

    ordering = ["created_at"]
    list_filter = ["stakeholder_group", "region", "level"]
    return_to = QUEUE
    # What a decision needs, and the decision itself (every row is pending: no status).
    list_display = [
        "name",
        "stakeholder_group",
        "country",
        "level",
        "website",
        "possible_duplicate_of",
        "created_at",
        "decide",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).filter(status=Organisation.Status.PENDING)

    def get_urls(self) -> list[URLPattern]:
        # The decisions live at the organisations' addresses only (one name, one view).
        return admin.ModelAdmin.get_urls(self)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
