"""A person's own account pages, next to allauth's under ``/account/``."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountOverviewView.as_view(), name="overview"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("data/", views.PersonalDataView.as_view(), name="data"),
    path("data/download/", views.PersonalDataDownloadView.as_view(), name="data-download"),
    path("delete/", views.AccountDeleteView.as_view(), name="delete"),
]
