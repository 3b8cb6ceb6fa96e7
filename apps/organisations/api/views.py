"""The organisations API: the directory, registration, members and invitations.

Views under ``organisations/<slug>/`` use :class:`OrganisationScopedMixin`, so
they authorise exactly as the pages do: outsiders get 404, members without the
permission 403, anonymous callers 401. Every write goes through a service;
the services' ``ValidationError`` becomes a 400 with their messages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.accounts.requests import signed_in_user
from apps.core.api.errors import service_errors

from .. import profiles, services
from ..models import Invitation, Membership, Organisation
from ..permissions import Perm
from ..selectors import organisation_directory
from . import serializers
from .filters import OrganisationFilter
from .permissions import OrganisationScopedMixin


def roles_of(user: Any) -> dict[int, str]:
    """The caller's role in each of their organisations, by organisation id (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))


# --- Organisations -----------------------------------------------------------------------

ORGANISATION_TAGS = ["organisations"]
MEMBER_ONLY_NOTE = (
    " `description`, `status`, `in_directory` and `role` (your role) appear only for "
    "organisations you are a member of; anyone else sees the fields of the public directory."
)
NOT_FOUND_DESCRIPTION = (
    "No such organisation, or one you are not a member of that is not listed in the public "
    "directory (not yet verified, rejected, or not listed at its request). The answer is the "
    "same in every case, signed in or not, so that it does not tell which organisations exist."
)


@extend_schema(tags=ORGANISATION_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List organisations",
        description=(
            "The public directory (verified organisations that chose to be listed) and the "
            "organisations you are a member of, whatever their status. Anonymous callers "
            "see the directory." + MEMBER_ONLY_NOTE
        ),
    ),
    post=extend_schema(
        summary="Register an organisation",
        description=(
            "Register an organisation; you become its first admin. It starts pending until "
            "a portal admin verifies it. The slug is made from the name."
        ),
    ),
)
class OrganisationListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.visible_to(self.request.user).for_listing()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "roles": roles_of(self.request.user)}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            organisation = services.organisation_register(
                user=signed_in_user(request), **serializer.validated_data
            )
        return Response(self.get_serializer(organisation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=ORGANISATION_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="Retrieve an organisation",
        description=(
            "Members read their organisation whatever its status, with every field "
            "(`Organisation`). Anyone else, signed in or not, may read an organisation listed "
            "in the public directory (verified, and listed at its request), with the fields the "
            "directory shows and nothing else (`OrganisationPublic`). Any other organisation "
            "answers 404 to non-members, exactly as a slug that does not exist."
        ),
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="OrganisationRecord",
                    serializers=[
                        serializers.OrganisationSerializer,
                        serializers.OrganisationPublicSerializer,
                    ],
                    resource_type_field_name=None,
                ),
                description=(
                    "`Organisation` for its members; `OrganisationPublic` (the public "
                    "directory's fields) for anyone else."
                ),
            ),
            404: OpenApiResponse(serializers.NotFoundSerializer, description=NOT_FOUND_DESCRIPTION),
        },
    ),
    patch=extend_schema(
        summary="Change an organisation's details",
        description="Needs `org:edit` (admins). Only the fields sent change; the change is "
        "recorded in the organisation's audit log. Non-members get 404, as for a read.",
        responses={
            200: serializers.OrganisationSerializer,
            404: OpenApiResponse(serializers.NotFoundSerializer, description=NOT_FOUND_DESCRIPTION),
        },
    ),
)
class OrganisationDetailView(OrganisationScopedMixin, generics.RetrieveUpdateAPIView):
    # Reads fall through to the public directory (see ``initial``), so anonymous GETs pass.
    permission_classes = [IsAuthenticatedOrReadOnly]
    permission = Perm.ORG_VIEW
    permissions_by_method = {"PATCH": Perm.ORG_EDIT}
    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = serializers.OrganisationSerializer
    queryset = Organisation.objects.none()  # Only for the schema: see ``get_object``.
    membership: Membership | None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            super().initial(request, *args, **kwargs)
        except NotFound:
            # Not a member: an organisation of the public directory is readable by anyone.
            # Anything else raises the very same NotFound as a missing slug.
            if request.method not in SAFE_METHODS:
                raise
            organisation = organisation_directory().filter(slug=kwargs["slug"]).first()
            if organisation is None:
                raise
            self.organisation, self.membership = organisation, None

    def get_object(self) -> Organisation:
        return self.organisation

    def get_serializer_class(self) -> type[BaseSerializer]:
        if getattr(self, "membership", None) is None and self.request.method in SAFE_METHODS:
            return serializers.OrganisationPublicSerializer
        return serializers.OrganisationSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        membership = getattr(self, "membership", None)
        roles = {self.organisation.pk: membership.role} if membership else {}
        return {**super().get_serializer_context(), "roles": roles}

    def perform_update(self, serializer: BaseSerializer[Organisation]) -> None:
        with service_errors():
            services.organisation_update(
                organisation=self.organisation, by=self.user, **serializer.validated_data
            )


