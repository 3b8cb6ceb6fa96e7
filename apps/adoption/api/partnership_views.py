"""The joint commitments API (issue 17): asking an organisation to act on an adoption together,
answering, withdrawing, shared objectives, and confirming the other side's progress entries.

Views under ``organisations/<slug>/`` authorise as the rest of the adoption API
(:class:`OrganisationScopedMixin`: outsiders 404, members without the permission 403). A
partnership is found only among those of the organisation of the URL (made for its adoptions,
or received), and a request is answered only by the organisation that received it: anyone
else's id is 404. Every write is a service of ``apps.adoption.partnerships.services``, whose
``ValidationError`` (a wrong state, one's own objective or entry) becomes a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.errors import service_errors
from apps.organisations.permissions import Perm

from ..models import Adoption, Partnership, SharedObjective
from ..partnerships import services
from ..partnerships.querysets import PartnershipQuerySet
from . import partnership_serializers as pserializers
from . import serializers
from .filters import PartnershipFilter
from .views import EntryViewMixin, OrganisationContextMixin

T = TypeVar("T", bound=Callable[..., Any])
PARTNERSHIP_TAGS = ["partnerships"]
MANAGE = " Needs `adoption:manage` (PE leads, admins)."
STATE_RULE = " A partnership in another state answers 400 and nothing changes."


def move_schema(summary: str, description: str) -> Callable[[T], T]:
    """The schema of a POST without a body that answers the partnership as it now is."""
    return extend_schema(
        tags=PARTNERSHIP_TAGS,
        summary=summary,
        description=description + STATE_RULE + MANAGE,
        request=None,
        responses={200: pserializers.PartnershipSerializer},
    )


class PartnershipViewMixin(OrganisationContextMixin):
    """The partnerships of the organisation of the URL: made for its adoptions, or received."""

    serializer_class: type[BaseSerializer] = pserializers.PartnershipSerializer

    def partnerships(self) -> PartnershipQuerySet:
        if getattr(self, "swagger_fake_view", False):  # Building the schema: no organisation.
            return Partnership.objects.none()
        objectives = SharedObjective.objects.select_related("proposed_by_organisation")
        received = ExpressionWrapper(Q(partner=self.organisation), output_field=BooleanField())
        return (
            Partnership.objects.involving(self.organisation)
            .for_listing()
            .prefetch_related(Prefetch("objectives", queryset=objectives))
            .annotate(received=received)
        )

    def partnership(self, partnerships: PartnershipQuerySet | None = None) -> Partnership:
        found = self.partnerships() if partnerships is None else partnerships
        return get_object_or_404(found, pk=self.kwargs["id"])

    def respond(self, partnership: Partnership, code: int = status.HTTP_200_OK) -> Response:
        partnership = self.partnerships().get(pk=partnership.pk)
        output = pserializers.PartnershipSerializer(
            partnership, context=self.get_serializer_context()
        )
        return Response(output.data, status=code)


@extend_schema(
    tags=PARTNERSHIP_TAGS,
    summary="Ask a partner to act on an adoption together",
    description=(
        "Ask a verified organisation (by slug) to act on this adoption with yours: a request "
        "in state `pending`, which the partner accepts or declines. Once accepted, the "
        "partner's members read the adoption and log and confirm progress on it under their "
        "own organisation's address. An unknown or unverified organisation, your own, or one "
        "already asked for this adoption (unless that request was withdrawn) answers 400 "
        "under `organisation`; an adoption whose action was removed from the roadmap, 400. "
        "The partner's PE leads and admins are told by email." + MANAGE
    ),
    request=pserializers.PartnershipRequestSerializer,
    responses={201: pserializers.PartnershipSerializer},
)
class PartnershipRequestView(PartnershipViewMixin, generics.GenericAPIView):
    permission = Perm.ADOPTION_MANAGE
    serializer_class = pserializers.PartnershipRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        adoption = get_object_or_404(
            Adoption.objects.for_organisation(self.organisation), pk=kwargs["id"]
        )
        data = self.parse(pserializers.PartnershipRequestSerializer)
        with service_errors():
            partnership = services.partnership_request(
                adoption=adoption,
                partner=data["organisation"],
                by=self.user,
                message=data["message"],
            )
        return self.respond(partnership, status.HTTP_201_CREATED)


@extend_schema(
    tags=PARTNERSHIP_TAGS,
    summary="List partnerships",
    description=(
        "The requests your organisation made (`direction`: `made`, for its adoptions) and "
        "received (`received`), newest first, in every state (`pending`, `accepted`, "
        "`declined`, `withdrawn`), each with its shared objectives. `?direction=received&"
        "state=pending`: the requests waiting for your answer. Needs `adoption:view`."
    ),
)
class PartnershipListView(PartnershipViewMixin, generics.ListAPIView):
    permission = Perm.ADOPTION_VIEW
    filterset_class = PartnershipFilter

    def get_queryset(self) -> PartnershipQuerySet:
        return self.partnerships()


@extend_schema(
    tags=PARTNERSHIP_TAGS,
    summary="Retrieve a partnership",
    description=(
        "A partnership your organisation made or received; any other id is 404. Needs "
        "`adoption:view`."
    ),
)
class PartnershipDetailView(PartnershipViewMixin, generics.RetrieveAPIView):
    permission = Perm.ADOPTION_VIEW
    lookup_url_kwarg = "id"

    def get_queryset(self) -> PartnershipQuerySet:
        return self.partnerships()


class PartnershipMoveView(PartnershipViewMixin, generics.GenericAPIView):
    """A POST without a body that moves a partnership on, answering it as it now is."""

    permission = Perm.ADOPTION_MANAGE

    def move(self, partnership: Partnership) -> Partnership:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.partnership()
        with service_errors():
            partnership = self.move(partnership)
        return self.respond(partnership)


class PartnershipAnswerView(PartnershipMoveView):
    """Only the organisation that received the request answers it: for the side that asked,
    as for anyone else, the id is 404."""

    answer: Callable[..., Partnership]

    def partnership(self, partnerships: PartnershipQuerySet | None = None) -> Partnership:
        return super().partnership(self.partnerships().filter(partner=self.organisation))

    def move(self, partnership: Partnership) -> Partnership:
        return self.answer(partnership=partnership, organisation=self.organisation, by=self.user)


@move_schema(
    "Accept a request",
    "Your organisation, asked to act on another's adoption, accepts: its members now read "
    "the adoption and log and confirm progress on it. Only a pending request received by "
    "your organisation (another id is 404).",
)
class PartnershipAcceptView(PartnershipAnswerView):
    answer = staticmethod(services.partnership_accept)


@move_schema(
    "Decline a request",
    "Your organisation declines a pending request it received (another id is 404). A "
    "declined request stays declined: the adoption cannot ask your organisation again "
    "unless it withdraws the request first.",
)
class PartnershipDeclineView(PartnershipAnswerView):
    answer = staticmethod(services.partnership_decline)


@move_schema(
    "Withdraw a partnership",
    "Either side ends a pending request or an accepted partnership. The partner loses "
    "access to the adoption at once; the entries it wrote stay, attributed to it.",
)
class PartnershipWithdrawView(PartnershipMoveView):
    def move(self, partnership: Partnership) -> Partnership:
        return services.partnership_withdraw(
            partnership=partnership, organisation=self.organisation, by=self.user
        )


@extend_schema(
    tags=PARTNERSHIP_TAGS,
    summary="Propose a shared objective",
    description=(
        "Either side of an accepted partnership proposes an objective (what, and by when: "
        "not in the past); the other side confirms it and is told by email. A partnership "
        "that is not accepted answers 400." + MANAGE
    ),
    request=pserializers.ObjectiveInputSerializer,
    responses={201: pserializers.SharedObjectiveSerializer},
)
class ObjectiveCreateView(PartnershipViewMixin, generics.GenericAPIView):
    permission = Perm.ADOPTION_MANAGE
    serializer_class = pserializers.ObjectiveInputSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.partnership()
        data = self.parse(pserializers.ObjectiveInputSerializer)
        with service_errors():
            objective = services.objective_propose(
                partnership=partnership,
                organisation=self.organisation,
                by=self.user,
                text=data["text"],
                target_date=data["target_date"],
            )
        output = pserializers.SharedObjectiveSerializer(objective)
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=PARTNERSHIP_TAGS,
    summary="Confirm a shared objective",
    description=(
        "The side that did not propose the objective confirms it. Your own organisation's "
        "objective, one already confirmed, or a partnership that is no longer accepted "
        "answers 400." + MANAGE
    ),
    request=None,
    responses={200: pserializers.SharedObjectiveSerializer},
)
class ObjectiveConfirmView(PartnershipViewMixin, generics.GenericAPIView):
    permission = Perm.ADOPTION_MANAGE
    serializer_class = pserializers.SharedObjectiveSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.partnership()
        objective = get_object_or_404(partnership.objectives.all(), pk=kwargs["objective_id"])
        with service_errors():
            objective = services.objective_confirm(
                objective=objective, organisation=self.organisation, by=self.user
            )
        objective = SharedObjective.objects.select_related("proposed_by_organisation").get(
            pk=objective.pk
        )
        return Response(pserializers.SharedObjectiveSerializer(objective).data)


@extend_schema_view(
    post=extend_schema(
        tags=["progress"],
        summary="Confirm a progress entry",
        description=(
            "On a joint adoption, a side that did not write the entry says it is right: the "
            "entry's `confirmations` then name your organisation. Your own organisation's "
            "entry, a corrected version, or one already confirmed answers 400. Needs "
            "`adoption:write`."
        ),
        request=None,
        responses={201: serializers.ProgressEntrySerializer},
    )
)
class EntryConfirmView(EntryViewMixin, generics.GenericAPIView):
    # As on the pages: confirming the other side's claim is a manager's word (admins, PE leads).
    permission = Perm.ADOPTION_MANAGE
    serializer_class = serializers.ProgressEntrySerializer
    filter_backends = []

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.entry()
        with service_errors():
            services.entry_confirm(entry=entry, organisation=self.organisation, by=self.user)
        return self.respond(entry)
