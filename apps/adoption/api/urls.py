"""Adoption API, mounted at /api/v1/ (namespace ``api-adoption``)."""

from django.urls import path

from . import partnership_views, roadmap, views

app_name = "api-adoption"

ORG = "organisations/<slug:slug>/"
PARTNERSHIP = f"{ORG}partnerships/<int:id>/"

urlpatterns = [
    path("metrics/", views.MetricListView.as_view(), name="metric-list"),
    path(f"{ORG}adoptions/", views.AdoptionListView.as_view(), name="adoption-list"),
    path(f"{ORG}adoptions/<int:id>/", views.AdoptionDetailView.as_view(), name="adoption-detail"),
    path(
        f"{ORG}adoptions/<int:id>/progress/",
        views.ProgressListView.as_view(),
        name="progress-list",
    ),
    path(
        f"{ORG}adoptions/<int:id>/progress/<int:entry_id>/correct/",
        views.ProgressCorrectView.as_view(),
        name="progress-correct",
    ),
    path(
        f"{ORG}adoptions/<int:id>/progress/<int:entry_id>/confirm/",
        partnership_views.EntryConfirmView.as_view(),
        name="progress-confirm",
    ),
    path(
        f"{ORG}adoptions/<int:id>/partners/",
        partnership_views.PartnershipRequestView.as_view(),
        name="partnership-request",
    ),
    path(
        f"{ORG}partnerships/",
        partnership_views.PartnershipListView.as_view(),
        name="partnership-list",
    ),
    path(PARTNERSHIP, partnership_views.PartnershipDetailView.as_view(), name="partnership-detail"),
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
        partnership_views.ObjectiveCreateView.as_view(),
        name="objective-create",
    ),
    path(
        f"{PARTNERSHIP}objectives/<int:objective_id>/confirm/",
        partnership_views.ObjectiveConfirmView.as_view(),
        name="objective-confirm",
    ),
    path(f"{ORG}assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path(
        f"{ORG}checkpoint-schedule/",
        views.CheckpointScheduleView.as_view(),
        name="checkpoint-schedule",
    ),
    path(f"{ORG}roadmap/", roadmap.OrganisationRoadmapView.as_view(), name="roadmap"),
]
