"""Country and region pages (``/countries/<iso>/``, ``/regions/<slug>/``) and their charts'
CSV: the latest published snapshot's figures for the place beside Europe's. The figures come
from :mod:`.places` (and the region's map from :mod:`.europe_map`), already anonymised.

Cached for anonymous readers like ``/benchmarks/`` (per roadmap content version, language
and the snapshots there are)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView, View

from apps.roadmap.cache import cached_page

from .europe_map import europe_map
from .method import benchmark_method
from .places import Place, cached_place_report, country_place, place_csv, region_place
from .selectors import latest_snapshot, snapshot_index


class _PlaceView(TemplateView):
    template_name = "benchmarking/place.html"
    params: tuple[str, ...] = ()

    def place(self) -> Place:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.place()  # an unknown place is 404 before any cache
        compiled = ",".join(key for _label, key in snapshot_index())
        page = cached_page(
            request,
            lambda: super(_PlaceView, self).get(request, *args, **kwargs),
            params=self.params,
            variant=f"place:{compiled}",
        )
        return cast("HttpResponse", page)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        place = self.place()
        snapshot = latest_snapshot()
        context["place"] = place
        context["snapshot"] = snapshot
        context["report"] = cached_place_report(place, snapshot) if snapshot else None
        context["method"] = benchmark_method(snapshot) if snapshot else None
        return context


class CountryView(_PlaceView):
    """``/countries/<iso>/``: any country the portal knows (404 otherwise), any case."""

    def place(self) -> Place:
        return country_place(self.kwargs["iso"])


class RegionView(_PlaceView):
    """``/regions/<slug>/``: a region, with the map of its countries."""

    params = ("goal",)

    def place(self) -> Place:
        return region_place(self.kwargs["slug"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshot = context["snapshot"]
        place = context["place"]
        if snapshot is not None and place.value != "outside":
            goal = self.request.GET.get("goal", "").strip()
            context["europe"] = europe_map(snapshot, goal, region=place.value)
            context["map_url"] = self.request.path
            context["map_query"] = ""
        return context


class PlaceDataView(View):
    """One chart of a country's or region's page as CSV (the latest snapshot)."""

    def get(self, request: HttpRequest, chart: str, **kwargs: str) -> HttpResponse:
        place = country_place(kwargs["iso"]) if "iso" in kwargs else region_place(kwargs["slug"])
        rendered = place_csv(place, chart)
        if rendered is None:
            raise Http404("No such chart.")
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return response
