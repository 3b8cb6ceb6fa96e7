"""Benchmark pages: public under ``/benchmarks/``, an organisation's under ``/o/<slug>/``."""

from django.urls import path

from . import place_views, views

app_name = "benchmarking"

urlpatterns = [
    path("benchmarks/", views.PublicBenchmarkView.as_view(), name="public"),
    path("benchmarks/uptake/", views.UptakeMapView.as_view(), name="uptake-map"),
    path(
        "benchmarks/<slug:period>/data/<slug:chart>.csv",
        views.ChartDataView.as_view(),
        name="public-chart-csv",
    ),
    path("countries/<str:iso>/", place_views.CountryView.as_view(), name="country"),
    path("regions/<slug:slug>/", place_views.RegionView.as_view(), name="region"),
    path(
        "countries/<str:iso>/data/<slug:chart>.csv",
        place_views.PlaceDataView.as_view(),
        name="country-csv",
    ),
    path(
        "regions/<slug:slug>/data/<slug:chart>.csv",
        place_views.PlaceDataView.as_view(),
        name="region-csv",
    ),
    path(
        "o/<slug:slug>/benchmark/",
        views.OrganisationBenchmarkView.as_view(),
        name="organisation",
    ),
]
