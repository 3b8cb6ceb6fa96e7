"""Organisations API, mounted at /api/v1/ (namespace ``api-organisations``)."""

from django.urls import path

from . import views

app_name = "api-organisations"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<slug:slug>/profile/",
        views.PublicProfileView.as_view(),
        name="public-profile",
    ),
    path(
        "organisations/<slug:slug>/members/",
        views.MemberListView.as_view(),
        name="member-list",
    ),
    path(
        "organisations/<slug:slug>/members/<int:id>/",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "organisations/<slug:slug>/invitations/",
        views.InvitationListView.as_view(),
        name="invitation-list",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:id>/",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
]
