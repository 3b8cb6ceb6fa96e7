"""Curation of the roadmap in the Django admin.

Drafts are edited; archived editions are a record and read-only. A published
edition's English text is read-only too, but its translations stay editable, so
that correcting a translation does not need a new edition. "Start a new
edition" copies an edition, with its translations, into a draft, and publishing
a draft archives the previous one. Every change is kept by django-simple-history
and shown on each object's History page, with what changed.

Forms show the English text (``title_en``) first and one collapsed fieldset per
other language. modeltranslation's plain ``TranslationAdmin`` is used, not its
tabbed variant: the tabs need jQuery UI from a CDN and inline script, which the
portal's CSP forbids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from apps.accounts.requests import signed_in_user

from . import services
from .changes import edition_changes
from .forms import ActionAdminForm, PublishForm, StartDraftForm
from .models import (
    Action,
    Assumption,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    PulseStatement,
    Resource,
    StakeholderGroup,
)
from .signals import announce_content_changed
from .translation import TRANSLATED_FIELDS, canonical_language, translation_names

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups, _FieldOpts, _FieldsetSpec
    from django.utils.functional import _StrOrPromise


def _edition_of(obj: Model) -> Edition | None:
    """The edition an item belongs to; None for the taxonomies, which every edition shares."""
    if isinstance(obj, Edition):
        return obj
    return getattr(obj, "edition", None)


def translation_fieldsets(model: type[Model]) -> list[tuple[_StrOrPromise, _FieldOpts]]:
    """One collapsed fieldset per language other than English, with the model's texts."""
    return [
        (
            name,
            {
                "fields": [build_localized_fieldname(f, code) for f in TRANSLATED_FIELDS[model]],
                "classes": ["collapse"],
                "description": _("Leave a text empty to show the English text instead."),
            },
        )
        for code, name in settings.LANGUAGES
        if code != canonical_language()
    ]


class RoadmapContentAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Every roadmap admin: translation fields, history, and news of each change.

    Each save (change form or change list) and delete announces
    ``roadmap_content_changed`` after the commit, so that cached public pages of
    the item's edition are refreshed.
    """

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        announce_content_changed(sender=self.model, edition=_edition_of(form.instance))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        announce_content_changed(sender=self.model, edition=_edition_of(obj))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        editions = {_edition_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for edition in editions:
            announce_content_changed(sender=self.model, edition=edition)


def _editable(obj: Model | None) -> bool:
    edition = None if obj is None else _edition_of(obj)
    return edition is None or edition.is_editable


class DraftOnlyMixin(RoadmapContentAdmin):
    """What of an edition's content can change, by the edition's status.

    - draft: everything;
    - published: only the translations (``title_pl``); the English text, the codes,
      the tree and the sources are a record;
    - archived: nothing.
    """

    def _translations_only(self, obj: Model | None) -> bool:
        edition = None if obj is None else _edition_of(obj)
        return edition is not None and edition.status == Edition.Status.PUBLISHED

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed = _editable(obj) or self._translations_only(obj)
        return super().has_change_permission(request, obj) and allowed

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _editable(obj)

    def has_change_history_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Reverting to an old version would rewrite the English text: drafts only.
        return super().has_change_history_permission(request, obj) and _editable(obj)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # django-simple-history saves a revert without asking for the change permission.
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_history_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if _editable(obj):
            return readonly
        # Name the columns, never the translated field itself ("title"): modeltranslation
        # would expand that into every language, translations included.
        translated = set(TRANSLATED_FIELDS.get(self.model, ()))
        editable = set(translation_names(self.model))
        opts = self.model._meta
        names = [f.name for f in (*opts.concrete_fields, *opts.many_to_many) if f.editable]
        return readonly + [
            name
            for name in names
            if name not in translated and name not in editable and name not in readonly
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Model | None = None,
    ) -> HttpResponse:
        if not _editable(obj):
            # A published or archived edition is a record: nothing is added or copied from
            # its pages (a published one keeps "Save", for its translations only).
            context.update(show_save_and_add_another=False, show_save_as_new=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> _FieldsetSpec:
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._translations_only(obj):
            title, options = fieldsets[0]
            notice = _(
                "This edition is published: its English text is a record and can no longer "
                "change. Its translations can still be corrected."
            )
            fieldsets[0] = (title, {**options, "description": notice})
        return fieldsets


class DraftParentInlineMixin(admin.TabularInline[Any, Any]):
    """Inlines are editable only under an object of a draft edition."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_add_permission(request, obj) and _editable(obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and _editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _editable(obj)


