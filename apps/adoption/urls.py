"""An organisation's adoption pages, under ``/o/<slug>/``."""

from django.urls import path

from . import roadmap_views, views
from .transfer.views import AssessmentExportView

app_name = "adoption"

ADOPTION = "o/<slug:slug>/adoptions/<int:pk>/"

urlpatterns = [
    path("o/<slug:slug>/adoptions/", views.AdoptionListView.as_view(), name="list"),
    path(
        "o/<slug:slug>/roadmap/",
        roadmap_views.OrganisationRoadmapView.as_view(),
        name="roadmap",
    ),
    path("o/<slug:slug>/adoptions/catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("o/<slug:slug>/adoptions/new/", views.AdoptionCreateView.as_view(), name="create"),
    path(ADOPTION, views.AdoptionDetailView.as_view(), name="detail"),
    path(f"{ADOPTION}edit/", views.AdoptionEditView.as_view(), name="edit"),
    path(
        f"{ADOPTION}progress/new/",
        views.ProgressEntryCreateView.as_view(),
        name="progress-add",
    ),
    path(
        f"{ADOPTION}progress/<int:entry_pk>/correct/",
        views.ProgressEntryCorrectView.as_view(),
        name="progress-correct",
    ),
    path(
        "o/<slug:slug>/evidence/<int:pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("o/<slug:slug>/assessments/", views.AssessmentListView.as_view(), name="assessments"),
    path(
        "o/<slug:slug>/assessments/new/",
        views.AssessmentCreateView.as_view(),
        name="assessment-create",
    ),
    path(
        "o/<slug:slug>/assessments/schedule/",
        views.CheckpointScheduleView.as_view(),
        name="checkpoint-schedule",
    ),
    path(
        "o/<slug:slug>/assessments/export.csv",
        AssessmentExportView.as_view(file_format="csv"),
        name="assessment-export-csv",
    ),
    path(
        "o/<slug:slug>/assessments/export.xlsx",
        AssessmentExportView.as_view(file_format="xlsx"),
        name="assessment-export-xlsx",
    ),
]
