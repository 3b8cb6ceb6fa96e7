"""The adoption API: adoptions, their progress log, maturity assessments, the metric catalogue.

Views under ``organisations/<slug>/`` use :class:`OrganisationScopedMixin`, so they
authorise exactly as the pages do: outsiders get 404, members without the permission
403, anonymous callers 401. Querysets are scoped to the organisation in the URL, so an
id of another organisation's adoption or entry is 404; an accepted partner of a joint
adoption (issue 17) reads it, its progress log, and logs and confirms progress on it under
its own slug, while the list, changes and the partners stay the adoption's organisation's
(``partnership_views``). Every write goes through a
service in ``apps.adoption.services``; its ``ValidationError`` becomes a 400 keyed by
the API's field names, and nothing is stored.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.errors import service_errors
from apps.core.api.parsers import JSONParser
from apps.organisations.api.permissions import OrganisationScopedMixin
from apps.organisations.models import Organisation
from apps.organisations.permissions import Perm
from apps.organisations.services import checkpoint_schedule_update

from .. import services
from ..models import (
    Adoption,
    GoalReflection,
    MaturityAssessment,
    MaturityRating,
    Metric,
    ProgressEntry,
)
from ..next_steps import organisation_checkpoint
from ..partnerships.querysets import prefetch_accepted_partnerships
from ..querysets import ProgressEntryQuerySet
from ..services import EntryInput
from . import assessment_serializers, serializers
from .filters import AdoptionFilter

# Service error keys → the API's field names.
ENTRY_FIELDS = {
    "metric_values": "metrics",
    "status_to": "status",
    "barrier_assumptions": "barriers",
}
ASSESSMENT_FIELDS = {"levels": "ratings", "reflections": "reflections"}
# Adoption constraints whose model-wide errors are about one field of the request.
ADOPTION_CONSTRAINTS = {
    "adoption_once_per_action": "action",
    "adoption_target_after_start": "target_date",
}


def adoption_errors() -> dict[str, str]:
    """The adoption constraints' messages (in the active language) → their fields."""
    return {
        str(constraint.violation_error_message): ADOPTION_CONSTRAINTS[constraint.name]
        for constraint in Adoption._meta.constraints
        if constraint.name in ADOPTION_CONSTRAINTS
    }


class OrganisationContextMixin(OrganisationScopedMixin, generics.GenericAPIView[Any]):
    """Gives serializers the organisation of the URL (None while building the schema)."""

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        return {**context, "organisation": getattr(self, "organisation", None)}

    def parse(self, serializer_class: type[BaseSerializer], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- Adoptions --------------------------------------------------------------------------------

ADOPTION_TAGS = ["adoptions"]
ADOPT_DESCRIPTION = (
    "Adopt an action of the published roadmap, by code. An action is adopted once per "
    "organisation; the owner must be a member (by email address). `partners` is read-only "
    "(400 if sent): ask a partner with POST …/adoptions/<id>/partners/. The first progress "
    "entry records the adoption. Needs `adoption:write` (contributors, PE leads, admins)."
)


class AdoptionViewMixin(OrganisationContextMixin):
    def adoptions(self, *, joint: bool = False) -> QuerySet[Adoption]:
        """The organisation's adoptions; with ``joint``, those it acts on as a partner too."""
        if getattr(self, "swagger_fake_view", False):  # Building the schema: no organisation.
            return Adoption.objects.none()
        adoptions = Adoption.objects.all()
        if joint:
            adoptions = adoptions.visible_to(self.organisation)
        else:
            adoptions = adoptions.for_organisation(self.organisation)
        return adoptions.for_listing().prefetch_related(prefetch_accepted_partnerships())

    def respond(self, adoption: Adoption, code: int = status.HTTP_200_OK) -> Response:
        adoption = self.adoptions().get(pk=adoption.pk)
        output = serializers.AdoptionSerializer(adoption, context=self.get_serializer_context())
        return Response(output.data, status=code)


@extend_schema(tags=ADOPTION_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List adoptions",
        description=(
            "The organisation's adoptions, by action code, filtered by status, end goal "
            "(code), dimension (slug) and owner (user id or email). Needs `adoption:view`."
        ),
    ),
    post=extend_schema(
        summary="Adopt an action",
        description=ADOPT_DESCRIPTION,
        request=serializers.AdoptionCreateSerializer,
        responses={201: serializers.AdoptionSerializer},
    ),
)
class AdoptionListView(AdoptionViewMixin, generics.ListAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"POST": Perm.ADOPTION_WRITE}
    serializer_class = serializers.AdoptionSerializer
    filterset_class = AdoptionFilter

    def get_queryset(self) -> QuerySet[Adoption]:
        return self.adoptions()

    def get_serializer_class(self) -> type[BaseSerializer]:
        # For the browsable API's form; the schema is declared with extend_schema.
        if self.request.method == "POST":
            return serializers.AdoptionCreateSerializer
        return super().get_serializer_class()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.parse(serializers.AdoptionCreateSerializer)
        with service_errors(adoption_errors()):
            adoption = services.adoption_create(
                organisation=self.organisation,
                by=self.user,
                action=data.pop("action"),
                **data,
            )
        return self.respond(adoption, status.HTTP_201_CREATED)


