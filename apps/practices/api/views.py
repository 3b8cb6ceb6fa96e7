"""The practice library's API: the public list and detail of published case studies, and
an organisation's own (list, and a new one).

The public views allow anonymous reads and nothing else (405 for writes). The
organisation's view authorises as its pages do (``OrganisationScopedMixin``): outsiders
404, members without the permission 403, anonymous callers 401.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.errors import service_errors
from apps.core.api.parsers import JSONParser
from apps.organisations.api.permissions import OrganisationScopedMixin
from apps.organisations.permissions import Perm

from .. import services
from ..filters import CaseStudyFilter
from ..models import CaseStudy
from . import serializers

TAGS = ["practices"]


def _published() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.published().for_listing().prefetch_related("files")


@extend_schema(tags=TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List published case studies",
        description=(
            "The practice library: published case studies, newest first, filtered by action "
            "(code), the organisation's stakeholder group (slug) and country (ISO code), "
            "dimension (slug) and end goal (code)."
        ),
    )
)
class CaseStudyListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = serializers.CaseStudySerializer
    filterset_class = CaseStudyFilter

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return _published()


@extend_schema(tags=TAGS)
@extend_schema_view(get=extend_schema(summary="Retrieve a published case study"))
class CaseStudyDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = serializers.CaseStudySerializer
    lookup_url_kwarg = "id"
    filter_backends = []

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return _published()


@extend_schema(tags=TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List the organisation's case studies",
        description="Every case study of the organisation, in any state. Needs `adoption:view`.",
    ),
    post=extend_schema(
        summary="Write a case study",
        description=(
            "Write a case study of one of the organisation's adoptions (by action code). It "
            "is a draft, or submitted to the organisation's admins with `submit: true`; they "
            "approve it on the portal, then portal staff publish it. Text is stored as "
            "written and always shown escaped. Send JSON, or a multipart form with "
            "attachments (`files`), which are checked as evidence files are: a refused file "
            "answers 400 with the reason under `files`, and nothing is stored. Needs "
            "`adoption:write` (contributors, PE leads, admins)."
        ),
        request={
            "application/json": serializers.CaseStudyCreateSerializer,
            "multipart/form-data": serializers.CaseStudyMultipartSerializer,
        },
        responses={201: serializers.OrganisationCaseStudySerializer},
    ),
)
class OrganisationCaseStudyListView(OrganisationScopedMixin, generics.ListAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"POST": Perm.ADOPTION_WRITE}
    serializer_class = serializers.OrganisationCaseStudySerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[CaseStudy]:
        if getattr(self, "swagger_fake_view", False):  # Building the schema: no organisation.
            return CaseStudy.objects.none()
        return (
            CaseStudy.objects.for_organisation(self.organisation)
            .for_listing()
            .prefetch_related("files")
            .order_by("-updated_at")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        return {**context, "organisation": getattr(self, "organisation", None)}

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.request.method == "POST":
            return serializers.CaseStudyCreateSerializer
        return super().get_serializer_class()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = serializers.CaseStudyMultipartSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        submit = data.pop("submit", False)
        files = data.pop("files", [])
        with service_errors(), transaction.atomic():
            case_study = services.case_study_create(
                adoption=data.pop("action"), by=self.user, files=files, **data
            )
            if submit:
                case_study = services.case_study_submit(case_study=case_study, by=self.user)
        output = serializers.OrganisationCaseStudySerializer(
            self.get_queryset().get(pk=case_study.pk), context=self.get_serializer_context()
        )
        return Response(output.data, status=status.HTTP_201_CREATED)
