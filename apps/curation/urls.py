"""The curators' report, mounted at /curation/ (namespace ``curation``)."""

from django.urls import path

from . import views

app_name = "curation"

urlpatterns = [
    path("curation/", views.ReportView.as_view(), name="report"),
    path("curation/export.xlsx", views.ExportView.as_view(), name="export"),
    path("curation/actions/<str:code>/", views.ActionView.as_view(), name="action"),
]