# --- Members ------------------------------------------------------------------------------

MEMBER_TAGS = ["members"]
INVITE_DESCRIPTION = (
    "Invite someone by email with a role: this creates an **invitation**, not a membership, "
    "and answers 201 with the invitation. The person becomes a member when they accept the "
    "emailed link, which is valid for 14 days. Needs `org.members:write` (admins)."
)


class InvitationCreateMixin(OrganisationScopedMixin, generics.GenericAPIView[Any]):
    """POST ``{"email", "role"}`` → 201 with the new invitation."""

    def get_serializer_class(self) -> type[BaseSerializer]:
        # For the browsable API's form; the schema is declared with extend_schema.
        if self.request.method == "POST":
            return serializers.InvitationCreateSerializer
        return super().get_serializer_class()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            invitation = services.invitation_create(
                organisation=self.organisation, by=self.user, **serializer.validated_data
            )
        output = serializers.InvitationSerializer(invitation, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=MEMBER_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List members",
        description="The organisation's members and their roles. Needs `org.members:view`.",
    ),
    post=extend_schema(
        summary="Invite a member",
        description=INVITE_DESCRIPTION,
        request=serializers.InvitationCreateSerializer,
        responses={201: serializers.InvitationSerializer},
    ),
)
class MemberListView(InvitationCreateMixin, OrganisationScopedMixin, generics.ListAPIView):
    permission = Perm.MEMBERS_VIEW
    permissions_by_method = {"POST": Perm.MEMBERS_WRITE}
    serializer_class = serializers.MembershipSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):  # Building the schema: no organisation.
            return Membership.objects.none()
        return self.organisation.memberships.select_related("user").order_by("user__email")


@extend_schema(tags=MEMBER_TAGS)
@extend_schema_view(
    get=extend_schema(summary="Retrieve a member", description="Needs `org.members:view`."),
    patch=extend_schema(
        summary="Change a member's role",
        description=(
            "Needs `org.members:write`. An organisation keeps at least one admin: demoting "
            "the last one answers 400."
        ),
        request=serializers.MembershipRoleSerializer,
        responses={200: serializers.MembershipSerializer},
    ),
    delete=extend_schema(
        summary="Remove a member",
        description=(
            "Needs `org.members:write`. The last admin cannot be removed (400): make someone "
            "else an admin first."
        ),
    ),
)
class MemberDetailView(OrganisationScopedMixin, generics.RetrieveDestroyAPIView):
    permission = Perm.MEMBERS_VIEW
    permissions_by_method = {"PATCH": Perm.MEMBERS_WRITE, "DELETE": Perm.MEMBERS_WRITE}
    lookup_url_kwarg = "id"
    serializer_class = serializers.MembershipSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return self.organisation.memberships.select_related("user", "organisation")

    def get_serializer_class(self) -> type[BaseSerializer]:
        # For the browsable API's form; the schema is declared with extend_schema.
        if self.request.method == "PATCH":
            return serializers.MembershipRoleSerializer
        return super().get_serializer_class()

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            membership = services.membership_change_role(
                membership=membership, by=self.user, role=serializer.validated_data["role"]
            )
        output = serializers.MembershipSerializer(membership, context=self.get_serializer_context())
        return Response(output.data)

    def perform_destroy(self, instance: Membership) -> None:
        with service_errors():
            services.membership_remove(membership=instance, by=self.user)


