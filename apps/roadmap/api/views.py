"""The public, read-only API of the published roadmap.

Every view allows anonymous reads and nothing else: ``AllowAny`` with read-only
views means a write gets 405 rather than the 401/403 of the project default.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from apps.roadmap.cache import cached_page
from apps.roadmap.filters import ActionFilter
from apps.roadmap.models import Action, Dimension, Edition, StakeholderGroup
from apps.roadmap.querysets import ActionQuerySet

from . import serializers

TAGS = ["roadmap"]
# The query parameters of the actions list (filters, pages, format): others are not cached.
CACHED_LIST_PARAMS = (*ActionFilter.Meta.fields, "page", "page_size", "format")
# What an Accept header says when DRF would answer with its JSON renderer (the first).
JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def answered_in_json(request: HttpRequest) -> bool:
    """DRF would answer ``request`` with JSON, and it carries no credentials of DRF's own
    (an API token, which DRF checks and may refuse): told from the request alone."""
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and request.META.get("HTTP_ACCEPT", "").strip() in JSON_ACCEPTS
        and request.GET.get("format", "json") == "json"
    )


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

    @classmethod
    def as_view(  # type: ignore[override]
        cls, actions: dict[str, Any] | None = None, **initkwargs: Any
    ) -> Callable[..., HttpResponseBase]:
        """The list's JSON, for anonymous readers, comes from the roadmap page cache
        (``roadmap/cache.py``) ahead of DRF's dispatch: a stored answer costs no
        authentication, negotiation or rendering. Anything else (the browsable API, a
        token, a signed-in reader, another format) goes through DRF as usual."""
        view = super().as_view(actions, **initkwargs)
        if not actions or actions.get("get") != "list":
            return view

        def cached_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not answered_in_json(request):
                return view(request, *args, **kwargs)
            return cached_page(
                request,
                lambda: view(request, *args, **kwargs),
                params=CACHED_LIST_PARAMS,
                variant="json",
            )

        # The router and the schema read the view's attributes (cls, actions, csrf_exempt).
        return update_wrapper(cached_list, view)


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