@extend_schema(tags=ADOPTION_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="Retrieve an adoption",
        description=(
            "The organisation's adoption, or one it acts on as an accepted partner (a joint "
            "adoption, under the partner's own slug). Needs `adoption:view`."
        ),
    ),
    patch=extend_schema(
        summary="Change an adoption",
        description=(
            "Only the fields sent change; `partners` is read-only (400 if sent: ask a partner "
            "with POST …/partners/). A status change leaves a progress entry. An adoption "
            "whose action was removed from the roadmap is read-only (400). Only the adoption's "
            "own organisation changes it (a partner gets 404). Needs `adoption:write`."
        ),
        request=serializers.AdoptionWriteSerializer,
        responses={200: serializers.AdoptionSerializer},
    ),
)
class AdoptionDetailView(AdoptionViewMixin, generics.RetrieveAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"PATCH": Perm.ADOPTION_WRITE}
    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = serializers.AdoptionSerializer
    lookup_url_kwarg = "id"
    filter_backends = []

    def get_queryset(self) -> QuerySet[Adoption]:
        return self.adoptions(joint=self.request.method != "PATCH")

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.request.method == "PATCH":
            return serializers.AdoptionWriteSerializer
        return super().get_serializer_class()

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        adoption = self.get_object()
        data = self.parse(serializers.AdoptionWriteSerializer, partial=True)
        with service_errors(adoption_errors()):
            adoption = services.adoption_update(adoption=adoption, by=self.user, **data)
        return self.respond(adoption)


# --- Progress ---------------------------------------------------------------------------------

PROGRESS_TAGS = ["progress"]
ENTRY_REQUEST = {
    "application/json": serializers.ProgressEntryJSONSerializer,
    "multipart/form-data": serializers.ProgressEntryMultipartSerializer,
}
ENTRY_RULES = (
    " Send JSON, or a multipart form to upload evidence files (PDF, DOCX, XLSX, PNG, JPEG; "
    "at most 10 MB each, 10 files and 50 MB per entry, within the organisation's storage "
    "quota; the type is read from the content, and Office files with macros or external "
    "links and PDFs with scripts, launch actions or embedded files are refused, with the "
    "reason under `files`). A status given here changes "
    "the adoption's status. Anything invalid (a file, a link, a percentage outside 0-100, "
    "a negative or unknown metric) answers 400 and nothing is stored. A barrier may name the "
    "roadmap's assumption it challenges (`assumption`), and an entry that discontinues the "
    "adoption the assumption that did not hold (`challenged_assumption`): an assumption of "
    "the adopted action's edition, else 400 under that field. On a joint adoption the entry "
    "is written by the organisation of the URL (its `organisation`); a partner cannot change "
    "the status or the percent complete (400). Needs `adoption:write`."
)


