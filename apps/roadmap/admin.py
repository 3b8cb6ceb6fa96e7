"""Curation of the roadmap in the Django admin.

Drafts are edited; published and archived editions are a record and read-only.
"Start a new edition" copies an edition into a draft, and publishing a draft
archives the previous edition. Every change is kept by django-simple-history
and shown on each object's History page, with what changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import PublishForm, mapping_to_text
from .models import (
    Action,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Resource,
    StakeholderGroup,
)


class DraftOnlyMixin:
    """Items of published and archived editions can be viewed, not changed."""

    def _editable(self, obj: object | None) -> bool:
        if obj is None:
            return True
        edition = obj if isinstance(obj, Edition) else obj.edition
        return edition.is_editable

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(obj)


class DraftParentInlineMixin:
    """Inlines are editable only under an object of a draft edition."""

    def _editable(self, obj: object | None) -> bool:
        if obj is None:
            return True
        edition = obj if isinstance(obj, Edition) else obj.edition
        return edition.is_editable

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(obj)


# --- Taxonomies -------------------------------------------------------------------------


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "short_name", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]


@admin.register(BarrierCategory)
class BarrierCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "publisher", "phase", "order"]
    list_filter = ["kind", "phase"]
    list_editable = ["order"]
    search_fields = ["title", "description", "slug"]


# --- Editions ------------------------------------------------------------------------------


class EndGoalInline(DraftParentInlineMixin, admin.TabularInline):
    model = EndGoal
    fields = ["order", "code", "title", "provenance"]
    extra = 0
    show_change_link = True


class StartDraftForm(forms.Form):
    version_label = forms.RegexField(
        label=_("Version label"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=40,
        help_text=_("A short, unique label such as 2026.1."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)


@admin.register(Edition)
class EditionAdmin(DraftOnlyMixin, SimpleHistoryAdmin):
    list_display = ["version_label", "title", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "version_label"]
    readonly_fields = ["status", "published_at", "based_on", "created_at", "updated_at"]
    inlines = [EndGoalInline]
    change_form_template = "admin/roadmap/edition/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "version_label", "status", "published_at", "based_on"]}),
        (_("Vision"), {"fields": ["vision", "vision_provenance", "vision_source"]}),
        (_("Mission"), {"fields": ["mission", "mission_provenance", "mission_source"]}),
        (_("Source and licence"), {"fields": ["citation", "doi", "licence", "licence_url"]}),
        (_("Changes"), {"fields": ["changelog", "created_at", "updated_at"]}),
    ]

    def get_urls(self) -> list:
        urls = [
            path(
                "<int:pk>/start-draft/",
                self.admin_site.admin_view(self.start_draft_view),
                name="roadmap_edition_start_draft",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="roadmap_edition_publish",
            ),
        ]
        return urls + super().get_urls()

    def start_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        source = get_object_or_404(Edition, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"title": source.title}
        form = StartDraftForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.edition_start_draft(
                    source=source, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _("Draft %(label)s created from %(source)s. Edit it, then publish it.")
                    % {"label": draft.version_label, "source": source.version_label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:roadmap_edition_change", args=[draft.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Start a new edition from %(label)s") % {"label": source.version_label},
            "source": source,
            "form": form,
        }
        return TemplateResponse(request, "admin/roadmap/edition/start_draft.html", context)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_change_permission(request, edition):
            self.message_user(request, _("Only a draft can be published."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:roadmap_edition_change", args=[pk]))
        current = Edition.objects.current()
        problems = services.edition_validate_for_publishing(edition=edition)
        default = services.edition_default_mapping(edition=edition, previous=current)
        data = request.POST if request.method == "POST" else None
        form = PublishForm(data, initial={"mapping": mapping_to_text(default)})
        if request.method == "POST" and not problems and form.is_valid():
            try:
                services.edition_publish(
                    edition=edition, by=request.user, mapping=form.cleaned_data["mapping"]
                )
            except ValidationError as exc:
                form.add_error("mapping", exc.messages)
            else:
                self.message_user(
                    request,
                    _("Edition %(label)s is published; the previous edition is archived.")
                    % {"label": edition.version_label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:roadmap_edition_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Publish %(label)s") % {"label": edition.version_label},
            "edition": edition,
            "current": current,
            "problems": problems,
            "form": form,
            "removed": sorted(code for code, new in default.items() if new is None),
        }
        return TemplateResponse(request, "admin/roadmap/edition/publish.html", context)


# --- The goal tree -------------------------------------------------------------------------


class IntermediateGoalInline(DraftParentInlineMixin, admin.TabularInline):
    model = IntermediateGoal
    fields = ["order", "code", "title", "provenance"]
    extra = 0
    show_change_link = True


class ActionInline(DraftParentInlineMixin, admin.TabularInline):
    model = Action
    fields = ["order", "code", "title", "dimension", "provenance"]
    extra = 0
    show_change_link = True


class TreeItemAdmin(DraftOnlyMixin, SimpleHistoryAdmin):
    """End goals, intermediate goals and actions share their list and search setup."""

    search_fields = ["code", "title", "description"]
    list_filter = ["edition", "provenance"]
    list_select_related = ["edition"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("edition")

    def save_formset(
        self, request: HttpRequest, form: object, formset: object, change: bool
    ) -> None:
        # Inline children belong to their parent's edition.
        for child in formset.save(commit=False):
            child.edition_id = form.instance.edition_id
            child.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(EndGoal)
class EndGoalAdmin(TreeItemAdmin):
    list_display = ["code", "title", "edition", "order", "provenance"]
    inlines = [IntermediateGoalInline]
    fields = ["edition", "code", "title", "description", "order", "provenance", "source_passage"]

    def formfield_for_foreignkey(self, db_field: object, request: HttpRequest, **kwargs: object):
        if db_field.name == "edition":
            kwargs["queryset"] = Edition.objects.filter(status=Edition.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IntermediateGoal)
class IntermediateGoalAdmin(TreeItemAdmin):
    list_display = ["code", "title", "end_goal", "edition", "order", "provenance"]
    list_select_related = ["edition", "end_goal"]
    inlines = [ActionInline]
    fields = ["end_goal", "code", "title", "description", "order", "provenance", "source_passage"]

    def formfield_for_foreignkey(self, db_field: object, request: HttpRequest, **kwargs: object):
        if db_field.name == "end_goal":
            kwargs["queryset"] = EndGoal.objects.filter(
                edition__status=Edition.Status.DRAFT
            ).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Action)
class ActionAdmin(TreeItemAdmin):
    list_display = ["code", "title", "edition", "dimension", "provenance", "targets_basis"]
    list_filter = ["edition", "dimension", "stakeholder_groups", "provenance", "targets_basis"]
    list_select_related = ["edition", "dimension"]
    filter_horizontal = ["stakeholder_groups", "resources"]
    readonly_fields = ["derived_from"]
    fieldsets = [
        (None, {"fields": ["intermediate_goal", "code", "title", "description", "order"]}),
        (
            _("Who and how"),
            {"fields": ["stakeholder_groups", "targets_basis", "other_actors", "dimension"]},
        ),
        (_("Resources"), {"fields": ["resources"]}),
        (_("Source"), {"fields": ["provenance", "source_passage", "derived_from"]}),
    ]

    def formfield_for_foreignkey(self, db_field: object, request: HttpRequest, **kwargs: object):
        if db_field.name == "intermediate_goal":
            kwargs["queryset"] = IntermediateGoal.objects.filter(
                edition__status=Edition.Status.DRAFT
            ).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
