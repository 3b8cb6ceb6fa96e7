"""``GET /api/v1/organisations/<slug>/roadmap/``: the organisation's own roadmap as JSON, the
same overlay as the page ``/o/<slug>/roadmap/`` (``apps.adoption.roadmap_overlay``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.organisations.api.permissions import OrganisationScopedMixin
from apps.organisations.permissions import Perm

from ..roadmap_overlay import published_overlay


class ActionStateSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    goal = serializers.CharField(help_text="Its intermediate goal's code.")
    status = serializers.CharField(help_text="The adoption's status; empty when not adopted.")
    percent = serializers.IntegerField(
        help_text="Percent complete, as counted towards the goals (0 when not adopted or "
        "discontinued)."
    )
    dormant = serializers.BooleanField()
    peer_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text="Share of organisations adopting it in the latest published benchmark; "
        "null when none is published or it is withheld.",
    )


class GoalStateSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    percent = serializers.IntegerField(
        help_text="The mean of its actions' percent complete, each action counting once."
    )
    adopted = serializers.IntegerField(help_text="How many of its actions are adopted.")
    actions = serializers.IntegerField(help_text="How many actions it has.")
    end_goal = serializers.CharField(
        source="parent", help_text="An intermediate goal's end goal; empty for an end goal."
    )


class OverlaySerializer(serializers.Serializer[Any]):
    edition = serializers.CharField(allow_null=True, help_text="The published edition's label.")
    end_goals = GoalStateSerializer(many=True)
    intermediate_goals = GoalStateSerializer(many=True, source="goals")
    actions = ActionStateSerializer(many=True)
    next = serializers.ListField(
        child=serializers.CharField(),
        help_text="Codes of the actions its peers adopt most and it has not adopted.",
    )


@extend_schema(
    tags=["adoptions"],
    summary="The organisation's roadmap",
    description=(
        "Where the organisation stands on every action of the published edition, rolled up "
        "to the intermediate and end goals, and the actions to consider next (those its peers "
        "adopt most, from the latest published benchmark). Needs `adoption:view`."
    ),
    responses=OverlaySerializer,
)
class OrganisationRoadmapView(OrganisationScopedMixin):
    permission = Perm.ADOPTION_VIEW

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = published_overlay(self.organisation)
        if found is None:
            empty: dict[str, Any] = {
                "edition": None,
                "end_goals": [],
                "goals": [],
                "actions": [],
                "next": [],
            }
            return Response(OverlaySerializer(empty).data)
        overlay = found.overlay
        data = {
            "edition": found.edition.version_label,
            "end_goals": overlay.end_goals,
            "goals": overlay.goals,
            "actions": overlay.actions,
            "next": [a.code for a in overlay.next],
        }
        return Response(OverlaySerializer(data).data)
