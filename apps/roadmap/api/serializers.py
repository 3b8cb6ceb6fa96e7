"""Read-only representations of the published roadmap for the public API.

Naming: ``url`` is the absolute URL of the item's own API resource, present on
items that have one (actions, stakeholder groups, dimensions); a resource's
``url`` is its own (external) address, since resources have no API resource.
``html_url`` is the absolute URL of the item's public page on the portal.
"""

from typing import Any, Protocol
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.roadmap.models import (
    Action,
    Assumption,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Provenance,
    PulseStatement,
    Resource,
    StakeholderGroup,
)

API_NAMESPACE = "api-roadmap"


class _HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.Field):
    """The absolute URL of the object's public page (its ``get_absolute_url``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: _HasPage) -> str:
        return _absolute(self.context.get("request"), value.get_absolute_url())


# --- Taxonomies and resources ------------------------------------------------------------


class StakeholderGroupRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:stakeholder-group-detail", lookup_field="slug"
    )

    class Meta:
        model = StakeholderGroup
        fields = ["slug", "name", "url"]


class DimensionRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:dimension-detail", lookup_field="slug"
    )

    class Meta:
        model = Dimension
        fields = ["slug", "name", "url"]


class StakeholderGroupSerializer(serializers.ModelSerializer):
    """A stakeholder group the roadmap addresses."""

    # Expects the queryset annotated with ``action_count``.

    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:stakeholder-group-detail", lookup_field="slug"
    )
    action_count = serializers.IntegerField(
        read_only=True, help_text="Number of actions of the published edition targeting the group."
    )
    actions_url = serializers.SerializerMethodField(
        help_text="The published edition's actions targeting this group."
    )

    class Meta:
        model = StakeholderGroup
        fields = ["slug", "name", "short_name", "description", "action_count", "url", "actions_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_actions_url(self, obj: StakeholderGroup) -> str:
        query = urlencode({"stakeholder_group": obj.slug})
        path = f"{reverse(f'{API_NAMESPACE}:action-list')}?{query}"
        return _absolute(self.context.get("request"), path)


class DimensionSerializer(serializers.ModelSerializer):
    """A sustainability dimension: culture, processes or resources."""

    # Expects the queryset annotated with ``action_count``.

    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:dimension-detail", lookup_field="slug"
    )
    action_count = serializers.IntegerField(
        read_only=True, help_text="Number of actions of the published edition in the dimension."
    )

    class Meta:
        model = Dimension
        fields = ["slug", "name", "purpose", "action_count", "url"]


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["slug", "title", "kind", "publisher", "url", "description"]


# --- The goal tree ---------------------------------------------------------------------------

TREE_ITEM_FIELDS = ["code", "title", "description", "provenance", "source_passage"]


class AssumptionSerializer(serializers.ModelSerializer):
    """An assumption of the theory of change: what must hold for its goal to be reached."""

    class Meta:
        model = Assumption
        fields = ["code", "text", "provenance", "source_passage"]


class PulseStatementSerializer(serializers.ModelSerializer):
    """A statement of the attitude pulse, answered from 1 (strongly disagree) to 5."""

    class Meta:
        model = PulseStatement
        fields = ["code", "text", "provenance", "source_passage"]


class TreeActionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:action-detail", lookup_field="code"
    )
    html_url = HtmlUrlField()
    dimension: serializers.SlugRelatedField[Dimension] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    stakeholder_groups: serializers.SlugRelatedField[StakeholderGroup] = (
        serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    )
    contributes_to: serializers.SlugRelatedField[IntermediateGoal] = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="Codes of intermediate goals of other branches the action also "
        "contributes to (besides its own, which it leads to).",
    )
    addresses_barriers: serializers.SlugRelatedField[BarrierCategory] = (
        serializers.SlugRelatedField(
            slug_field="slug",
            many=True,
            read_only=True,
            help_text="Slugs of the barrier categories the action helps overcome (the "
            "curators' mapping for this edition).",
        )
    )

    class Meta:
        model = Action
        fields = [
            *TREE_ITEM_FIELDS,
            "dimension",
            "stakeholder_groups",
            "contributes_to",
            "addresses_barriers",
            "url",
            "html_url",
        ]


class TreeIntermediateGoalSerializer(serializers.ModelSerializer):
    html_url = HtmlUrlField()
    assumptions = AssumptionSerializer(many=True, read_only=True)
    actions = TreeActionSerializer(many=True, read_only=True)

    class Meta:
        model = IntermediateGoal
        fields = [*TREE_ITEM_FIELDS, "html_url", "assumptions", "actions"]


class TreeEndGoalSerializer(serializers.ModelSerializer):
    html_url = HtmlUrlField()
    assumptions = AssumptionSerializer(many=True, read_only=True)
    intermediate_goals = TreeIntermediateGoalSerializer(many=True, read_only=True)

    class Meta:
        model = EndGoal
        fields = [*TREE_ITEM_FIELDS, "html_url", "assumptions", "intermediate_goals"]


class SourcedTextSerializer(serializers.Serializer):
    """A statement with its provenance and the passage of the paper it comes from."""

    # Nesting vision and mission this way (rather than flat ``vision_provenance``)
    # also gives every provenance field one OpenAPI enum, ``ProvenanceEnum``.

    text = serializers.CharField(read_only=True)
    provenance = serializers.ChoiceField(choices=Provenance.choices, read_only=True)
    source_passage = serializers.CharField(read_only=True)


class RoadmapSerializer(serializers.ModelSerializer):
    """The published edition of the roadmap with its whole goal tree."""

    # Expects an edition from ``Edition.objects.with_goal_tree()``.

    vision = serializers.SerializerMethodField()
    mission = serializers.SerializerMethodField()
    end_goals = TreeEndGoalSerializer(many=True, read_only=True)
    pulse_statements = PulseStatementSerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = [
            "title",
            "version_label",
            "status",
            "vision",
            "mission",
            "citation",
            "doi",
            "licence",
            "licence_url",
            "published_at",
            "end_goals",
            "pulse_statements",
        ]

    @extend_schema_field(SourcedTextSerializer)
    def get_vision(self, obj: Edition) -> dict:
        return self._statement(obj.vision, obj.vision_provenance, obj.vision_source)

    @extend_schema_field(SourcedTextSerializer)
    def get_mission(self, obj: Edition) -> dict:
        return self._statement(obj.mission, obj.mission_provenance, obj.mission_source)

    @staticmethod
    def _statement(text: str, provenance: str, source_passage: str) -> dict:
        data = {"text": text, "provenance": provenance, "source_passage": source_passage}
        return SourcedTextSerializer(data).data


# --- Actions -----------------------------------------------------------------------------------


class GoalRefSerializer(serializers.Serializer):
    """An end goal or intermediate goal, as referenced from an action."""

    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    html_url = HtmlUrlField()


class ActionListSerializer(serializers.ModelSerializer):
    """An action of the published edition, as listed."""

    # Expects actions from ``Action.objects.for_listing()``.

    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:action-detail", lookup_field="code"
    )
    html_url = HtmlUrlField()
    intermediate_goal: serializers.SlugRelatedField[IntermediateGoal] = (
        serializers.SlugRelatedField(slug_field="code", read_only=True)
    )
    end_goal = serializers.CharField(
        source="intermediate_goal.end_goal.code", read_only=True, help_text="End goal code."
    )
    dimension: serializers.SlugRelatedField[Dimension] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    stakeholder_groups: serializers.SlugRelatedField[StakeholderGroup] = (
        serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    )

    class Meta:
        model = Action
        fields = [
            *TREE_ITEM_FIELDS,
            "intermediate_goal",
            "end_goal",
            "dimension",
            "stakeholder_groups",
            "url",
            "html_url",
        ]


class ActionDetailSerializer(serializers.ModelSerializer):
    """An action of the published edition, in full."""

    # Expects an action from ``Action.objects.for_detail()``.

    url = serializers.HyperlinkedIdentityField(
        view_name=f"{API_NAMESPACE}:action-detail", lookup_field="code"
    )
    html_url = HtmlUrlField()
    intermediate_goal = GoalRefSerializer(read_only=True)
    end_goal = GoalRefSerializer(source="intermediate_goal.end_goal", read_only=True)
    dimension = DimensionRefSerializer(read_only=True)
    stakeholder_groups = StakeholderGroupRefSerializer(many=True, read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            *TREE_ITEM_FIELDS,
            "intermediate_goal",
            "end_goal",
            "dimension",
            "stakeholder_groups",
            "targets_basis",
            "other_actors",
            "resources",
            "url",
            "html_url",
        ]
