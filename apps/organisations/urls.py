"""Organisation pages. Organisation-scoped addresses nest under ``/o/<slug>/``."""

from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("o/", views.MyOrganisationsView.as_view(), name="mine"),
    path("o/new/", views.OrganisationRegisterView.as_view(), name="new"),
    path("o/<slug:slug>/", views.OrganisationHomeView.as_view(), name="home"),
    path("o/<slug:slug>/edit/", views.OrganisationEditView.as_view(), name="edit"),
    path("o/<slug:slug>/members/", views.MembersView.as_view(), name="members"),
    path("o/<slug:slug>/members/invite/", views.InvitationCreateView.as_view(), name="invite"),
    path(
        "o/<slug:slug>/members/<int:pk>/role/",
        views.MemberRoleView.as_view(),
        name="member-role",
    ),
    path(
        "o/<slug:slug>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path(
        "o/<slug:slug>/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("o/<slug:slug>/leave/", views.LeaveView.as_view(), name="leave"),
    path("o/<slug:slug>/profile/", views.ProfileSettingsView.as_view(), name="profile"),
    path("o/<slug:slug>/audit/", views.AuditLogView.as_view(), name="audit"),
    # Tokens are URL-safe base64 (secrets.token_urlsafe), which the slug converter matches;
    # anything else, a NUL included (PostgreSQL refuses it in a query), is a 404.
    path(
        "invitations/<slug:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"
    ),
    path("organisations/", views.DirectoryView.as_view(), name="directory"),
    path("organisations/<slug:slug>/", views.PublicProfileView.as_view(), name="public-profile"),
]
