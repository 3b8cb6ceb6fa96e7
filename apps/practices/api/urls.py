"""The practice library's API, mounted at /api/v1/ (namespace ``api-practices``)."""

from django.urls import path

from . import views

app_name = "api-practices"

urlpatterns = [
    path("practices/", views.CaseStudyListView.as_view(), name="case-study-list"),
    path("practices/<int:id>/", views.CaseStudyDetailView.as_view(), name="case-study-detail"),
    path(
        "organisations/<slug:slug>/practices/",
        views.OrganisationCaseStudyListView.as_view(),
        name="organisation-case-study-list",
    ),
]
