"""Following an action or an organisation, and the list of what a person follows."""

from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("follows/actions/<str:code>/", views.FollowActionView.as_view(), name="action"),
    path(
        "follows/organisations/<slug:slug>/",
        views.FollowOrganisationView.as_view(),
        name="organisation",
    ),
    path("account/follows/", views.MyFollowsView.as_view(), name="mine"),
]
