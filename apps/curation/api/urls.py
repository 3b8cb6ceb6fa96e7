"""The curators' API, mounted at /api/v1/ (namespace ``api-curation``)."""

from django.urls import path

from . import views

app_name = "api-curation"

urlpatterns = [
    path("curation/actions/", views.CurationActionsView.as_view(), name="actions"),
]
