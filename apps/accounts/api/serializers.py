"""Signing in to the API with a token, and the caller's own account."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import Throttled

from apps.organisations.models import Membership
from apps.organisations.permissions import ROLE_PERMISSIONS, Role

from ..lockout import SignInLocked, sign_in_authenticate
from ..models import User

LOCKED_MESSAGE = _(
    "Too many failed sign-in attempts for this account or from this address. "
    "Try again later, or reset your password."
)


class TokenObtainSerializer(serializers.Serializer):
    """Check an email address and password; ``validated_data["user"]`` is who they belong to.

    Failed passwords count towards the same lockout as the sign-in form's; while the
    account or the client address is locked, even the right password answers 429.
    """

    email = serializers.EmailField(max_length=254, write_only=True)
    password = serializers.CharField(
        max_length=4096, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )

    default_error_messages = {
        # One message for an unknown address, a wrong password and an inactive account,
        # so that nobody learns which addresses have accounts.
        "invalid": _("Unable to sign in with this email address and password."),
        "unverified": _(
            "Confirm your email address before using the API: follow the link in the email "
            "we sent you, or sign in on the website to have it sent again."
        ),
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            user = sign_in_authenticate(
                self.context["request"], email=attrs["email"], password=attrs["password"]
            )
        except SignInLocked as locked:
            raise Throttled(wait=locked.retry_after, detail=str(LOCKED_MESSAGE)) from locked
        if user is None or not user.is_active:
            self.fail("invalid")
        # Accounts made through sign-up must confirm their address, as on the website.
        # Accounts made by admins or commands have no EmailAddress row and may proceed.
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and not address.verified:
            self.fail("unverified")
        return {"user": user}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True, help_text="Send it as `Authorization: Token <token>`."
    )


class MyOrganisationSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The organisation's API resource.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        path = reverse("api-organisations:organisation-detail", kwargs={"slug": obj.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MyMembershipSerializer(serializers.ModelSerializer):
    organisation = MyOrganisationSerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    permissions = serializers.SerializerMethodField(
        help_text="The permission codes the role grants in this organisation."
    )

    class Meta:
        model = Membership
        fields = ["organisation", "role", "permissions"]

    def get_permissions(self, obj: Membership) -> list[str]:
        return sorted(ROLE_PERMISSIONS.get(obj.role, ()))


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person and the organisations they belong to."""

    # Expects ``memberships`` prefetched with their organisations.

    memberships = MyMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "full_name", "date_joined", "memberships"]
        read_only_fields = fields
