"""Benchmark read API, mounted at /api/v1/ (namespace ``api-benchmarks``)."""

from django.urls import path

from . import views

app_name = "api-benchmarks"

urlpatterns = [
    path("benchmarks/", views.BenchmarkListView.as_view(), name="benchmark-list"),
    path("benchmarks/<str:period>/", views.BenchmarkDetailView.as_view(), name="benchmark-detail"),
    path(
        "organisations/<slug:slug>/benchmarks/<str:period>/",
        views.OrganisationBenchmarkView.as_view(),
        name="organisation-benchmark",
    ),
]
