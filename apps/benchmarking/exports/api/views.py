"""The export API: start an organisation's benchmark report export, then poll for it.

``POST organisations/<slug>/exports/`` answers 202 with the job's status URL (also in
``Location``). The status URL answers 409 with the percentage while the job waits or
runs, 200 with the file once it is ready, and 410 when it failed or expired. The same
one permission check as the pages: outsiders 404, members without the permission 403,
anonymous callers 401; a job of another organisation is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.organisations.api.permissions import OrganisationScopedMixin
from apps.organisations.permissions import Perm

from ...models import ExportJob
from .. import services
from ..pdf import CONTENT_TYPE as PDF_TYPE
from ..selectors import (
    EXPIRED,
    EXPIRED_MESSAGE,
    UNFINISHED,
    export_jobs_of,
    export_message,
    export_state,
)
from . import serializers

TAGS = ["benchmark exports"]
FILE_TYPES = {
    PDF_TYPE: "PDF",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "text/csv": "CSV",
}


def _private[R: HttpResponseBase](response: R) -> R:
    patch_cache_control(response, private=True, no_store=True)
    return response


@extend_schema(
    tags=TAGS,
    summary="Start a benchmark report export",
    description=(
        "Queue an export of the organisation's benchmark report for a compiled period "
        '(`{"period": "2026-Q2", "format": "pdf"}`; formats `pdf`, `xlsx`, `csv`). Answers '
        "202 with the job's `status_url` (also in the `Location` header): poll it for the file. "
        "The same export already waiting or running for you is returned instead of a second "
        "one. If the task queue is down, the job stays queued and runs when the queue is back "
        "(`detail` says so). The requester is emailed when the file is ready. Needs "
        "`benchmark:export` (PE leads, admins)."
    ),
    request=serializers.ExportRequestSerializer,
    responses={
        202: serializers.ExportAcceptedSerializer,
        400: OpenApiResponse(description="Unknown period or format."),
    },
)
class ExportCreateView(OrganisationScopedMixin, generics.GenericAPIView):
    permission = Perm.BENCHMARK_EXPORT
    serializer_class = serializers.ExportRequestSerializer
    filter_backends = []
    pagination_class = None

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.export_request(
            requested_by=self.user,
            organisation=self.organisation,
            snapshot=serializer.validated_data["snapshot"],
            format=serializer.validated_data["format"],
        )
        status_url = request.build_absolute_uri(
            reverse("api-benchmark-exports:export-status", args=[self.organisation.slug, job.pk])
        )
        body = {
            "id": job.pk,
            "status": job.status,
            "progress": job.progress,
            "status_url": status_url,
            "detail": export_message(job),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})


@extend_schema(
    tags=TAGS,
    summary="Get an export's file, or its progress",
    description=(
        "While the export waits or runs: 409 with its `status` and `progress` (0-100). When "
        "it is ready: 200 with the file as an attachment (PDF, XLSX or CSV, as requested). "
        "When it failed, or its link expired (a day after it was made): 410; start a new "
        "export. Needs `benchmark:view` (PE leads, admins)."
    ),
    responses={
        (200, media_type): OpenApiResponse(
            response=OpenApiTypes.BINARY, description=f"The {label} file, as an attachment."
        )
        for media_type, label in FILE_TYPES.items()
    }
    | {
        409: OpenApiResponse(
            response=serializers.ExportPendingSerializer,
            description="The export is not ready yet.",
        ),
        410: OpenApiResponse(
            response=serializers.ExportGoneSerializer,
            description="The export failed or expired.",
        ),
    },
)
class ExportStatusView(OrganisationScopedMixin, generics.GenericAPIView):
    permission = Perm.BENCHMARK_VIEW
    filter_backends = []
    pagination_class = None

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ExportJob.objects.none()
        return export_jobs_of(self.organisation)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        job = get_object_or_404(self.get_queryset(), pk=kwargs["id"])
        state = export_state(job)
        if state in UNFINISHED:
            body = {"status": state, "progress": job.progress, "detail": export_message(job)}
            return _private(Response(body, status=status.HTTP_409_CONFLICT))
        if state == ExportJob.Status.DONE:
            try:
                handle = job.file.open("rb")
            except FileNotFoundError:
                state = EXPIRED
            else:
                return _private(FileResponse(handle, as_attachment=True, filename=job.file_name))
        detail = gettext(EXPIRED_MESSAGE) if state == EXPIRED else export_message(job)
        body = {"status": state, "detail": detail}
        return _private(Response(body, status=status.HTTP_410_GONE))