# --- Taxonomies -------------------------------------------------------------------------


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(RoadmapContentAdmin):
    list_display = ["name", "slug", "short_name", "order"]
    list_editable = ["order"]
    search_fields = ["name_en", "slug"]
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "short_name_en", "description_en", "order"]}),
        *translation_fieldsets(StakeholderGroup),
    ]


@admin.register(Dimension)
class DimensionAdmin(RoadmapContentAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "purpose_en", "order"]}),
        *translation_fieldsets(Dimension),
    ]


@admin.register(BarrierCategory)
class BarrierCategoryAdmin(RoadmapContentAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "description_en", "order"]}),
        *translation_fieldsets(BarrierCategory),
    ]


@admin.register(Resource)
class ResourceAdmin(RoadmapContentAdmin):
    list_display = ["title", "kind", "publisher", "phase", "order"]
    list_filter = ["kind", "phase"]
    list_editable = ["order"]
    search_fields = ["title_en", "description_en", "slug"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "title_en",
                    "kind",
                    "publisher",
                    "description_en",
                    "phase",
                    "url",
                    "order",
                ]
            },
        ),
        *translation_fieldsets(Resource),
    ]


# --- Editions ------------------------------------------------------------------------------


class EndGoalInline(DraftParentInlineMixin):
    model = EndGoal
    fields = ["order", "code", "title_en", "provenance"]
    extra = 0
    show_change_link = True


class PulseStatementInline(DraftParentInlineMixin):
    """The edition's attitude pulse: its statements with their translations and source."""

    model = PulseStatement
    fields = ["order", "code", "text_en", *translation_names(PulseStatement)]
    fields += ["provenance", "source_passage"]
    extra = 0


