"""An organisation's adoption pages: list, catalogue, adopt, edit, progress log, evidence
files and maturity assessments.

Views parse input, authorise (``OrganisationPermissionMixin``: outsiders 404, members
without the permission 403), call a service and render. Every queryset starts from the
organisation in the URL, so another organisation's adoption, entry or file is a 404.
Services raise ValidationError with messages for people; ``add_service_errors`` puts
them on the form field they concern.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View
from django.views.generic.edit import FormMixin
from django_filters.views import FilterView

from apps.benchmarking.uptake import action_uptake
from apps.core.downloads import file_download
from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm
from apps.organisations.services import checkpoint_schedule_update
from apps.roadmap.filters import ActionFilter
from apps.roadmap.models import Action, BarrierCategory, Dimension, EndGoal

from .assessment_forms import AssessmentForm, CheckpointScheduleForm
from .evidence import ALLOWED_TYPES
from .filters import AdoptionFilter
from .forms import (
    FILES_LOST,
    AdoptionCreateForm,
    AdoptionFieldsForm,
    AdoptSelectedForm,
    ProgressEntryForm,
    add_service_errors,
    assumption_groups,
    entry_initial,
)
from .models import (
    Adoption,
    Evidence,
    GoalReflection,
    MaturityLevel,
    MaturityRating,
    Metric,
    ProgressEntry,
)
from .next_steps import organisation_checkpoint
from .querysets import AdoptionQuerySet
from .selectors import evidence_usage
from .services import (
    adoption_bulk_create,
    adoption_create,
    adoption_update,
    assessment_create,
    progress_entry_correct,
    progress_entry_create,
)

# The services' error keys for an entry → the progress form's fields (None: the whole form).
ENTRY_ERROR_FIELDS = {"metric_values": None}


class _OrganisationAdoptionsMixin(OrganisationPermissionMixin):
    """Reads scoped to the organisation in the URL."""

    def adoptions(self) -> AdoptionQuerySet:
        return Adoption.objects.for_organisation(self.organisation)

    def get_adoption(self, queryset: QuerySet[Adoption] | None = None) -> Adoption:
        queryset = queryset if queryset is not None else self.adoptions().for_listing()
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.can(Perm.ADOPTION_WRITE)
        context["can_import"] = self.can(Perm.ADOPTION_MANAGE)
        return context


class _InvalidIs400(FormMixin):
    """Forms that fail validation answer 400, so that clients and tests can tell."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# --- The list and the catalogue ------------------------------------------------------------


def _with_flags(adoptions: AdoptionQuerySet) -> AdoptionQuerySet:
    """Annotate ``is_dormant`` and ``is_overdue`` in the listing query itself."""
    today = timezone.localdate()
    return adoptions.annotate(
        is_dormant=Exists(Adoption.objects.dormant().filter(pk=OuterRef("pk"))),
        is_overdue=Exists(Adoption.objects.overdue(today).filter(pk=OuterRef("pk"))),
    )


class AdoptionListView(_OrganisationAdoptionsMixin, FilterView):
    """The organisation's adoptions, filtered; a fixed number of queries per page."""

    permission = Perm.ADOPTION_VIEW
    filterset_class = AdoptionFilter
    template_name = "adoption/list.html"
    context_object_name = "adoptions"
    paginate_by = 50
    strict = True

    def get_queryset(self) -> QuerySet[Adoption]:
        return _with_flags(self.adoptions().for_listing())

    def get_filterset_kwargs(self, filterset_class: type) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["organisation"] = self.organisation
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fields = AdoptionFilter.Meta.fields
        context["filter_is_active"] = any(self.request.GET.get(f) for f in fields)
        context["filter_has_errors"] = self.filterset.is_bound and not self.filterset.is_valid()
        # The evidence storage is the organisation's to manage: shown to those who edit it.
        if self.can(Perm.ORG_EDIT):
            context["evidence_usage"] = evidence_usage(organisation=self.organisation)
        return context


