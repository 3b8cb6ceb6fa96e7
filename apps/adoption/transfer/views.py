"""Export and import pages. Exports: every member; imports: PE leads and admins.

Exports are rendered in the request: an organisation's adoptions and entries
make a file of a few megabytes at most, and the exporter reads the database in
chunks. The import is all or nothing: the page lists every row error and
answers 400 when anything is wrong.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from apps.adoption.models import AdoptionStatus
from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm
from apps.roadmap.models import BarrierCategory

from .assessment_export import AssessmentExporter
from .exporters import (
    ADOPTION_COLUMNS,
    BARRIER_COLUMNS,
    ENTRY_COLUMNS,
    AdoptionExporter,
    metric_catalogue,
)
from .forms import ImportForm
from .importers import ImportResult, import_adoptions

ERRORS_SHOWN = 500


class AdoptionExportView(OrganisationPermissionMixin, View):
    """The organisation's adoptions and progress as a CSV or XLSX download."""

    exporter: type[AdoptionExporter | AssessmentExporter] = AdoptionExporter
    permission = AdoptionExporter.permission
    file_format = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rendered = self.exporter(organisation=self.organisation).render(self.file_format)
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = content_disposition_header(True, rendered.filename)
        patch_cache_control(response, private=True, no_store=True)
        return response


class AssessmentExportView(AdoptionExportView):
    """The organisation's maturity assessments, ratings and reflections as a download."""

    exporter = AssessmentExporter
    permission = AssessmentExporter.permission


class AdoptionImportView(OrganisationPermissionMixin, FormView):
    """Upload a file laid out as the export; all rows are stored, or none."""

    permission = Perm.ADOPTION_MANAGE
    form_class = ImportForm
    template_name = "adoption/transfer/import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            adoption_columns=ADOPTION_COLUMNS,
            entry_columns=ENTRY_COLUMNS,
            barrier_columns=BARRIER_COLUMNS,
            statuses=AdoptionStatus.choices,
            metric_slugs=[slug for _pk, slug in metric_catalogue()],
            barrier_categories=BarrierCategory.objects.values_list("slug", "name"),
        )
        return context

    def form_invalid(self, form: ImportForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: ImportForm) -> HttpResponse:
        result = import_adoptions(
            organisation=self.organisation,
            by=self.user,
            fileobj=form.cleaned_data["file"],
            format=form.cleaned_data["format"],
        )
        if not result.ok:
            return self._refused(form, result)
        counts = {"adoptions": result.adoptions, "entries": result.entries}
        counts["barriers"] = result.barriers
        message = _(
            "Imported %(adoptions)s adoptions, %(entries)s progress entries and "
            "%(barriers)s barriers."
        )
        messages.success(self.request, message % counts)
        return redirect(reverse("adoption:list", args=[self.organisation.slug]))

    def _refused(self, form: ImportForm, result: ImportResult) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            import_errors=result.errors[:ERRORS_SHOWN],
            error_count=len(result.errors),
            errors_hidden=max(len(result.errors) - ERRORS_SHOWN, 0),
        )
        return self.render_to_response(context, status=400)
