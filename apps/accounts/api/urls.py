"""Accounts API, mounted at /api/v1/ (namespace ``api-auth``)."""

from django.urls import path

from . import views

app_name = "api-auth"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
]
