"""``GET /api/v1/curation/actions/``: the curators' report per action, for portal staff
(tokens or sessions); 404 to everyone else."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics

from ..models import Flag
from ..permissions import IsCurator
from ..selectors import ActionRow, curation_report
from .serializers import CurationActionSerializer


@extend_schema(
    tags=["curation"],
    summary="List the curators' report per action",
    description=(
        "For portal staff only (404 to everyone else): per action of the published edition, "
        "its uptake in each published benchmark period and the trend, the median days from "
        "adoption to implemented and to embedded, the dormant and discontinued shares, the "
        "most reported barriers and its flags. Every figure follows the benchmark's "
        "anonymisation rules: a withheld one is null, with the reason."
    ),
    parameters=[
        OpenApiParameter("flag", OpenApiTypes.STR, enum=Flag.values, description="Flagged so."),
        OpenApiParameter("end_goal", OpenApiTypes.STR, description="Of this end goal (code)."),
    ],
    responses={200: CurationActionSerializer(many=True), 404: OpenApiResponse()},
)
class CurationActionsView(generics.ListAPIView):
    permission_classes = [IsCurator]
    serializer_class = CurationActionSerializer
    filter_backends: list[Any] = []  # the rows are the report's (``flag``, ``end_goal``)

    def get_queryset(self) -> list[ActionRow]:  # type: ignore[override]
        self.report = curation_report()
        params = self.request.query_params
        return self.report.filtered(
            flag=params.get("flag", ""), end_goal=params.get("end_goal", "")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        report = getattr(self, "report", None)
        return {**super().get_serializer_context(), "periods": report.periods if report else []}
