"""Open data, under ``/data/`` (namespace ``opendata``)."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.DataIndexView.as_view(), name="index"),
    path("<slug:period>/", views.DataPeriodView.as_view(), name="period"),
    path("<slug:period>/datapackage.json", views.DataPackageView.as_view(), name="package"),
    path(
        "<slug:period>/<slug:table>.<slug:file_format>",
        views.DataFileView.as_view(),
        name="file",
    ),
]
