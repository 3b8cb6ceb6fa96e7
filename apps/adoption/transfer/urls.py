"""Export and import of an organisation's adoptions, under ``/o/<slug>/adoptions/transfer/``."""

from django.urls import path

from . import views

app_name = "adoption-transfer"

urlpatterns = [
    path("export.csv", views.AdoptionExportView.as_view(file_format="csv"), name="export-csv"),
    path("export.xlsx", views.AdoptionExportView.as_view(file_format="xlsx"), name="export-xlsx"),
    path("import/", views.AdoptionImportView.as_view(), name="import"),
]
