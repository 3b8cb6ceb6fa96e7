"""Benchmark read API, mounted at /api/v1/ (namespace ``api-benchmarks``)."""

from django.urls import path

from . import views

app_name = "api-benchmarks"

urlpatterns = [
    path("benchmarks/", views.BenchmarkListView.as_view(), name="benchmark-list"),
    path("benchmarks/<slug:period>/", views.BenchmarkDetailView.as_view(), name="benchmark-detail"),
    path(
        "organisations/<slug:slug>/benchmarks/<slug:period>/",
        views.OrganisationBenchmarkView.as_view(),
        name="organisation-benchmark",
    ),
]