class EntryViewMixin(OrganisationContextMixin):
    """Views under an adoption: the organisation's adoption, or a joint adoption it acts on
    as an accepted partner, or 404. Entries are written for the organisation of the URL."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @cached_property
    def adoption(self) -> Adoption:
        """The adoption of the URL, own or joint (its action is read when asked for)."""
        adoption = Adoption.objects.visible_one(self.organisation, self.kwargs["id"])
        if adoption is None:
            raise Http404
        return adoption

    def entry(self) -> ProgressEntry:
        """The entry of the URL (``entry_id``), any version, of the adoption, or 404."""
        return get_object_or_404(self.adoption.entries.all(), pk=self.kwargs["entry_id"])

    def entries(self) -> ProgressEntryQuerySet:
        if getattr(self, "swagger_fake_view", False):
            return ProgressEntry.objects.none()
        return self.adoption.entries.with_details(labels=False).with_confirmations(labels=False)

    def entry_input(self) -> EntryInput:
        data = self.parse(serializers.ProgressEntryInputSerializer)
        return EntryInput(
            entry_date=data.get("entry_date") or timezone.localdate(),
            narrative=data["narrative"],
            status_to=data.get("status") or "",
            percent_complete=data.get("percent_complete"),
            links=data["links"],
            files=data["files"],
            metric_values={row["metric"]: row["value"] for row in data["metrics"]},
            barriers={row["category"]: row["note"] for row in data["barriers"]},
            barrier_assumptions={
                row["category"]: row["assumption"] for row in data["barriers"] if row["assumption"]
            },
            challenged_assumption=data.get("challenged_assumption"),
        )

    def respond(self, entry: ProgressEntry) -> Response:
        """The entry the service wrote, as the log lists it: it holds its rows (evidence,
        metric values, barriers, no confirmations yet), so it is not read again."""
        context = self.get_serializer_context()
        output = serializers.ProgressEntrySerializer(entry, context=context)
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=PROGRESS_TAGS)
@extend_schema_view(
    get=extend_schema(
        summary="List progress entries",
        description=(
            "The adoption's progress log, newest first: the current version of each entry, "
            "with its evidence, metric values and barriers, the organisation that wrote it "
            "and, on a joint adoption, the other sides' `confirmations`. A correction's "
            "`supersedes` is the id of the version it replaces; `include_corrected=true` "
            "lists those too. "
            "Files are downloaded from `download_url` by signed-in members. Needs "
            "`adoption:view`."
        ),
        parameters=[
            OpenApiParameter(
                "include_corrected",
                OpenApiTypes.BOOL,
                description="Also list the versions that corrections replaced.",
            )
        ],
    ),
    post=extend_schema(
        summary="Log progress",
        description="Add a dated progress entry to the adoption." + ENTRY_RULES,
        request=ENTRY_REQUEST,
        responses={201: serializers.ProgressEntrySerializer},
    ),
)
class ProgressListView(EntryViewMixin, generics.ListAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"POST": Perm.ADOPTION_WRITE}
    serializer_class = serializers.ProgressEntrySerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[ProgressEntry]:
        entries = self.entries()
        if self.request.query_params.get("include_corrected") in ("true", "1"):
            return entries
        return entries.current()

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.request.method == "POST":
            return serializers.ProgressEntryInputSerializer
        return super().get_serializer_class()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.entry_input()
        with service_errors(ENTRY_FIELDS):
            entry = services.progress_entry_create(
                adoption=self.adoption, by=self.user, data=data, organisation=self.organisation
            )
        return self.respond(entry)


@extend_schema(
    tags=PROGRESS_TAGS,
    summary="Correct a progress entry",
    description=(
        "Entries are never edited: the correction is a new entry that supersedes this one, "
        "which stays readable. Only the current version can be corrected, and only by the "
        "organisation that wrote it (400 otherwise)." + ENTRY_RULES
    ),
    request=ENTRY_REQUEST,
    responses={201: serializers.ProgressEntrySerializer},
)
class ProgressCorrectView(EntryViewMixin, generics.GenericAPIView):
    permission = Perm.ADOPTION_WRITE
    serializer_class = serializers.ProgressEntryInputSerializer
    filter_backends = []

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.entry()
        data = self.entry_input()
        with service_errors(ENTRY_FIELDS):
            correction = services.progress_entry_correct(
                entry=entry, by=self.user, data=data, organisation=self.organisation
            )
        return self.respond(correction)


# --- Maturity assessments ---------------------------------------------------------------------


@extend_schema(tags=["assessments"])
@extend_schema_view(
    get=extend_schema(
        summary="List maturity assessments",
        description=(
            "The organisation's maturity checkpoints, newest first, each with a 1-5 level "
            "for end goals (`end_goal`: code) and dimensions (`dimension`: slug), and the "
            "reflections on end goals (what worked, what did not). Earlier assessments are "
            "kept for comparison. Needs `adoption:view`."
        ),
    ),
    post=extend_schema(
        summary="Record a maturity assessment",
        description=(
            "Rate the organisation's PE maturity from 1 (ad hoc) to 5 (embedded), each "
            'rating for an end goal or a dimension: `{"end_goal": "EG1", "level": 3}` or '
            '`{"dimension": "culture", "level": 2}`; optionally a reflection per end goal: '
            '`{"end_goal": "EG1", "worked": "…", "did_not_work": "…"}`. An unknown end goal '
            "is a 400 and nothing is stored. Needs `assessment:write` (PE leads, admins)."
        ),
        request=assessment_serializers.AssessmentInputSerializer,
        responses={201: assessment_serializers.AssessmentSerializer},
    ),
)
class AssessmentListView(OrganisationContextMixin, generics.ListAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"POST": Perm.ASSESSMENT_WRITE}
    serializer_class = assessment_serializers.AssessmentSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[MaturityAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return MaturityAssessment.objects.none()
        ratings = MaturityRating.objects.select_related("end_goal", "dimension").order_by("pk")
        reflections = GoalReflection.objects.select_related("end_goal").order_by("end_goal__code")
        return self.organisation.assessments.select_related("created_by").prefetch_related(
            Prefetch("ratings", queryset=ratings), Prefetch("reflections", queryset=reflections)
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.request.method == "POST":
            return assessment_serializers.AssessmentInputSerializer
        return super().get_serializer_class()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.parse(assessment_serializers.AssessmentInputSerializer)
        ratings = data["ratings"]
        with service_errors(ASSESSMENT_FIELDS):
            assessment = services.assessment_create(
                organisation=self.organisation,
                by=self.user,
                assessed_on=data.get("assessed_on") or timezone.localdate(),
                notes=data["notes"],
                goal_levels={r["end_goal"]: r["level"] for r in ratings if r.get("end_goal")},
                dimension_levels={
                    r["dimension"]: r["level"] for r in ratings if r.get("dimension")
                },
                reflections={
                    r["end_goal"]: services.Reflection(r["worked"], r["did_not_work"])
                    for r in data["reflections"]
                },
            )
        assessment = self.get_queryset().get(pk=assessment.pk)
        output = assessment_serializers.AssessmentSerializer(
            assessment, context=self.get_serializer_context()
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    get=extend_schema(
        summary="Read the checkpoint schedule",
        description=(
            "How often the organisation holds a maturity checkpoint (an assessment and a "
            "reflection per end goal), and when the next one is due. Needs `adoption:view`."
        ),
    ),
    put=extend_schema(
        summary="Set the checkpoint schedule",
        description=(
            "`review_every_months`: 3, 6 or 12, or null for no checkpoints; "
            "`first_review_on`: optional, no checkpoint is due before it. Needs "
            "`assessment:write` (PE leads, admins)."
        ),
    ),
)
class CheckpointScheduleView(OrganisationContextMixin, generics.GenericAPIView):
    permission = Perm.ADOPTION_VIEW
    permissions_by_method = {"PUT": Perm.ASSESSMENT_WRITE}
    serializer_class = assessment_serializers.CheckpointScheduleSerializer
    http_method_names = ["get", "put", "head", "options"]

    def get_object(self) -> Organisation:
        return self.organisation  # the schedule is the organisation's (OPTIONS asks for it)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._schedule())

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.parse(assessment_serializers.CheckpointScheduleSerializer)
        with service_errors():
            checkpoint_schedule_update(
                organisation=self.organisation,
                by=self.user,
                review_every_months=data["review_every_months"],
                first_review_on=data["first_review_on"],
            )
        return Response(self._schedule())

    def _schedule(self) -> dict[str, Any]:
        organisation = self.organisation
        latest = list(organisation.assessments.values_list("assessed_on", flat=True)[:1])
        checkpoint = organisation_checkpoint(organisation, latest, timezone.localdate())
        schedule = {
            "review_every_months": organisation.review_every_months,
            "first_review_on": organisation.first_review_on,
            "next_due": checkpoint.due if checkpoint else None,
            "is_due": bool(checkpoint and checkpoint.is_due),
        }
        return dict(assessment_serializers.CheckpointScheduleSerializer(schedule).data)


# --- Metric catalogue -------------------------------------------------------------------------


@extend_schema(
    tags=["metrics"],
    summary="List metrics",
    description=(
        "The active metric catalogue that progress entries report values for (after the "
        "PARADIGM Monitoring and Evaluation framework). Public and read-only; not paginated."
    ),
)
class MetricListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    queryset = Metric.objects.filter(is_active=True)
    serializer_class = serializers.MetricSerializer
    filter_backends = []
    pagination_class = None
