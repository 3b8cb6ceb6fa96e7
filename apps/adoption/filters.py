"""Filters of an organisation's adoption list."""

from __future__ import annotations

from typing import Any, cast

import django_filters
import django_filters.fields
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.roadmap.models import Dimension, EndGoal

from .forms import OwnerChoiceField, member_users
from .models import Adoption, AdoptionStatus


class _OwnerFilterField(django_filters.fields.ModelChoiceField):
    label_from_instance = OwnerChoiceField.label_from_instance


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = _OwnerFilterField


class AdoptionFilter(django_filters.FilterSet):
    """Filter by status, end goal (its code), dimension (its code) and owner (a member).

    End goals match by code, so adoptions kept read-only on an action of an earlier
    edition still show under their end goal.
    """

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AdoptionStatus.choices, empty_label=_("All statuses")
    )
    end_goal = django_filters.ModelChoiceFilter(
        label=_("End goal"),
        to_field_name="code",
        queryset=EndGoal.objects.published(),
        empty_label=_("All end goals"),
        method="filter_end_goal",
    )
    dimension = django_filters.ModelChoiceFilter(
        label=_("Dimension"),
        field_name="action__dimension",
        to_field_name="slug",
        queryset=Dimension.objects.all(),
        empty_label=_("All dimensions"),
    )
    owner = OwnerFilter(label=_("Owner"), queryset=None, empty_label=_("All owners"))

    class Meta:
        model = Adoption
        fields = ["status", "end_goal", "dimension", "owner"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OwnerFilter, self.filters["owner"]).queryset = member_users(organisation)

    def filter_end_goal(self, queryset: QuerySet, name: str, value: EndGoal) -> QuerySet:
        return queryset.filter(action__intermediate_goal__end_goal__code=value.code)
