"""Public, server-rendered pages of the roadmap."""

from django.urls import path

from . import views

app_name = "roadmap"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("roadmap/", views.RoadmapMapView.as_view(), name="map"),
    path("roadmap/end-goals/<str:code>/", views.EndGoalDetailView.as_view(), name="end-goal"),
    path(
        "roadmap/intermediate-goals/<str:code>/",
        views.IntermediateGoalDetailView.as_view(),
        name="intermediate-goal",
    ),
    path("roadmap/actions/", views.ActionListView.as_view(), name="actions"),
    path("roadmap/actions/<str:code>/", views.ActionDetailView.as_view(), name="action"),
    path("roadmap/resources/", views.ResourceListView.as_view(), name="resources"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
]
