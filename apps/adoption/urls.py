"""An organisation's adoption pages, under ``/o/<slug>/``."""

from django.urls import path

from . import assessment_views, roadmap_views, views
from .partnerships import views as partnership_views
from .transfer.views import AssessmentExportView

app_name = "adoption"

ADOPTION = "o/<slug:slug>/adoptions/<int:pk>/"
PARTNERSHIP = "o/<slug:slug>/partnerships/<int:pk>/"

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
        f"{ADOPTION}progress/<int:entry_pk>/confirm/",
        views.EntryConfirmView.as_view(),
        name="entry-confirm",
    ),
    path(
        f"{ADOPTION}partners/", views.PartnershipRequestView.as_view(), name="partnership-request"
    ),
    # Joint commitments (issue 17): the emails link to "partnership".
    path(
        "o/<slug:slug>/partnerships/",
        partnership_views.PartnershipListView.as_view(),
        name="partnerships",
    ),
    path(PARTNERSHIP, partnership_views.PartnershipDetailView.as_view(), name="partnership"),
    path(
        f"{PARTNERSHIP}accept/",
        partnership_views.PartnershipAcceptView.as_view(),
        name="partnership-accept",
    ),
    path(
        f"{PARTNERSHIP}decline/",
        partnership_views.PartnershipDeclineView.as_view(),
        name="partnership-decline",
    ),
    path(
        f"{PARTNERSHIP}withdraw/",
        partnership_views.PartnershipWithdrawView.as_view(),
        name="partnership-withdraw",
    ),
    path(
        f"{PARTNERSHIP}objectives/",
        partnership_views.ObjectiveProposeView.as_view(),
        name="objective-propose",
    ),
    path(
        f"{PARTNERSHIP}objectives/<int:objective_pk>/confirm/",
        partnership_views.ObjectiveConfirmView.as_view(),
        name="objective-confirm",
    ),
    path(
        "o/<slug:slug>/evidence/<int:pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "o/<slug:slug>/assessments/",
        assessment_views.AssessmentListView.as_view(),
        name="assessments",
    ),
    path(
        "o/<slug:slug>/assessments/new/",
        assessment_views.AssessmentCreateView.as_view(),
        name="assessment-create",
    ),
    path(
        "o/<slug:slug>/assessments/schedule/",
        assessment_views.CheckpointScheduleView.as_view(),
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
