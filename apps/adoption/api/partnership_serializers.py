"""Representations of joint commitments (issue 17) for the API: partnerships, as either side
sees them, their shared objectives, and what a request or an objective sends.

Each expects ``organisation`` (the organisation of the URL) in its context: a partnership is
"made" or "received" from its point of view.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.organisations.models import Organisation

from ..models import Partnership, PartnershipState, SharedObjective
from ..partnerships.models import MESSAGE_MAX_LENGTH, OBJECTIVE_MAX_LENGTH
from .serializers import API_NAMESPACE, CodeField

MADE, RECEIVED = "made", "received"


class OrganisationRefSerializer(serializers.ModelSerializer):
    """An organisation named by a partnership: its slug and name."""

    class Meta:
        model = Organisation
        fields = ["slug", "name"]
        read_only_fields = fields


class SharedObjectiveSerializer(serializers.ModelSerializer):
    """An objective one side proposed; the other side confirms it."""

    proposed_by: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        source="proposed_by_organisation",
        slug_field="slug",
        read_only=True,
        help_text="The organisation that proposed it; the other side confirms it.",
    )
    is_confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = SharedObjective
        fields = [
            "id",
            "text",
            "target_date",
            "proposed_by",
            "is_confirmed",
            "confirmed_at",
            "created_at",
        ]
        read_only_fields = fields


class PartnershipSerializer(serializers.ModelSerializer):
    """A request to act on an adoption together, and the partnership once accepted."""

    url = serializers.SerializerMethodField(help_text="This partnership's API resource.")
    state = serializers.ChoiceField(choices=PartnershipState.choices, read_only=True)
    direction = serializers.SerializerMethodField(
        help_text="`made`: your organisation asked (the adoption is yours); `received`: your "
        "organisation was asked (it answers)."
    )
    adoption = serializers.IntegerField(source="adoption_id", read_only=True)
    action = serializers.CharField(source="adoption.action.code", read_only=True)
    action_title = serializers.CharField(source="adoption.action.title", read_only=True)
    organisation = OrganisationRefSerializer(
        source="adoption.organisation",
        read_only=True,
        help_text="The adoption's organisation, which asked.",
    )
    partner = OrganisationRefSerializer(read_only=True, help_text="The organisation asked.")
    withdrawn_by: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        source="withdrawn_by_organisation", slug_field="slug", read_only=True, allow_null=True
    )
    objectives = SharedObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "url",
            "state",
            "direction",
            "adoption",
            "action",
            "action_title",
            "organisation",
            "partner",
            "message",
            "created_at",
            "answered_at",
            "withdrawn_at",
            "withdrawn_by",
            "objectives",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=[MADE, RECEIVED]))
    def get_direction(self, obj: Partnership) -> str:
        return MADE if obj.adoption.organisation_id == self.context["organisation"].pk else RECEIVED

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Partnership) -> str:
        kwargs = {"slug": self.context["organisation"].slug, "id": obj.pk}
        path = reverse(f"{API_NAMESPACE}:partnership-detail", kwargs=kwargs)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PartnershipRequestSerializer(serializers.Serializer):
    """Ask an organisation to act on the adoption together."""

    # Unverified organisations are not looked up: one message for them and for slugs that do
    # not exist, so that the answer does not tell which organisations are registered.
    organisation = CodeField(
        queryset=Organisation.objects.verified(),
        lookup="slug",
        unknown=_("There is no verified organisation “{value}” on the portal."),
        help_text="Slug of a verified organisation other than yours.",
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MESSAGE_MAX_LENGTH,
        help_text="A word to the partner, shown with the request.",
    )


class ObjectiveInputSerializer(serializers.Serializer):
    """A shared objective to propose: the other side confirms it."""

    text = serializers.CharField(max_length=OBJECTIVE_MAX_LENGTH)
    target_date = serializers.DateField(help_text="Not in the past.")
