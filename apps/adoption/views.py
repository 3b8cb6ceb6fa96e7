"""An organisation's adoption pages: list, catalogue, adopt, edit, progress log and evidence
files (maturity assessments: ``assessment_views``; joint commitments: ``partnerships.views``).

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
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View
from django_filters.views import FilterView

from apps.benchmarking.uptake import action_uptake
from apps.core.downloads import file_download
from apps.core.pagination import Paginator
from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm
from apps.roadmap.filters import ActionFilter
from apps.roadmap.models import Action, BarrierCategory

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
from .mixins import InvalidIs400, OrganisationAdoptionsMixin
from .models import (
    Adoption,
    Evidence,
    Metric,
    ProgressEntry,
)
from .partnerships.forms import PartnershipRequestForm
from .partnerships.services import entry_confirm, partnership_request
from .partnerships.views import partners_context
from .querysets import AdoptionQuerySet
from .selectors import evidence_usage
from .services import (
    adoption_bulk_create,
    adoption_create,
    adoption_update,
    progress_entry_correct,
    progress_entry_create,
)

# The services' error keys for an entry → the progress form's fields (None: the whole form).
ENTRY_ERROR_FIELDS = {"metric_values": None}


# --- The list and the catalogue ------------------------------------------------------------


def _with_flags(adoptions: AdoptionQuerySet) -> AdoptionQuerySet:
    """Annotate ``is_dormant`` and ``is_overdue`` in the listing query itself."""
    today = timezone.localdate()
    return adoptions.annotate(
        is_dormant=Exists(Adoption.objects.dormant().filter(pk=OuterRef("pk"))),
        is_overdue=Exists(Adoption.objects.overdue(today).filter(pk=OuterRef("pk"))),
    )


class AdoptionListView(OrganisationAdoptionsMixin, FilterView):
    """The organisation's adoptions, filtered; a fixed number of queries per page."""

    permission = Perm.ADOPTION_VIEW
    filterset_class = AdoptionFilter
    template_name = "adoption/list.html"
    context_object_name = "adoptions"
    paginate_by = 50
    paginator_class = Paginator
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


class CatalogueView(OrganisationAdoptionsMixin, FilterView):
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


class AdoptionCreateView(InvalidIs400, OrganisationAdoptionsMixin, FormView):
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
                **form.adoption_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("You adopted %(code)s.") % {"code": adoption.action.code})
        return redirect(adoption)


class AdoptionEditView(InvalidIs400, OrganisationAdoptionsMixin, FormView):
    """Change an adoption. One whose action left the roadmap is read-only: no form."""

    permission = Perm.ADOPTION_WRITE
    form_class = AdoptionFieldsForm
    template_name = "adoption/edit.html"

    @cached_property
    def adoption(self) -> Adoption:
        return self.get_adoption()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisation"] = self.organisation
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        adoption = self.adoption
        initial = {name: getattr(adoption, name) for name in AdoptionFieldsForm.base_fields}
        initial["owner"] = adoption.owner_id
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
        for evidence in entry.evidence_list:
            evidence.kind_label = ALLOWED_TYPES.get(evidence.content_type, "").upper()


def entries_with_history(adoption: Adoption) -> list[ProgressEntry]:
    """The adoption's current entries, newest first, each with ``older_versions``: the
    versions it corrects, newest first, its writer and its partners' confirmations. A fixed
    number of queries, however many entries."""
    rows = adoption.entries.with_details()
    entries = list(rows.current().with_confirmations())
    older = {e.pk: e for e in rows.filter(is_current=False)}
    _label_evidence([*entries, *older.values()])
    for entry in entries:
        entry.older_versions = []
        pk = entry.supersedes_id
        while pk in older:
            entry.older_versions.append(older[pk])
            pk = older[pk].supersedes_id
    return entries


class AdoptionDetailView(OrganisationAdoptionsMixin, TemplateView):
    """An adoption and its log; to an accepted partner, the joint adoption it acts on. The
    "Partners" section (``partnerships.views.partners_context``) asks, answers and withdraws."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/detail.html"
    joint = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        adoption = self.get_adoption(
            _with_flags(self.adoptions().for_listing().select_related("organisation"))
        )
        context["adoption"] = adoption
        context["entries"] = entries_with_history(adoption)
        context |= partners_context(self, adoption, context["entries"])
        context["errors"] = getattr(self, "errors", [])
        return context

    def refused(self, errors: list[str]) -> HttpResponse:
        """The page again, with the service's refusal and what was typed: 400."""
        self.errors = errors
        response = self.render_to_response(self.get_context_data())
        response.status_code = 400
        return response


