"""Benchmark export API, mounted at /api/v1/ (namespace ``api-benchmark-exports``)."""

from django.urls import path

from . import views

app_name = "api-benchmark-exports"

ORG = "organisations/<slug:slug>/"

urlpatterns = [
    path(f"{ORG}exports/", views.ExportCreateView.as_view(), name="export-create"),
    path(f"{ORG}exports/<int:id>/", views.ExportStatusView.as_view(), name="export-status"),
]
