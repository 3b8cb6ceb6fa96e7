"""GET /api/v1/pulse/ (anyone) and POST /api/v1/pulse/responses/ (signed in)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.requests import signed_in_user
from apps.core.api.errors import service_errors
from apps.pulse import services
from apps.pulse.forms import scale_labels
from apps.pulse.selectors import current_period, has_answered, pulse_statements

from .serializers import PulseReceiptSerializer, PulseResponseSerializer, PulseSerializer

TAGS = ["pulse"]


class AlreadyAnsweredError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_answered"


@extend_schema(
    tags=TAGS,
    summary="The attitude pulse",
    description=(
        "The statements of the published edition's attitude pulse, in the request's language, "
        "with the current reporting period and, for a signed-in person, whether they have "
        "answered in it. Answers are never shown one by one: they are compiled with the "
        "benchmark under its anonymisation rules."
    ),
    responses=PulseSerializer,
)
class PulseView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        period = current_period()
        user = request.user
        data = {
            "period": period.label,
            "next_period_starts_on": period.next_starts_on,
            "scale": {str(value): str(label) for value, label in scale_labels()},
            "statements": [{"code": s.code, "text": s.text} for s in pulse_statements()],
            "answered": has_answered(user=user, period=period) if user.is_authenticated else None,
        }
        return Response(PulseSerializer(data).data)


@extend_schema(
    tags=TAGS,
    summary="Answer the attitude pulse",
    description=(
        "Your answers to every statement of the current pulse, from 1 (strongly disagree) to "
        "5 (strongly agree), given for one of your organisations. Once per person and "
        "reporting period: a second answer in the same period is refused with 409. 400 when "
        "a statement is missing, unknown (of another edition) or answered outside 1 to 5, or "
        "when you are not a member of the organisation."
    ),
    request=PulseResponseSerializer,
    responses={
        201: PulseReceiptSerializer,
        400: OpenApiResponse(description="The answers or the organisation are refused."),
        409: OpenApiResponse(description="You have answered in this period already."),
    },
)
class PulseResponseView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        serializer = PulseResponseSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data["organisation"]
        answers = [(a["statement"], a["value"]) for a in serializer.validated_data["answers"]]
        try:
            with service_errors():
                submission = services.pulse_submit(
                    user=signed_in_user(request), organisation=organisation, answers=answers
                )
        except services.AlreadyAnswered as error:
            raise AlreadyAnsweredError(error.message) from error
        receipt = {
            "period": submission.period,
            "organisation": organisation.slug,
            "answers": len(answers),
        }
        return Response(PulseReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
