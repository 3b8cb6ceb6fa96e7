"""Representations of organisations, memberships and invitations for the API.

Input serializers only parse and check the shape of a request; the services in
``apps.organisations.services`` make every write and have the last word on
validity. Invitation tokens are never represented: the link to accept an
invitation goes to the invited address and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.roadmap.models import StakeholderGroup

from ..models import Invitation, Membership, Organisation
from ..permissions import Role
from ..querysets import PUBLIC_FIELDS

API_NAMESPACE = "api-organisations"

# What anyone may read of an organisation listed in the public directory: the directory's own
# fields (``PUBLIC_FIELDS``), with the slug and the record's address to find it by.
PUBLIC_API_FIELDS = ["slug", *PUBLIC_FIELDS, "url"]
# Shown only to members of the organisation; omitted for everybody else.
MEMBER_ONLY_FIELDS = ["description", "status", "in_directory", "role"]


class OrganisationPublicSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """An organisation listed in the public directory, as anyone may read it: the fields the
    directory shows, and nothing else."""

    url = serializers.SerializerMethodField(help_text="This organisation's API resource.")
    stakeholder_group: serializers.SlugRelatedField[StakeholderGroup] = (
        serializers.SlugRelatedField(
            slug_field="slug",
            read_only=True,
            help_text="Slug of the stakeholder group (see /api/v1/stakeholder-groups/).",
        )
    )

    class Meta:
        model = Organisation
        fields = PUBLIC_API_FIELDS
        read_only_fields = PUBLIC_API_FIELDS

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Organisation) -> str:
        path = reverse(f"{API_NAMESPACE}:organisation-detail", kwargs={"slug": obj.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OrganisationSerializer(OrganisationPublicSerializer):
    """An organisation as its members see it: the public fields, and `description`, `status`,
    `in_directory` and `role`, which are shown to its members only."""

    # Expects ``roles`` in the context: the caller's role by organisation id. A row of an
    # organisation the caller is not a member of shows the public fields only. Also parses
    # registrations and changes: ``description`` and ``in_directory`` are writable, ``status``
    # and ``role`` are not.

    stakeholder_group = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=StakeholderGroup.objects.all(),
        help_text="Slug of the stakeholder group (see /api/v1/stakeholder-groups/).",
    )
    role = serializers.SerializerMethodField(help_text="Your role in the organisation.")

    class Meta:
        model = Organisation
        fields = [*PUBLIC_API_FIELDS, *MEMBER_ONLY_FIELDS]
        read_only_fields = ["slug", "region", "status"]
        extra_kwargs = {"in_directory": {"required": False}}

    def _role(self, organisation: Organisation) -> str | None:
        return self.context.get("roles", {}).get(organisation.pk)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, obj: Organisation) -> str | None:
        return self._role(obj)

    def to_representation(self, instance: Organisation) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self._role(instance) is None:
            return {name: data[name] for name in PUBLIC_API_FIELDS}
        return data


class OrganisationSerializerExtension(OpenApiSerializerExtension):
    """Tell the schema that the member-only fields may be absent."""

    target_class = OrganisationSerializer

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "response":
            schema["required"] = [f for f in schema["required"] if f not in MEMBER_ONLY_FIELDS]
        return schema


class NotFoundSerializer(serializers.Serializer):
    """The body of a 404: the same for a missing record and for one the caller may not see."""

    detail = serializers.CharField(help_text='"Not found."')


class MembershipSerializer(serializers.ModelSerializer):
    """A member of the organisation and their role."""

    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "joined_at"]
        read_only_fields = ["id", "role"]


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation to join the organisation. Its token is never shown."""

    state = serializers.ChoiceField(choices=Invitation.State.choices, read_only=True)
    invited_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="Email of the inviter."
    )
    sent_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "state", "invited_by", "sent_at", "expires_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


# --- The public profile (``profiles.py``): what the organisation chose to show ----------------


class ProfileStatementSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(source="statement")
    signed_by = serializers.CharField(source="statement_signer_name")
    signer_title = serializers.CharField()
    signed_on = serializers.DateField(source="statement_signed_on", allow_null=True)


class ProfileActionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="action.code")
    title = serializers.CharField(source="action.title")
    status = serializers.CharField()
    percent_complete = serializers.IntegerField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)


class ProfileCaseStudySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    action = serializers.CharField(source="adoption.action.code")


class ProfilePartnershipSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="action.code")
    title = serializers.CharField(source="action.title")
    # Not a ChoiceField: its enum would clash with the members' "role" in the schema.
    role = serializers.CharField(
        help_text="owner: the organisation's own adoption; partner: it is the partner.",
    )
    partner = serializers.CharField(
        source="partner_name",
        help_text="The other organisation's name, or “a verified organisation” when its own "
        "profile is not public.",
    )
    partner_slug = serializers.CharField(
        allow_null=True, help_text="The other organisation's slug; null when it is not named."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["partner_slug"] = data["partner_slug"] or None
        return data


class PublicProfileSerializer(serializers.Serializer[Any]):
    """``statement`` is null without one; ``actions``, ``case_studies`` and ``partnerships``
    are null when the organisation does not show them; an action carries
    ``percent_complete`` and its dates only when the organisation shows its progress."""

    slug = serializers.CharField()
    name = serializers.CharField()
    stakeholder_group = serializers.CharField()
    country = serializers.CharField()
    statement = ProfileStatementSerializer(allow_null=True)
    actions = ProfileActionSerializer(many=True, allow_null=True)
    case_studies = ProfileCaseStudySerializer(many=True, allow_null=True)
    partnerships = ProfilePartnershipSerializer(many=True, allow_null=True)