class PartnershipRequestView(AdoptionDetailView):
    """Ask a verified organisation to act on one of the organisation's own adoptions
    together (the adoption page's invite form)."""

    permission = Perm.ADOPTION_MANAGE
    http_method_names = ["post"]
    joint = False  # a partner does not invite others

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        adoption = self.get_adoption()
        form = PartnershipRequestForm(request.POST, organisation=self.organisation)
        if form.is_valid():
            try:
                partnership = partnership_request(
                    adoption=adoption,
                    by=self.user,
                    partner=form.cleaned_data["partner"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                add_service_errors(form, error, {"organisation": "partner", "adoption": None})
            else:
                messages.success(
                    request,
                    _("%(partner)s is asked to act on %(code)s with you. You will hear by email.")
                    % {"partner": partnership.partner.name, "code": adoption.action.code},
                )
                return redirect(f"{adoption.get_absolute_url()}#partners-heading")
        self.invite_form = form
        return self.refused([])


class EntryConfirmView(AdoptionDetailView):
    """A side of a joint adoption that did not write an entry confirms it."""

    permission = Perm.ADOPTION_MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        adoption = self.get_adoption()
        entry = get_object_or_404(adoption.entries.all(), pk=kwargs["entry_pk"])
        try:
            entry_confirm(entry=entry, organisation=self.organisation, by=self.user)
        except ValidationError as error:
            return self.refused(list(error.messages))
        messages.success(
            request,
            _("You confirmed the entry of %(date)s.") % {"date": date_format(entry.entry_date)},
        )
        return redirect("adoption:detail", slug=self.organisation.slug, pk=adoption.pk)


class ProgressEntryCreateView(InvalidIs400, OrganisationAdoptionsMixin, FormView):
    """Log progress: narrative, status, percent, evidence, metrics and barriers.

    On any error nothing is stored and the form comes back with what was typed; only
    the file selection is lost (browsers cannot refill it), which the form says.
    """

    permission = Perm.ADOPTION_WRITE
    form_class = ProgressEntryForm
    template_name = "adoption/progress_form.html"
    joint = True

    @cached_property
    def adoption(self) -> Adoption:
        return self.get_adoption(self.adoptions().for_listing().select_related("organisation"))

    @property
    def is_partner(self) -> bool:
        return self.adoption.organisation_id != self.organisation.pk

    def blocked_message(self) -> str:
        if self.adoption.is_read_only:
            return _("This action was removed from the roadmap: the adoption is kept read-only.")
        return ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["metrics"] = Metric.objects.filter(is_active=True)
        kwargs["barriers"] = BarrierCategory.objects.all()
        kwargs["assumptions"] = assumption_groups(self.adoption.action)
        kwargs["partner"] = self.is_partner
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["adoption"] = self.adoption
        context["blocked_message"] = self.blocked_message()
        context["is_partner"] = self.is_partner
        return context

    def save_entry(self, form: ProgressEntryForm) -> ProgressEntry:
        return progress_entry_create(
            adoption=self.adoption,
            by=self.user,
            data=form.entry_input(),
            organisation=self.organisation,
        )

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
    """Correct an entry: a new version, prefilled from the entry (files cannot be). Only
    the organisation that wrote an entry corrects it: another's entry is a 404 here."""

    template_name = "adoption/progress_form.html"

    @cached_property
    def entry(self) -> ProgressEntry:
        entries = ProgressEntry.objects.filter(
            adoption=self.adoption, organisation=self.organisation
        ).with_details()
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
        context["entry_files"] = self.entry.file_evidence
        return context

    def save_entry(self, form: ProgressEntryForm) -> ProgressEntry:
        return progress_entry_correct(
            entry=self.entry, by=self.user, data=form.entry_input(), organisation=self.organisation
        )


class EvidenceDownloadView(OrganisationPermissionMixin, View):
    """An uploaded evidence file, as a download, to members of an organisation that sees its
    adoption: its own, or an accepted partner's (a withdrawn partner no longer does)."""

    permission = Perm.ADOPTION_VIEW

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        visible = Adoption.objects.visible_to(self.organisation)
        files = Evidence.objects.filter(entry__adoption__in=visible).exclude(file="")
        evidence = get_object_or_404(files, pk=kwargs["pk"])
        return file_download(
            evidence.file,
            filename=evidence.original_name or "evidence",
            content_type=evidence.content_type,
        )