# --- Invitations --------------------------------------------------------------------------

INVITATION_TAGS = ["invitations"]


@extend_schema(tags=INVITATION_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List invitations",
        description=(
            "Every invitation the organisation has sent, newest first, with its state "
            "(pending, accepted, revoked or expired). Needs `org.members:write`."
        ),
    ),
    post=extend_schema(
        summary="Invite someone",
        description=INVITE_DESCRIPTION,
        request=serializers.InvitationCreateSerializer,
        responses={201: serializers.InvitationSerializer},
    ),
)
class InvitationListView(InvitationCreateMixin, OrganisationScopedMixin, generics.ListAPIView):
    permission = Perm.MEMBERS_WRITE
    serializer_class = serializers.InvitationSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return self.organisation.invitations.select_related("invited_by").order_by(
            "-created_at", "-pk"
        )


@extend_schema(tags=INVITATION_TAGS)
@extend_schema_view(
    get=extend_schema(summary="Retrieve an invitation", description="Needs `org.members:write`."),
    delete=extend_schema(
        summary="Revoke an invitation",
        description=(
            "Its link stops working. Only a pending invitation can be revoked; any other "
            "answers 400. Needs `org.members:write`."
        ),
    ),
)
class InvitationDetailView(OrganisationScopedMixin, generics.RetrieveDestroyAPIView):
    permission = Perm.MEMBERS_WRITE
    lookup_url_kwarg = "id"
    serializer_class = serializers.InvitationSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return self.organisation.invitations.select_related("invited_by", "organisation")

    def perform_destroy(self, instance: Invitation) -> None:
        with service_errors():
            services.invitation_revoke(invitation=instance, by=self.user)


# --- The public profile --------------------------------------------------------------------


PROGRESS_FIELDS = ("percent_complete", "start_date", "target_date")


@extend_schema(
    tags=ORGANISATION_TAGS,
    summary="An organisation's public profile",
    description=(
        "Its public commitments, as its admins chose to show them (the page "
        "`/organisations/<slug>/`). Open to anyone; 404 unless the organisation is verified "
        "and its profile public."
    ),
    responses={200: serializers.PublicProfileSerializer, 404: OpenApiResponse()},
)
class PublicProfileView(generics.GenericAPIView[Any]):
    permission_classes: list[Any] = []
    serializer_class = serializers.PublicProfileSerializer

    def get(self, request: Request, slug: str) -> Response:
        organisation = profiles.profile_organisation(slug)
        if organisation is None or not profiles.is_published(organisation):
            raise NotFound
        contents = profiles.profile_contents(organisation)
        profile = contents.profile
        actions: Any = None
        if profile.show_actions:
            actions = serializers.ProfileActionSerializer(contents.adoptions, many=True).data
            if not profile.show_progress:
                actions = [
                    {k: v for k, v in row.items() if k not in PROGRESS_FIELDS} for row in actions
                ]
        case_studies: Any = None
        if profile.show_case_studies:
            case_studies = serializers.ProfileCaseStudySerializer(
                contents.case_studies, many=True
            ).data
        partnerships: Any = None
        if profile.show_partnerships:
            partnerships = serializers.ProfilePartnershipSerializer(
                contents.partnerships, many=True
            ).data
        statement = None
        if profile.statement:
            statement = serializers.ProfileStatementSerializer(profile).data
        return Response(
            {
                "slug": organisation.slug,
                "name": organisation.name,
                "stakeholder_group": organisation.stakeholder_group.name,
                "country": organisation.country.code if organisation.country else "",
                "statement": statement,
                "actions": actions,
                "case_studies": case_studies,
                "partnerships": partnerships,
            }
        )
