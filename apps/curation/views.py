"""The curators' learning report (portal staff only; everyone else gets 404): the table
of actions, an action's page with its proposal form, and the spreadsheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.accounts.models import User
from apps.core.exporters import XLSX
from apps.roadmap.models import Action

from .exporters import CurationExporter
from .forms import ProposalForm, ReportFilterForm
from .models import Flag, Proposal
from .permissions import CuratorRequiredMixin
from .selectors import ActionRow, curation_report
from .services import proposal_create


class ReportView(CuratorRequiredMixin, TemplateView):
    """``/curation/``: every action of the published edition, filtered by flag or end goal."""

    template_name = "curation/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = curation_report()
        form = ReportFilterForm(self.request.GET or None, end_goals=report.end_goals())
        chosen = form.chosen()
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "rows": report.filtered(**chosen),
            "filter_form": form,
            "flags": Flag,
        }


class ActionView(CuratorRequiredMixin, View):
    """``/curation/actions/<code>/``: the action's figures period by period, its flags, its
    proposals, and the form to write one."""

    template_name = "curation/action.html"

    def _row(self, code: str) -> tuple[Any, ActionRow]:
        report = curation_report([code])
        if not report.rows:
            raise Http404
        return report, report.rows[0]

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        report, row = self._row(code)
        initial = {"flag": request.GET.get("flag", "")}
        form = ProposalForm(initial=initial, flags=row.flags)
        return self._render(request, report, row, form)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        report, row = self._row(code)
        form = ProposalForm(request.POST, flags=row.flags)
        if form.is_valid():
            action = Action.objects.published().get(code=code)
            data = form.cleaned_data
            assert isinstance(request.user, User)  # a curator: signed in
            proposal_create(
                action=action if data["about_action"] else None,
                flag=data["flag"],
                text=data["text"],
                by=request.user,
            )
            messages.success(
                request,
                _("Your proposal is saved. It goes into the next draft edition's changelog."),
            )
            return HttpResponseRedirect(reverse("curation:action", kwargs={"code": code}))
        return self._render(request, report, row, form, status=400)

    def _render(
        self,
        request: HttpRequest,
        report: Any,
        row: ActionRow,
        form: ProposalForm,
        status: int = 200,
    ) -> HttpResponse:
        proposals = Proposal.objects.filter(action__code=row.code).select_related(
            "author", "carried_into"
        )
        context = {
            "report": report,
            "row": row,
            "periods_uptake": list(zip(report.periods, row.uptake, strict=True)),
            "form": form,
            "proposals": proposals,
        }
        return render(request, self.template_name, context, status=status)


class ExportView(CuratorRequiredMixin, View):
    """``/curation/export.xlsx``: the report's table as a spreadsheet."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rendered = CurationExporter(curation_report()).render(XLSX)
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return response
