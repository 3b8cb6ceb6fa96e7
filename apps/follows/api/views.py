"""The caller's follows: list, follow, unfollow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.requests import signed_in_user
from apps.core.api.permissions import IsSignedIn
from apps.organisations.models import Organisation

from .. import services
from ..models import Follow
from .serializers import FollowSerializer, FollowTargetSerializer

TARGET_PARAMETERS = [
    OpenApiParameter("action", str, description="The code of the action to unfollow."),
    OpenApiParameter("organisation", str, description="The slug of the organisation to unfollow."),
]


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise serializers.ValidationError({"organisation": ["No such organisation."]})
    return organisation


def _follow(user: User, target: dict[str, str]) -> Follow:
    try:
        if target.get("action"):
            return services.follow_action(user=user, code=target["action"])
        return services.follow_organisation(
            user=user, organisation=_organisation(target["organisation"])
        )
    except ValidationError as error:
        raise serializers.ValidationError(error.messages) from error


@extend_schema(tags=["follows"])
@extend_schema_view(
    get=extend_schema(
        summary="What you follow",
        description="The actions (by code) and organisations (by slug) you follow.",
        responses={200: FollowSerializer(many=True)},
    ),
    post=extend_schema(
        summary="Follow an action or an organisation",
        description=(
            "Give `action` (a code of the published roadmap) or `organisation` (the slug of a "
            "verified organisation with a public profile). Following twice is one follow."
        ),
        request=FollowTargetSerializer,
        responses={201: FollowSerializer},
    ),
    delete=extend_schema(
        summary="Unfollow an action or an organisation",
        description="Give `action` or `organisation` in the query. Unfollowing twice is fine.",
        parameters=TARGET_PARAMETERS,
        responses={204: None},
    ),
)
class MyFollowsView(APIView):
    permission_classes = [IsSignedIn]
    serializer_class = FollowSerializer

    def get(self, request: Request) -> Response:
        follows = Follow.objects.filter(user=signed_in_user(request)).select_related("organisation")
        return Response(FollowSerializer(follows, many=True).data)

    def post(self, request: Request) -> Response:
        target = FollowTargetSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        follow = _follow(signed_in_user(request), target.validated_data)
        return Response(FollowSerializer(follow).data, status=status.HTTP_201_CREATED)

    def delete(self, request: Request) -> Response:
        target = FollowTargetSerializer(data=request.query_params)
        target.is_valid(raise_exception=True)
        user = signed_in_user(request)
        if code := target.validated_data.get("action"):
            services.unfollow_action(user=user, code=code)
        else:
            organisation = _organisation(target.validated_data["organisation"])
            services.unfollow_organisation(user=user, organisation=organisation)
        return Response(status=status.HTTP_204_NO_CONTENT)
