"""Export pages under ``/o/<slug>/benchmark/exports/``.

Starting an export needs ``benchmark:export``; following and downloading one needs
``benchmark:view`` in the organisation that owns the job (a job id of another
organisation is 404). Every page works without JavaScript: the job page has a
Refresh link, and ``static/js/export-progress.js`` only polls ``status.json`` to
move the progress bar and reveal the download link.

The organisation's benchmark page shows the export panel with
``{% include "benchmarking/exports/_panel.html" %}`` and the context of
:func:`export_panel_context`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from apps.accounts.models import User
from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.models import Organisation
from apps.organisations.permissions import Perm, has_org_permission

from ..models import BenchmarkSnapshot, ExportJob
from . import services
from .forms import ExportForm
from .selectors import (
    EXPIRED,
    EXPIRED_MESSAGE,
    export_jobs_for,
    export_jobs_of,
    export_message,
    export_state,
    export_waits_for_queue,
)

GONE_TEMPLATE = "benchmarking/exports/gone.html"


class JobUrls(TypedDict):
    detail_url: str
    status_url: str
    download_url: str | None


def job_urls(job: ExportJob) -> JobUrls:
    """The job's page, JSON status and (when ready) download addresses."""
    assert job.organisation is not None, "an organisation's job: its pages are the org's"
    args = [job.organisation.slug, job.pk]
    ready = export_state(job) == ExportJob.Status.DONE
    return {
        "detail_url": reverse("benchmark-exports:detail", args=args),
        "status_url": reverse("benchmark-exports:status", args=args),
        "download_url": reverse("benchmark-exports:download", args=args) if ready else None,
    }


def job_view(job: ExportJob) -> dict[str, Any]:
    """What the pages show of a job."""
    state = export_state(job)
    return {
        "job": job,
        "state": state,
        "message": export_message(job),
        "waits_for_queue": export_waits_for_queue(job),
        "finished": state not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
        **job_urls(job),
    }


def export_panel_context(
    *,
    user: User,
    organisation: Organisation,
    form: ExportForm | None = None,
    period: str | None = None,
    snapshots: Iterable[BenchmarkSnapshot] | None = None,
) -> dict[str, Any]:
    """Context for ``benchmarking/exports/_panel.html``: the form (for those who may
    export, when a benchmark exists; ``period`` chosen first; ``snapshots``, newest first,
    when the page has read them already) and the user's recent exports of the
    organisation."""
    may_export = has_org_permission(user, organisation, Perm.BENCHMARK_EXPORT)
    if form is None and may_export:
        form = ExportForm(initial={"period": period} if period else None, snapshots=snapshots)
    return {
        "export_form": form if form is not None and form.snapshots else None,
        "export_jobs": [
            job_view(job) for job in export_jobs_for(user=user, organisation=organisation)
        ]
        if may_export
        else [],
        "may_export": may_export,
    }


def _private[R: HttpResponseBase](response: R) -> R:
    patch_cache_control(response, private=True, no_store=True)
    return response


class ExportCreateView(OrganisationPermissionMixin, FormView):
    """GET: the export form and the user's recent exports. POST: start an export."""

    permission = Perm.BENCHMARK_EXPORT
    form_class = ExportForm
    template_name = "benchmarking/exports/create.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            export_panel_context(
                user=self.user, organisation=self.organisation, form=context["form"]
            )
        )
        return context

    def get_initial(self) -> dict[str, Any]:
        # ?period=2026-Q2 (from a benchmark page) chooses the period; unknown ones are ignored.
        period = self.request.GET.get("period", "")
        return {"period": period} if period else {}

    def form_invalid(self, form: ExportForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: ExportForm) -> HttpResponse:
        job = services.export_request(
            requested_by=self.user,
            organisation=self.organisation,
            snapshot=form.snapshot,
            format=form.cleaned_data["format"],
        )
        # No message of its own: the job's page says where the export is, from the job row
        # (``job_view``), so it cannot contradict itself once the export has moved on.
        return redirect(job_urls(job)["detail_url"])


class ExportJobMixin(OrganisationPermissionMixin):
    """The job in the URL, which must belong to the organisation in the URL (else 404)."""

    permission = Perm.BENCHMARK_VIEW
    http_method_names = ["get", "head", "options"]

    def get_job(self) -> ExportJob:
        return get_object_or_404(export_jobs_of(self.organisation), pk=self.kwargs["pk"])


class ExportDetailView(ExportJobMixin, TemplateView):
    template_name = "benchmarking/exports/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(job_view(self.get_job()))
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return _private(super().render_to_response(context, **kwargs))


class ExportStatusView(ExportJobMixin, View):
    """The job's status as JSON, for the progress bar: status, progress, download_url, error."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self.get_job()
        view = job_view(job)
        failed = view["state"] in (ExportJob.Status.FAILED, EXPIRED)
        return _private(
            JsonResponse(
                {
                    "status": view["state"],
                    "progress": job.progress,
                    "download_url": view["download_url"],
                    "error": view["message"] if failed else None,
                    "message": view["message"],
                }
            )
        )


class ExportDownloadView(ExportJobMixin, View):
    """The file, as an attachment; 410 once it has expired or if the export failed."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        job = self.get_job()
        state = export_state(job)
        if state in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
            return redirect(job_urls(job)["detail_url"])
        context = {
            "organisation": self.organisation,
            "membership": self.membership,
            **job_view(job),
        }
        if state == ExportJob.Status.DONE:
            try:
                handle = job.file.open("rb")
            except FileNotFoundError:  # deleted by the clean-up: as good as expired
                context.update(state=EXPIRED, message=_(EXPIRED_MESSAGE), download_url=None)
            else:
                response = FileResponse(handle, as_attachment=True, filename=job.file_name)
                return _private(response)
        return _private(TemplateResponse(request, GONE_TEMPLATE, context, status=410))
