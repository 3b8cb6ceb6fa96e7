"""One filter set for the action catalogue, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Action, Dimension, EndGoal, StakeholderGroup
from .querysets import ActionQuerySet


class ActionFilter(django_filters.FilterSet):
    """Filters on the published edition's actions.

    Choices are codes (``hta-bodies``, ``culture``, ``EG2``) so that URLs stay
    stable across editions and readable in the address bar.
    """

    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group"),
        field_name="stakeholder_groups",
        to_field_name="slug",
        queryset=StakeholderGroup.objects.all(),
        empty_label=_("All groups"),
    )
    dimension = django_filters.ModelChoiceFilter(
        label=_("Dimension"),
        to_field_name="slug",
        queryset=Dimension.objects.all(),
        empty_label=_("All dimensions"),
    )
    end_goal = django_filters.ModelChoiceFilter(
        label=_("End goal"),
        field_name="intermediate_goal__end_goal",
        to_field_name="code",
        queryset=EndGoal.objects.filter(edition__status="published"),
        empty_label=_("All end goals"),
    )
    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)

    class Meta:
        model = Action
        fields = ["stakeholder_group", "dimension", "end_goal", "search"]

    def filter_search(self, queryset: ActionQuerySet, name: str, value: str) -> ActionQuerySet:
        return queryset.search(value)
