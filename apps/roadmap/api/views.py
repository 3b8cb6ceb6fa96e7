"""The public, read-only API of the published roadmap.

Every view allows anonymous reads and nothing else: ``AllowAny`` with read-only
views means a write gets 405 rather than the 401/403 of the project default.
"""

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from apps.roadmap.cache import cached_data
from apps.roadmap.filters import ActionFilter
from apps.roadmap.models import Action, Dimension, Edition, StakeholderGroup
from apps.roadmap.querysets import ActionQuerySet

from . import serializers

TAGS = ["roadmap"]
# The query parameters of the actions list (filters, pages, format): others are not cached.
CACHED_LIST_PARAMS = (*ActionFilter.Meta.fields, "page", "page_size", "format")


@extend_schema(
    tags=TAGS,
    summary="The published roadmap",
    description=(
        "The published edition: vision, mission, citation and licence, with the goal tree "
        "end goals → intermediate goals → actions, each goal with its assumptions and each "
        "action with the goals of other branches it contributes to (`contributes_to`); and "
        "the statements of the attitude pulse (`pulse_statements`). 404 while no edition is "
        "published."
    ),
)
class RoadmapView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = serializers.RoadmapSerializer
    filter_backends = []
    pagination_class = None

    def get_object(self) -> Edition:
        edition = (
            Edition.objects.published()
            .with_goal_tree()
            .with_assumptions()
            .prefetch_related(
                "end_goals__intermediate_goals__actions__addresses_barriers", "pulse_statements"
            )
            .first()
        )
        if edition is None:
            raise NotFound("No edition of the roadmap is published yet.")
        return edition


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="List actions",
        description=(
            "The published edition's actions, filtered by stakeholder group, dimension, "
            "end goal and free-text search (every word must match code, title, description "
            "or other actors)."
        ),
    ),
    retrieve=extend_schema(
        summary="Retrieve an action",
        description="One action of the published edition, by code (for example A1.2.3).",
    ),
)
class ActionViewSet(viewsets.ReadOnlyModelViewSet[Action]):
    permission_classes = [AllowAny]
    queryset = Action.objects.published()
    filterset_class = ActionFilter
    lookup_field = "code"
    # Codes contain dots (A1.2.3), which DRF's default lookup pattern excludes.
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Action]:
        # DRF's get_queryset is ``queryset.all()``, which keeps the queryset's class.
        qs = cast(ActionQuerySet, super().get_queryset())
        return qs.for_detail() if self.action == "retrieve" else qs.for_listing()

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "retrieve":
            return serializers.ActionDetailSerializer
        return serializers.ActionListSerializer

    # JSON from the cache is a plain HttpResponse, not DRF's Response (a TemplateResponse):
    # DRF's dispatch accepts any HttpResponseBase.
    def list(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Anonymous readers' JSON comes from the roadmap page cache (``roadmap/cache.py``),
        rendered; the browsable API's HTML page is per-user, so it is not cached."""
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)

        def render() -> str | bytes:
            data = super(ActionViewSet, self).list(request, *args, **kwargs).data
            context = self.get_renderer_context()
            return request.accepted_renderer.render(data, request.accepted_media_type, context)

        media_type = request.accepted_media_type
        content = cached_data(request, media_type, render, params=CACHED_LIST_PARAMS)
        return HttpResponse(content, content_type=media_type)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="List stakeholder groups",
        description="The stakeholder groups, each with its number of published actions.",
    ),
    retrieve=extend_schema(summary="Retrieve a stakeholder group"),
)
class StakeholderGroupViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = StakeholderGroup.objects.with_published_action_count()
    serializer_class = serializers.StakeholderGroupSerializer
    filter_backends = []
    lookup_field = "slug"


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="List dimensions",
        description="The sustainability dimensions, each with its number of published actions.",
    ),
    retrieve=extend_schema(summary="Retrieve a dimension"),
)
class DimensionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = Dimension.objects.with_published_action_count()
    serializer_class = serializers.DimensionSerializer
    filter_backends = []
    lookup_field = "slug"
