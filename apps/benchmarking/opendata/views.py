"""Open data pages and files, under ``/data/``: open to everyone, no sign-in.

``/data/`` lists the published periods; ``/data/<period>/`` lists a period's files;
``/data/<period>/<table>.csv`` and ``.json`` are its tables (:mod:`.tables`) and
``/data/<period>/datapackage.json`` describes them (:mod:`.package`). An unknown period,
or one whose snapshot is not published, is a 404.

Cached for good: a published snapshot never changes and is never taken down (the audit
only ever publishes a held snapshot, ``services.snapshot_audit``; the compile never
compiles a period twice; the admin cannot change or delete a snapshot), so its files are
``public, max-age`` one year, ``immutable``. The pages are not: the index grows with every
period, and a signed-in reader's page carries their own navigation.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView, View

from ..models import BenchmarkSnapshot
from ..selectors import snapshot_for, snapshots
from .package import data_package
from .tables import FORMATS, TABLES

YEAR = 365 * 24 * 60 * 60


def published_or_404(period: str) -> BenchmarkSnapshot:
    snapshot = snapshot_for(period)
    if snapshot is None:
        raise Http404("No published benchmark for this period.")
    return snapshot


def forever(response: HttpResponse) -> HttpResponse:
    """A published snapshot's file: kept by every cache for a year, never revalidated, and
    readable by scripts on other sites (public data, no credentials)."""
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def method_url(request: HttpRequest, snapshot: BenchmarkSnapshot) -> str:
    """The method section of the period's benchmark page."""
    path = reverse("benchmarking:public")
    return request.build_absolute_uri(f"{path}?period={snapshot.period.label}#method-heading")


class DataIndexView(TemplateView):
    """``/data/``: every published period, newest first, with its files."""

    template_name = "benchmarking/opendata/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["snapshots"] = snapshots()
        return context


class DataPeriodView(TemplateView):
    """``/data/<period>/``: the period's tables, each as CSV and JSON, and its package."""

    template_name = "benchmarking/opendata/period.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshot = published_or_404(self.kwargs["period"])
        context["snapshot"] = snapshot
        context["tables"] = [
            {
                "name": name,
                "title": table.verbose_name,
                "columns": table.columns,
                "files": [(f, f"{name}.{f}") for f in FORMATS],
            }
            for name, table in TABLES.items()
        ]
        context["method_url"] = method_url(self.request, snapshot)
        context["edition"] = snapshot.edition
        return context


class DataFileView(View):
    """``/data/<period>/<table>.<csv|json>``: one table of the period's open data."""

    def get(self, request: HttpRequest, period: str, table: str, file_format: str) -> HttpResponse:
        if table not in TABLES or file_format not in FORMATS:
            raise Http404("No such file.")
        snapshot = published_or_404(period)
        rendered = TABLES[table](snapshot).render_in(file_format)
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return forever(response)


class DataPackageView(View):
    """``/data/<period>/datapackage.json``: the Frictionless Data Package of the period."""

    def get(self, request: HttpRequest, period: str) -> HttpResponse:
        snapshot = published_or_404(period)
        package_url = request.build_absolute_uri(
            reverse("opendata:period", args=[snapshot.period.label])
        )
        descriptor = data_package(
            snapshot, package_url=package_url, method_url=method_url(request, snapshot)
        )
        content = json.dumps(descriptor, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json")
        response["Content-Disposition"] = 'inline; filename="datapackage.json"'
        return forever(response)
