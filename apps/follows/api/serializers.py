"""A follow as the API shows it, and what to follow or unfollow."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.organisations.models import Organisation

from ..models import Follow


class FollowSerializer(serializers.ModelSerializer[Follow]):
    action = serializers.CharField(
        source="action_code", allow_blank=True, help_text="The action's code, or empty."
    )
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The organisation's slug, or null.",
    )

    class Meta:
        model = Follow
        fields = ["action", "organisation", "created_at"]
        read_only_fields = fields


class FollowTargetSerializer(serializers.Serializer[dict[str, str]]):
    """Exactly one of an action's code and an organisation's slug."""

    action = serializers.CharField(required=False, max_length=20, help_text="An action's code.")
    organisation = serializers.SlugField(
        required=False, max_length=80, help_text="An organisation's slug."
    )

    def validate(self, attrs: dict[str, str]) -> dict[str, str]:
        if bool(attrs.get("action")) == bool(attrs.get("organisation")):
            raise serializers.ValidationError(_("Give either an action or an organisation."))
        return attrs

    def create(self, validated_data: dict[str, str]) -> Any:
        raise NotImplementedError  # the view calls the services
