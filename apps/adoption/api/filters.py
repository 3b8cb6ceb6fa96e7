"""Filters on the adoption and partnership lists of the API: codes and slugs, not ids, in
query strings."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Adoption, AdoptionStatus, Partnership, PartnershipState


class AdoptionFilter(django_filters.FilterSet):
    """``?status=in_progress&end_goal=EG2&dimension=culture&owner=lead@example.org``."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=AdoptionStatus.choices)
    end_goal = django_filters.CharFilter(
        label=_("End goal code (for example EG2)"),
        field_name="action__intermediate_goal__end_goal__code",
        lookup_expr="iexact",
    )
    dimension = django_filters.CharFilter(
        label=_("Dimension slug (culture, processes or resources)"),
        field_name="action__dimension__slug",
    )
    owner = django_filters.CharFilter(
        label=_("Owner: a user id or an email address"), method="filter_owner"
    )

    class Meta:
        model = Adoption
        fields = ["status", "end_goal", "dimension", "owner"]

    def filter_owner(self, queryset: QuerySet[Adoption], name: str, value: str) -> QuerySet:
        value = value.strip()
        # isascii: "²" is a digit to isdigit() but not to int().
        if value.isascii() and value.isdigit():
            owner_id = int(value)
            # No id is larger, and SQLite cannot even compare a larger number.
            return queryset.filter(owner_id=owner_id) if owner_id < 2**63 else queryset.none()
        return queryset.filter(owner__email__iexact=value)


class PartnershipFilter(django_filters.FilterSet):
    """``?direction=received&state=pending``: the requests waiting for the organisation's
    answer; ``?direction=received&state=accepted``: the adoptions it acts on as a partner."""

    state = django_filters.ChoiceFilter(label=_("State"), choices=PartnershipState.choices)
    direction = django_filters.ChoiceFilter(
        label=_("made (for your adoptions) or received"),
        choices=[("made", _("Made")), ("received", _("Received"))],
        method="filter_direction",
    )

    class Meta:
        model = Partnership
        fields = ["state", "direction"]

    def filter_direction(
        self, queryset: QuerySet[Partnership], name: str, value: str
    ) -> QuerySet[Partnership]:
        # ``received`` is annotated by the view, which knows the organisation of the URL.
        # A keyword mypy's Django plugin cannot see (an annotation): spelled as a dict.
        return queryset.filter(**{"received": value == "received"})  # noqa: PIE804
