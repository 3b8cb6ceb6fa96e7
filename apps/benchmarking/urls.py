"""Benchmark pages: public under ``/benchmarks/``, an organisation's under ``/o/<slug>/``."""

from django.urls import path

from . import views

app_name = "benchmarking"

urlpatterns = [
    path("benchmarks/", views.PublicBenchmarkView.as_view(), name="public"),
    path("benchmarks/uptake/", views.UptakeMapView.as_view(), name="uptake-map"),
    path(
        "benchmarks/<slug:period>/data/<slug:chart>.csv",
        views.ChartDataView.as_view(),
        name="public-chart-csv",
    ),
    path(
        "o/<slug:slug>/benchmark/",
        views.OrganisationBenchmarkView.as_view(),
        name="organisation",
    ),
]
