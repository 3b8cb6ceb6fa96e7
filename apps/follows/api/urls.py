"""Follows API, mounted at /api/v1/ (namespace ``api-follows``)."""

from django.urls import path

from . import views

app_name = "api-follows"

urlpatterns = [path("me/follows/", views.MyFollowsView.as_view(), name="mine")]