@admin.register(Edition)
class EditionAdmin(DraftOnlyMixin):
    list_display = ["version_label", "title", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title_en", "version_label"]
    readonly_fields = ["status", "published_at", "based_on", "created_at", "updated_at"]
    inlines = [EndGoalInline, PulseStatementInline]
    change_form_template = "admin/roadmap/edition/change_form.html"
    fieldsets = [
        (None, {"fields": ["title_en", "version_label", "status", "published_at", "based_on"]}),
        (_("Vision"), {"fields": ["vision_en", "vision_provenance", "vision_source"]}),
        (_("Mission"), {"fields": ["mission_en", "mission_provenance", "mission_source"]}),
        (_("Source and licence"), {"fields": ["citation", "doi", "licence", "licence_url"]}),
        (_("Changes"), {"fields": ["changelog_en", "created_at", "updated_at"]}),
        *translation_fieldsets(Edition),
    ]

    def get_urls(self) -> list[URLPattern]:
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
        initial = {"title": source.title_en}
        form = StartDraftForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.edition_start_draft(
                    source=source, by=signed_in_user(request), **form.cleaned_data
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
        """Publish a draft, after showing what it changes for each action of the current
        edition: its wording side by side, word by word, and the adoptions that move.

        "Preview" shows the changes with the mapping typed in the form; "Publish" publishes.
        """
        edition = get_object_or_404(Edition, pk=pk)
        if not (edition.is_editable and self.has_change_permission(request, edition)):
            self.message_user(request, _("Only a draft can be published."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:roadmap_edition_change", args=[pk]))
        current = Edition.objects.current()
        problems = services.edition_validate_for_publishing(edition=edition)
        form = PublishForm(request.POST if request.method == "POST" else None)
        mapping: services.ActionMapping = {}
        if form.is_bound and form.is_valid():
            mapping = form.cleaned_data["mapping"]
            for problem in services.edition_validate_mapping(
                edition=edition, previous=current, mapping=mapping
            ):
                form.add_error("mapping", problem)
        if form.is_bound and "_preview" not in request.POST and not problems and form.is_valid():
            try:
                services.edition_publish(
                    edition=edition, by=signed_in_user(request), mapping=mapping
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
            "previewing": form.is_bound and "_preview" in request.POST,
            "changes": edition_changes(
                edition=edition, previous=current, mapping=mapping if form.is_valid() else None
            ),
        }
        return TemplateResponse(request, "admin/roadmap/edition/publish.html", context)


# --- The goal tree -------------------------------------------------------------------------


class IntermediateGoalInline(DraftParentInlineMixin):
    model = IntermediateGoal
    fields = ["order", "code", "title_en", "provenance"]
    extra = 0
    show_change_link = True


class ActionInline(DraftParentInlineMixin):
    model = Action
    fields = ["order", "code", "title_en", "dimension", "provenance"]
    extra = 0
    show_change_link = True


class AssumptionInline(DraftParentInlineMixin):
    """A goal's assumptions, edited on its page (under an end goal or an intermediate goal)."""

    model = Assumption
    fields = ["order", "code", "text_en", "provenance", "source_passage"]
    extra = 0
    show_change_link = True


class EndGoalAssumptionInline(AssumptionInline):
    fk_name = "end_goal"


class IntermediateGoalAssumptionInline(AssumptionInline):
    fk_name = "intermediate_goal"


def goal_fieldsets(model: type[Model], *, parent: str) -> _FieldsetSpec:
    """An end goal's or intermediate goal's form: its parent, its English text, its source."""
    fields: _FieldGroups = [
        parent,
        "code",
        "title_en",
        "description_en",
        "order",
        "provenance",
        "source_passage",
    ]
    return [(None, {"fields": fields}), *translation_fieldsets(model)]


class TreeItemAdmin(DraftOnlyMixin):
    """End goals, intermediate goals and actions share their list and search setup."""

    search_fields = ["code", "title_en", "description_en"]
    list_filter = ["edition", "provenance"]
    list_select_related = ["edition"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("edition")

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm[Any], formset: Any, change: bool
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
    inlines = [EndGoalAssumptionInline, IntermediateGoalInline]
    fieldsets = goal_fieldsets(EndGoal, parent="edition")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "edition":
            kwargs["queryset"] = Edition.objects.filter(status=Edition.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IntermediateGoal)
class IntermediateGoalAdmin(TreeItemAdmin):
    list_display = ["code", "title", "end_goal", "edition", "order", "provenance"]
    list_select_related = ["edition", "end_goal"]
    inlines = [IntermediateGoalAssumptionInline, ActionInline]
    fieldsets = goal_fieldsets(IntermediateGoal, parent="end_goal")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
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
    form = ActionAdminForm
    filter_horizontal = ["stakeholder_groups", "resources", "contributes_to", "addresses_barriers"]
    readonly_fields = ["derived_from"]
    fieldsets = [
        (None, {"fields": ["intermediate_goal", "code", "title_en", "description_en", "order"]}),
        (
            _("Who and how"),
            {"fields": ["stakeholder_groups", "targets_basis", "other_actors_en", "dimension"]},
        ),
        (_("Resources"), {"fields": ["resources"]}),
        (
            _("Contributes to"),
            {
                "fields": ["contributes_to"],
                "description": _(
                    "Goals of other branches this action also helps reach: the map draws "
                    "them as dashed arrows."
                ),
            },
        ),
        (
            _("Addresses barriers"),
            {
                "fields": ["addresses_barriers"],
                "description": _(
                    "The barrier categories this action helps overcome: the country and region "
                    "pages name it where these barriers are most reported."
                ),
            },
        ),
        (_("Source"), {"fields": ["provenance", "source_passage", "derived_from"]}),
        *translation_fieldsets(Action),
    ]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "intermediate_goal":
            kwargs["queryset"] = IntermediateGoal.objects.filter(
                edition__status=Edition.Status.DRAFT
            ).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Assumption)
class AssumptionAdmin(DraftOnlyMixin):
    """The assumptions of the theory of change, each under one end goal or intermediate goal."""

    list_display = ["code", "text", "edition", "provenance", "order"]
    list_filter = ["edition", "provenance"]
    list_select_related = ["edition"]
    search_fields = ["code", "text_en"]
    fieldsets = [
        (
            None,
            {
                "fields": ["end_goal", "intermediate_goal", "code", "text_en", "order"],
                "description": _("Choose one goal: an end goal or an intermediate goal."),
            },
        ),
        (_("Source"), {"fields": ["provenance", "source_passage"]}),
        *translation_fieldsets(Assumption),
    ]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        drafts = {"edition__status": Edition.Status.DRAFT}
        if db_field.name == "end_goal":
            kwargs["queryset"] = EndGoal.objects.filter(**drafts).select_related("edition")
        elif db_field.name == "intermediate_goal":
            kwargs["queryset"] = IntermediateGoal.objects.filter(**drafts).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
