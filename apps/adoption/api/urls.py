"""Adoption API, mounted at /api/v1/ (namespace ``api-adoption``)."""

from django.urls import path

from . import roadmap, views

app_name = "api-adoption"

ORG = "organisations/<slug:slug>/"

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
    path(f"{ORG}assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path(
        f"{ORG}checkpoint-schedule/",
        views.CheckpointScheduleView.as_view(),
        name="checkpoint-schedule",
    ),
    path(f"{ORG}roadmap/", roadmap.OrganisationRoadmapView.as_view(), name="roadmap"),
]