class CatalogueView(_OrganisationAdoptionsMixin, FilterView):
    """The published actions, those for the organisation's stakeholder group first.

    GET needs ADOPTION_VIEW; POST ("Adopt selected", with an owner and a target date for
    every adoption of the batch) needs ADOPTION_WRITE. Each action shows its peer uptake
    from the latest published benchmark (``apps.benchmarking.uptake``).
    """

    permission = Perm.ADOPTION_VIEW
    filterset_class = ActionFilter
    template_name = "adoption/catalogue.html"
    context_object_name = "actions"
    strict = True
    adopt_form: AdoptSelectedForm | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            self.permission = Perm.ADOPTION_WRITE
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Action]:
        return (
            Action.objects.published()
            .for_listing()
            .with_recommendation(self.organisation.stakeholder_group_id)
            .order_by(
                F("recommended").desc(),
                F("for_every_group").desc(),
                "intermediate_goal__end_goal__order",
                "intermediate_goal__order",
                "order",
                "code",
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        adopted = set(self.adoptions().values_list("action_id", flat=True))
        actions = list(context["actions"])
        # Peer uptake, everyone, from the latest published benchmark: one query.
        uptake = action_uptake()
        for action in actions:
            action.is_adopted = action.pk in adopted
            action.uptake = uptake.get(action.code)
        context["recommended"] = [a for a in actions if a.recommended]
        context["for_every_group"] = [a for a in actions if a.for_every_group]
        context["others"] = [a for a in actions if not (a.recommended or a.for_every_group)]
        context["adoptable"] = any(not a.is_adopted for a in actions)
        context["uptake_period"] = next(iter(uptake.values())).period if uptake else ""
        if context["can_write"]:
            context["adopt_form"] = self.adopt_form or AdoptSelectedForm(
                organisation=self.organisation, initial={"owner": self.user.pk}
            )
        context["selected"] = self.request.POST.getlist("actions")
        context["filter_is_active"] = any(self.request.GET.get(f) for f in ActionFilter.Meta.fields)
        context["filter_has_errors"] = self.filterset.is_bound and not self.filterset.is_valid()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AdoptSelectedForm(request.POST, organisation=self.organisation)
        if form.is_valid():
            actions = list(form.cleaned_data["actions"])
            try:
                created = adoption_bulk_create(
                    organisation=self.organisation,
                    actions=actions,
                    by=self.user,
                    owner=form.cleaned_data["owner"],
                    target_date=form.cleaned_data["target_date"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _bulk_message(len(created), len(actions) - len(created)))
                return redirect("adoption:list", slug=self.organisation.slug)
        self.adopt_form = form
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response


def _bulk_message(adopted: int, skipped: int) -> str:
    text = ngettext("%(count)d action adopted.", "%(count)d actions adopted.", adopted) % {
        "count": adopted
    }
    if skipped:
        text += " " + ngettext(
            "%(count)d was already adopted and left as it was.",
            "%(count)d were already adopted and left as they were.",
            skipped,
        ) % {"count": skipped}
    return text


# --- Adopting and editing ---------------------------------------------------------------------


class AdoptionCreateView(_InvalidIs400, _OrganisationAdoptionsMixin, FormView):
    """Adopt one action; ``?action=A1.2.3`` prefills the code (from the action's page)."""

    permission = Perm.ADOPTION_WRITE
    form_class = AdoptionCreateForm
    template_name = "adoption/create.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisation"] = self.organisation
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"action": self.requested_code, "owner": self.request.user.pk}

    @cached_property
    def requested_code(self) -> str:
        code = self.request.GET.get("action", "").strip().upper()[:16]
        # No code holds a NUL, and PostgreSQL refuses one in a query.
        return "" if "\x00" in code else code

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        code = self.requested_code
        if code and self.request.method == "GET":
            context["requested_code"] = code
            context["requested_action"] = Action.objects.published().filter(code=code).first()
            context["existing"] = (
                self.adoptions().filter(action=context["requested_action"]).first()
                if context["requested_action"]
                else None
            )
        return context

    def form_valid(self, form: AdoptionCreateForm) -> HttpResponse:
        try:
            adoption = adoption_create(
                organisation=self.organisation,
                action=form.cleaned_data["action"],
                by=self.user,
                partners=form.cleaned_data["partners"],
                **form.adoption_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("You adopted %(code)s.") % {"code": adoption.action.code})
        return redirect(adoption)


class AdoptionEditView(_InvalidIs400, _OrganisationAdoptionsMixin, FormView):
    """Change an adoption. One whose action left the roadmap is read-only: no form."""

    permission = Perm.ADOPTION_WRITE
    form_class = AdoptionFieldsForm
    template_name = "adoption/edit.html"

    @cached_property
    def adoption(self) -> Adoption:
        return self.get_adoption(self.adoptions().for_listing().prefetch_related("partners"))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisation"] = self.organisation
        kwargs["keep_partners"] = [p.pk for p in self.adoption.partners.all()]
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        adoption = self.adoption
        initial = {name: getattr(adoption, name) for name in AdoptionFieldsForm.base_fields}
        initial["owner"] = adoption.owner_id
        initial["partners"] = [p.pk for p in adoption.partners.all()]
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["adoption"] = self.adoption
        return context

    def form_valid(self, form: AdoptionFieldsForm) -> HttpResponse:
        try:
            # A copy: the service writes the input onto the object while it validates.
            adoption_update(
                adoption=copy.copy(self.adoption),
                by=self.user,
                partners=form.cleaned_data["partners"],
                **form.adoption_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The adoption is saved."))
        return redirect(self.adoption)


# --- The adoption and its progress log ---------------------------------------------------


def _label_evidence(entries: list[ProgressEntry]) -> None:
    for entry in entries:
        for evidence in entry.evidence.all():
            evidence.kind_label = ALLOWED_TYPES.get(evidence.content_type, "").upper()


def entries_with_history(adoption: Adoption) -> list[ProgressEntry]:
    """The adoption's current entries, newest first, each with ``older_versions``: the
    versions it corrects, newest first. A fixed number of queries, however many entries."""
    entries = list(adoption.entries.current().with_details())
    older = {e.pk: e for e in adoption.entries.filter(is_current=False).with_details()}
    _label_evidence([*entries, *older.values()])
    for entry in entries:
        entry.older_versions = []
        pk = entry.supersedes_id
        while pk in older:
            entry.older_versions.append(older[pk])
            pk = older[pk].supersedes_id
    return entries


class AdoptionDetailView(_OrganisationAdoptionsMixin, TemplateView):
    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        adoption = self.get_adoption(
            _with_flags(self.adoptions().for_listing().prefetch_related("partners"))
        )
        context["adoption"] = adoption
        context["entries"] = entries_with_history(adoption)
        return context


class ProgressEntryCreateView(_InvalidIs400, _OrganisationAdoptionsMixin, FormView):
    """Log progress: narrative, status, percent, evidence, metrics and barriers.

    On any error nothing is stored and the form comes back with what was typed; only
    the file selection is lost (browsers cannot refill it), which the form says.
    """

    permission = Perm.ADOPTION_WRITE
    form_class = ProgressEntryForm
    template_name = "adoption/progress_form.html"

    @cached_property
    def adoption(self) -> Adoption:
        return self.get_adoption()

    def blocked_message(self) -> str:
        if self.adoption.is_read_only:
            return _("This action was removed from the roadmap: the adoption is kept read-only.")
        return ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["metrics"] = Metric.objects.filter(is_active=True)
        kwargs["barriers"] = BarrierCategory.objects.all()
        kwargs["assumptions"] = assumption_groups(self.adoption.action)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["adoption"] = self.adoption
        context["blocked_message"] = self.blocked_message()
        return context

    def save_entry(self, form: ProgressEntryForm) -> ProgressEntry:
        return progress_entry_create(adoption=self.adoption, by=self.user, data=form.entry_input())

    def form_valid(self, form: ProgressEntryForm) -> HttpResponse:
        try:
            self.save_entry(form)
        except ValidationError as error:
            add_service_errors(form, error, ENTRY_ERROR_FIELDS)
            return self.form_invalid(form)
        messages.success(self.request, _("Your progress entry is recorded."))
        return redirect(self.adoption)

    def form_invalid(self, form: ProgressEntryForm) -> HttpResponse:
        if self.request.FILES.getlist("files"):
            form.add_error("files", str(FILES_LOST))
        return super().form_invalid(form)


class ProgressEntryCorrectView(ProgressEntryCreateView):
    """Correct an entry: a new version, prefilled from the entry (files cannot be)."""

    template_name = "adoption/progress_form.html"

    @cached_property
    def entry(self) -> ProgressEntry:
        entries = ProgressEntry.objects.filter(adoption=self.adoption).with_details()
        return get_object_or_404(entries, pk=self.kwargs["entry_pk"])

    def blocked_message(self) -> str:
        if not self.entry.is_current:
            return _("This entry has already been corrected: correct the latest version.")
        return super().blocked_message()

    def get_initial(self) -> dict[str, Any]:
        return entry_initial(self.entry)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entry"] = self.entry
        context["entry_files"] = [e for e in self.entry.evidence.all() if e.file]
        return context

    def save_entry(self, form: ProgressEntryForm) -> ProgressEntry:
        return progress_entry_correct(entry=self.entry, by=self.user, data=form.entry_input())


class EvidenceDownloadView(OrganisationPermissionMixin, View):
    """An uploaded evidence file, to members of its organisation only, as a download."""

    permission = Perm.ADOPTION_VIEW

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        files = Evidence.objects.filter(entry__adoption__organisation=self.organisation).exclude(
            file=""
        )
        evidence = get_object_or_404(files, pk=kwargs["pk"])
        return file_download(
            evidence.file,
            filename=evidence.original_name or "evidence",
            content_type=evidence.content_type,
        )


# --- Maturity assessments ----------------------------------------------------------------------


def level_name(level: int | None) -> str:
    """The level's number and short name ("3 · Defined"); empty when not rated."""
    if level is None:
        return ""
    return str(MaturityLevel(level).label).split(":", 1)[0]


def _comparison_rows(organisation: Any, assessments: list[Any]) -> list[dict[str, Any]]:
    """One row per end goal and dimension, one cell per assessment (newest first)."""
    ratings = MaturityRating.objects.filter(assessment__organisation=organisation).select_related(
        "end_goal", "dimension"
    )
    levels: dict[tuple[str, int], int] = {}
    labels: dict[str, str] = {}
    for rating in ratings:
        if rating.end_goal is not None:
            goal = rating.end_goal
            key, label = f"goal:{goal.code}", f"{goal.code} {goal.title}"
        else:
            dimension = rating.dimension
            assert dimension is not None  # a rating is of a goal or a dimension (constraint)
            key, label = f"dimension:{dimension.slug}", dimension.name
        labels.setdefault(key, label)
        levels[(key, rating.assessment_id)] = rating.level
    rows = {f"goal:{g.code}": f"{g.code} {g.title}" for g in EndGoal.objects.published()}
    rows |= {k: v for k, v in labels.items() if k.startswith("goal:") and k not in rows}
    rows |= {f"dimension:{d.slug}": d.name for d in Dimension.objects.all()}
    return [
        {
            "label": label,
            "cells": [level_name(levels.get((key, a.pk))) for a in assessments],
        }
        for key, label in rows.items()
    ]


class AssessmentListView(_OrganisationAdoptionsMixin, TemplateView):
    """Earlier maturity assessments side by side, newest first, and the levels explained."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/assessments.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reflections = GoalReflection.objects.select_related("end_goal").order_by("end_goal__code")
        assessments = list(
            self.organisation.assessments.select_related("created_by").prefetch_related(
                Prefetch("reflections", queryset=reflections)
            )
        )
        context["assessments"] = assessments
        context["rows"] = _comparison_rows(self.organisation, assessments)
        context["levels"] = MaturityLevel.choices
        context["can_assess"] = self.can(Perm.ASSESSMENT_WRITE)
        context["checkpoint"] = organisation_checkpoint(
            self.organisation, [a.assessed_on for a in assessments], timezone.localdate()
        )
        return context


class AssessmentCreateView(_InvalidIs400, _OrganisationAdoptionsMixin, FormView):
    permission = Perm.ASSESSMENT_WRITE
    form_class = AssessmentForm
    template_name = "adoption/assessment_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["end_goals"] = EndGoal.objects.published()
        kwargs["dimensions"] = Dimension.objects.all()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["levels"] = MaturityLevel.choices
        return context

    def form_valid(self, form: AssessmentForm) -> HttpResponse:
        goal_levels, dimension_levels = form.levels()
        try:
            assessment_create(
                organisation=self.organisation,
                by=self.user,
                assessed_on=form.cleaned_data["assessed_on"],
                goal_levels=goal_levels,
                dimension_levels=dimension_levels,
                notes=form.cleaned_data["notes"],
                reflections=form.reflections(),
            )
        except ValidationError as error:
            add_service_errors(form, error, {"levels": None, "reflections": None})
            return self.form_invalid(form)
        messages.success(self.request, _("The maturity assessment is recorded."))
        return redirect("adoption:assessments", slug=self.organisation.slug)


class CheckpointScheduleView(_InvalidIs400, _OrganisationAdoptionsMixin, FormView):
    """How often the organisation holds a maturity checkpoint: whoever records assessments
    sets it (not only those who edit the organisation's details)."""

    permission = Perm.ASSESSMENT_WRITE
    form_class = CheckpointScheduleForm
    template_name = "adoption/checkpoint_schedule.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "review_every_months": self.organisation.review_every_months,
            "first_review_on": self.organisation.first_review_on,
        }

    def form_valid(self, form: CheckpointScheduleForm) -> HttpResponse:
        try:
            checkpoint_schedule_update(
                organisation=self.organisation,
                by=self.user,
                review_every_months=form.cleaned_data["review_every_months"],
                first_review_on=form.cleaned_data["first_review_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            return self.form_invalid(form)
        messages.success(self.request, _("The checkpoint schedule is saved."))
        return redirect("adoption:assessments", slug=self.organisation.slug)
