"""The practice library: public pages under ``/practices/``, the organisation's under
``/o/<slug>/practices/``."""

from django.urls import path

from . import views

app_name = "practices"

ORG = "o/<slug:slug>/practices/"
CASE_STUDY = f"{ORG}<int:pk>/"

urlpatterns = [
    path("practices/", views.PracticeListView.as_view(), name="list"),
    path("practices/feed/", views.practice_feed, name="feed"),
    path("practices/<int:pk>/", views.PracticeDetailView.as_view(), name="detail"),
    path("practices/<int:pk>/files/<int:file_pk>/", views.PracticeFileView.as_view(), name="file"),
    path(ORG, views.OrganisationPracticeListView.as_view(), name="org-list"),
    path(f"{ORG}new/", views.CaseStudyCreateView.as_view(), name="org-create"),
    path(CASE_STUDY, views.OrganisationPracticeDetailView.as_view(), name="org-detail"),
    path(f"{CASE_STUDY}edit/", views.CaseStudyEditView.as_view(), name="org-edit"),
    path(f"{CASE_STUDY}submit/", views.CaseStudySubmitView.as_view(), name="org-submit"),
    path(f"{CASE_STUDY}approve/", views.CaseStudyApproveView.as_view(), name="org-approve"),
    path(f"{CASE_STUDY}return/", views.CaseStudyReturnView.as_view(), name="org-return"),
]
