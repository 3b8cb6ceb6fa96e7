"""API tokens and the caller's own account.

A person has at most one token (``rest_framework.authtoken``): asking again
returns the same one, and revoking it signs out every client that uses it.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from apps.core.api.permissions import IsSignedIn
from apps.core.api.throttling import ClientIPScopedRateThrottle
from apps.organisations.models import Membership

from ..models import User
from ..requests import signed_in_user
from ..services import user_token_get_or_create, user_token_revoke
from .serializers import MeSerializer, TokenObtainSerializer, TokenSerializer


@extend_schema(tags=["auth"])
@extend_schema_view(
    post=extend_schema(
        summary="Obtain an API token",
        description=(
            "Exchange an email address and password for your API token (the existing one, "
            "or a new one). Send it as `Authorization: Token <token>`. Wrong credentials, "
            "an inactive account or an unconfirmed email address answer 400. Limited per "
            "client address (10 requests a minute by default). Failed passwords count "
            "towards the same lockout as the sign-in form's (5 per account in 5 minutes by "
            "default): while an account is locked, even the right password answers 429, "
            "with `Retry-After`."
        ),
        request=TokenObtainSerializer,
        responses={200: TokenSerializer, 429: OpenApiResponse(description="Too many attempts")},
    ),
    delete=extend_schema(
        summary="Revoke your API token",
        description="Delete your token; clients using it get 401 from then on.",
        responses={204: None},
    ),
)
class TokenView(APIView):
    throttle_classes = [ClientIPScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = TokenObtainSerializer

    def get_permissions(self) -> list[BasePermission]:
        return [IsSignedIn()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self) -> list[BaseThrottle]:
        # Password guessing is what the limit is for; revoking needs no limit.
        return super().get_throttles() if self.request.method == "POST" else []

    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = user_token_get_or_create(user=serializer.validated_data["user"])
        return Response(TokenSerializer({"token": token.key}).data)

    def delete(self, request: Request) -> Response:
        user_token_revoke(user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["auth"],
    summary="Your account",
    description=(
        "Who you are signed in as, and your memberships: each organisation with your role "
        "and the permission codes it grants."
    ),
)
class MeView(generics.RetrieveAPIView):
    permission_classes = [IsSignedIn]
    serializer_class = MeSerializer
    filter_backends = []

    def get_object(self) -> User:
        # The user the authentication read (session or token), not read again.
        user = signed_in_user(self.request)
        memberships = Membership.objects.select_related("organisation").order_by(
            "organisation__name"
        )
        prefetch_related_objects([user], Prefetch("memberships", queryset=memberships))
        return user
