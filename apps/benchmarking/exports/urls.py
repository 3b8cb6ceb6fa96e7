"""Benchmark report exports, under ``/o/<slug>/benchmark/exports/``."""

from django.urls import path

from . import views

app_name = "benchmark-exports"

urlpatterns = [
    path("", views.ExportCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ExportDetailView.as_view(), name="detail"),
    path("<int:pk>/status.json", views.ExportStatusView.as_view(), name="status"),
    path("<int:pk>/download/", views.ExportDownloadView.as_view(), name="download"),
]
