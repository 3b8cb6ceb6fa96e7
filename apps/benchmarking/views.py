"""Benchmark pages: the public benchmark, its charts' data as CSV, and an organisation's
position against its peers.

Views only pick the snapshot, authorise and render; the figures come from
``report.py`` (built on ``selectors.py``), already anonymised. The organisation page
is the only place an organisation's own figures appear, and only for its members with
``Perm.BENCHMARK_VIEW``.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView, View

from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm
from apps.roadmap.cache import cached_page
from apps.roadmap.models import Edition
from apps.roadmap.tocmap import theory_of_change

from .europe_map import europe_map
from .exports.views import export_panel_context
from .method import benchmark_method
from .models import BenchmarkSnapshot
from .organisation_report import report_fragment
from .report import cached_public_report, chart_csv
from .selectors import latest_snapshot, snapshot_for, snapshot_index, snapshots
from .uptake import heat_ranges, roadmap_uptake, uptake_layer

EXPORTS_PANEL = "benchmarking/exports/_panel.html"


def _chosen(request: HttpRequest) -> tuple[BenchmarkSnapshot | None, list[BenchmarkSnapshot]]:
    """The snapshot asked for with ``?period=`` (404 if unknown), else the latest; and every
    snapshot, newest first, for the period chooser. One query."""
    every = snapshots()
    label = request.GET.get("period", "").strip()
    if not label:
        return (every[0] if every else None), every
    for snapshot in every:
        if snapshot.period.label == label:
            return snapshot, every
    raise Http404("No benchmark for this period.")


class PublicBenchmarkView(TemplateView):
    """``/benchmarks/``: the latest (or chosen) snapshot, open to everyone.

    A compiled snapshot never changes: anonymous readers get the page from the cache (per
    roadmap content version, language and the snapshots there are, ``roadmap/cache.py``),
    and everyone the report, kept per snapshot."""

    template_name = "benchmarking/public.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        index = snapshot_index()
        label = request.GET.get("period", "").strip()
        if label and label not in dict(index):
            raise Http404("No benchmark for this period.")
        compiled = ",".join(key for _label, key in index)
        page = cached_page(
            request,
            lambda: super(PublicBenchmarkView, self).get(request, *args, **kwargs),
            params=("period", "goal"),
            variant=f"benchmarks:{compiled}",
        )
        # A TemplateView's page, rendered or from the cache: an HttpResponse either way.
        return cast("HttpResponse", page)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshot, every = _chosen(self.request)
        context["snapshot"] = snapshot
        context["snapshots"] = every
        context["report"] = cached_public_report(snapshot) if snapshot else None
        context["method"] = benchmark_method(snapshot) if snapshot else None
        if snapshot is not None:  # the map of Europe, for the end goal asked for
            goal = self.request.GET.get("goal", "").strip()
            context["europe"] = europe_map(snapshot, goal)
            context["map_url"] = self.request.path
            chosen = "period" in self.request.GET
            context["map_query"] = f"period={snapshot.period.label}&" if chosen else ""
        return context


class UptakeMapView(TemplateView):
    """``/benchmarks/uptake/``: the theory of change with the community's uptake of every
    action and goal from the latest published snapshot, as a heat layer with its table.

    Cached for anonymous readers like ``/benchmarks/`` (per roadmap content version,
    language and the snapshots there are)."""

    template_name = "benchmarking/uptake_map.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        compiled = ",".join(key for _label, key in snapshot_index())
        page = cached_page(
            request,
            lambda: super(UptakeMapView, self).get(request, *args, **kwargs),
            variant=f"uptake-map:{compiled}",
        )
        return cast("HttpResponse", page)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        edition = Edition.objects.published().with_goal_tree().first()
        snapshot = latest_snapshot()
        context["edition"] = edition
        context["snapshot"] = snapshot
        if edition is None or snapshot is None:
            return context
        notes, heat, rows = uptake_layer(edition, roadmap_uptake())
        context["toc"] = theory_of_change(edition, notes=notes, heat=heat)
        context["rows"] = rows
        context["heat_ranges"] = heat_ranges()
        return context


class ChartDataView(View):
    """One chart's figures as CSV; withheld figures are empty with their reason."""

    def get(self, request: HttpRequest, period: str, chart: str) -> HttpResponse:
        snapshot = snapshot_for(period)
        if snapshot is None:
            raise Http404("No benchmark for this period.")
        rendered = chart_csv(snapshot, chart)
        if rendered is None:
            raise Http404("No such chart.")
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return response


class OrganisationBenchmarkView(OrganisationPermissionMixin, TemplateView):
    """``/o/<slug>/benchmark/``: you, your stakeholder group and everyone, for PE leads
    and admins."""

    permission = Perm.BENCHMARK_VIEW
    template_name = "benchmarking/organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshot, every = _chosen(self.request)
        context["snapshot"] = snapshot
        context["snapshots"] = every
        context["report"] = (
            report_fragment(organisation=self.organisation, snapshot=snapshot) if snapshot else None
        )
        context["can_export"] = self.can(Perm.BENCHMARK_EXPORT)
        context["exports_panel_template"] = EXPORTS_PANEL
        if snapshot and context["can_export"]:
            context.update(
                export_panel_context(
                    user=self.user,
                    organisation=self.organisation,
                    period=snapshot.period.label,
                    snapshots=every,
                )
            )
        return context
