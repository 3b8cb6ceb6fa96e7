"""The benchmark read API.

The snapshot list and a snapshot's aggregate are public: they hold only the
figures the anonymisation rules let through. An organisation's position is for
its PE leads and admins (``benchmark:view``), through the same one check as the
pages: outsiders get 404, other members 403, anonymous callers 401.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import PageNumberPagination
from apps.organisations.api.permissions import OrganisationScopedMixin
from apps.organisations.permissions import Perm

from .. import selectors
from ..models import BenchmarkCell, BenchmarkSnapshot
from . import serializers
from .filters import CellFilter

TAGS = ["benchmarks"]
NOT_COMPILED = "No benchmark has been compiled for this period."


def snapshot_or_404(label: str) -> BenchmarkSnapshot:
    snapshot = selectors.snapshot_for(label)
    if snapshot is None:
        raise NotFound(NOT_COMPILED)
    return snapshot


@extend_schema(tags=TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List benchmark snapshots",
        description=(
            "Every reporting period that has a compiled benchmark, newest first: its dates, when "
            "it was compiled, how many verified organisations it includes, the smallest group it "
            "publishes a figure for (*k*), and the address of its public aggregate."
        ),
    ),
)
class BenchmarkListView(generics.ListAPIView):
    """The compiled snapshots, newest first."""

    permission_classes = [AllowAny]
    serializer_class = serializers.SnapshotSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[BenchmarkSnapshot]:
        return selectors.published_snapshots().order_by("-period__starts_on")


class CellPagination(PageNumberPagination):
    """Pages of cells, up to 1000 a page, with the snapshot they belong to."""

    page_size = 500
    max_page_size = 1000
    snapshot: BenchmarkSnapshot  # set by the view before it paginates

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        snapshot = serializers.SnapshotSerializer(
            self.snapshot, context={"request": self.request}
        ).data
        response.data = {"snapshot": snapshot, **response.data}
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "snapshot": {"$ref": "#/components/schemas/Snapshot"},
            **paginated["properties"],
        }
        paginated["required"] = ["snapshot", *paginated.get("required", [])]
        return paginated


@extend_schema(tags=TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a benchmark's public aggregate",
        # A paginated list of cells, but one resource: the snapshot of a period.
        operation_id="v1_benchmarks_retrieve",
        description=(
            "Every figure of the period's snapshot (for example `2026-Q2`): a measure of a subject "
            "for everyone or for one value of a breakdown. A figure from fewer than *k* "
            "organisations, or one that would let such a figure be worked out from totals, is "
            "withheld: its `value` and `n` are null, `suppressed` is true and `reason` / "
            "`reason_text` say why. Filter by `subject_type`, `subject_code`, `breakdown`, "
            "`breakdown_value` and `measure`; an unknown subject type or breakdown is a 400. "
            "Up to 1000 figures a page (`page_size`). 404 when the period has no snapshot. "
            "The same figures in one file: `/data/{period}/figures.csv` (or `.json`), described "
            "by `/data/{period}/datapackage.json`."
        ),
        responses={200: serializers.CellSerializer(many=True), 404: OpenApiResponse()},
    ),
)
class BenchmarkDetailView(generics.ListAPIView):
    """A snapshot's published figures; withheld ones are null with the reason."""

    permission_classes = [AllowAny]
    serializer_class = serializers.CellSerializer
    pagination_class = CellPagination
    filterset_class = CellFilter

    def get_queryset(self) -> QuerySet[BenchmarkCell]:
        if getattr(self, "swagger_fake_view", False):  # Building the schema: no period.
            return BenchmarkCell.objects.none()
        self.snapshot = snapshot_or_404(self.kwargs["period"])
        assert isinstance(self.paginator, CellPagination)
        self.paginator.snapshot = self.snapshot
        # The order of the unique constraint's index: pages are stable and cheap.
        return (
            BenchmarkCell.objects.public()
            .filter(snapshot=self.snapshot)
            .order_by("subject_type", "subject_code", "breakdown", "breakdown_value", "measure")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        snapshot = getattr(self, "snapshot", None)
        k = snapshot.min_group_size if snapshot is not None else None
        return {**super().get_serializer_context(), "k": k}


@extend_schema(tags=TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="Retrieve an organisation's benchmark position",
        description=(
            "Where the organisation stood at the end of the period (for example `2026-Q2`): for "
            "each end goal and dimension, the actions it has adopted against its stakeholder "
            "group's and everyone's medians, and a percentile band (never a rank); the actions its "
            "group adopts most; the intermediate goals where it trails its group. Peer figures are "
            "the snapshot's published ones: a withheld median is null with the reason. Needs "
            "`benchmark:view` (PE leads and admins). 404 when the period has no snapshot."
        ),
        responses={200: serializers.OrganisationPositionSerializer, 404: OpenApiResponse()},
    ),
)
class OrganisationBenchmarkView(OrganisationScopedMixin, APIView):
    """The organisation's position against its group and everyone, for its PE leads."""

    permission = Perm.BENCHMARK_VIEW
    http_method_names = ["get", "head", "options"]
    serializer_class = serializers.OrganisationPositionSerializer

    def get(self, request: Request, slug: str, period: str) -> Response:
        snapshot = snapshot_or_404(period)
        position = selectors.organisation_position(
            organisation=self.organisation, snapshot=snapshot
        )
        output = self.serializer_class(
            position, context={"request": request, "k": snapshot.min_group_size}
        )
        return Response(output.data)
