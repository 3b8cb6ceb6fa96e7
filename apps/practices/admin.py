"""Portal staff's side of the practice library: every case study, and the moderation queue
(case studies their organisation approved), where staff publish them or return them with a
reason (required). Decisions go through the services, so each is audited and the people
concerned are emailed; they are taken for one or several case studies at once from the list
or the queue, as the organisations' verification is (``apps/organisations/admin.py``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.requests import signed_in_user

from . import services
from .forms import ReturnForm
from .models import CaseStudy, CaseStudyAwaitingModeration, CaseStudyFile, CaseStudyState


class CaseStudyFileInline(admin.TabularInline):
    model = CaseStudyFile
    fields = ["original_name", "content_type", "size"]
    readonly_fields = ["original_name", "content_type", "size"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False  # Files are checked on upload, by the organisation's writers.


class ModeratorReturnForm(ReturnForm):
    reason = forms.CharField(
        label=_("Why it is returned (sent to its author and the organisation's admins)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "action_code", "organisation", "state", "updated_at", "published_at"]
    list_filter = ["state", "licence", "organisation__stakeholder_group"]
    search_fields = ["title", "organisation__name", "adoption__action__code"]
    list_select_related = ["organisation", "adoption__action"]
    # Staff read what organisations wrote, and decide; they do not rewrite it.
    readonly_fields = [
        "adoption",
        "organisation",
        "author",
        "title",
        "what_was_done",
        "for_whom",
        "outcomes",
        "lessons",
        "cost",
        "resources",
        "licence",
        "state",
        "return_reason",
        "submitted_at",
        "approved_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [CaseStudyFileInline]
    actions = ["publish_selected", "return_selected"]

    @admin.display(description=_("action"), ordering="adoption__action__code")
    def action_code(self, obj: CaseStudy) -> str:
        return obj.adoption.action.code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Case studies are written by organisations (case_study_create).

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        # Returned with a reason, not deleted: the author can mend it, and the public pages
        # (cached) learn of a return, not of a deletion.
        return False

    @admin.action(description=_("Publish the selected case studies"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[CaseStudy]) -> None:
        ready = list(queryset.filter(state=CaseStudyState.APPROVED_BY_ORG))
        for case_study in ready:
            services.case_study_publish(case_study=case_study, by=signed_in_user(request))
        skipped = queryset.count() - len(ready)
        self.message_user(
            request,
            ngettext(
                "%(count)d case study published.", "%(count)d case studies published.", len(ready)
            )
            % {"count": len(ready)},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d was not approved by its organisation yet, and was left as it was.",
                    "%(count)d were not approved by their organisations yet, and were left as "
                    "they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Return the selected case studies with a reason…"))
    def return_selected(
        self, request: HttpRequest, queryset: QuerySet[CaseStudy]
    ) -> HttpResponse | None:
        """Ask for one reason (required), then return each selected case study that is
        approved or published."""
        returnable = list(
            queryset.filter(state__in=[CaseStudyState.APPROVED_BY_ORG, CaseStudyState.PUBLISHED])
        )
        if not returnable:
            self.message_user(
                request,
                _(
                    "Only case studies approved by their organisation, or published, can be "
                    "returned."
                ),
                messages.WARNING,
            )
            return None
        form = ModeratorReturnForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            try:
                # All or none: a refusal part-way leaves every case study as it was.
                with transaction.atomic():
                    for case_study in returnable:
                        services.case_study_moderate_return(
                            case_study=case_study,
                            by=signed_in_user(request),
                            reason=form.cleaned_data["reason"],
                        )
            except ValidationError as exc:
                form.add_error("reason", exc.messages)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d case study returned; its author has been told why.",
                        "%(count)d case studies returned; their authors have been told why.",
                        len(returnable),
                    )
                    % {"count": len(returnable)},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Return case studies"),
            "case_studies": returnable,
            "form": form,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/practices/return.html", context)


@admin.register(CaseStudyAwaitingModeration)
class ModerationQueueAdmin(CaseStudyAdmin):
    """The queue: case studies their organisation approved, oldest approval first."""

    ordering = ["approved_at"]
    list_display = ["title", "action_code", "organisation", "approved_at"]
    list_filter = ["licence", "organisation__stakeholder_group"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseStudy]:
        return super().get_queryset(request).filter(state=CaseStudyState.APPROVED_BY_ORG)
