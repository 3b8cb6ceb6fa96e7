"""One filter set for the practice library: the public page, the feed and the API.

Choices are codes (``A1.2.3``, ``hta-bodies``, ``culture``, ``EG2``, ``FR``), so that
addresses stay stable across roadmap editions.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.roadmap.models import Action, Dimension, EndGoal, StakeholderGroup

from .models import CaseStudy


def _action_choices() -> list[tuple[str, str]]:
    actions = Action.objects.published().order_by("code").values_list("code", "title")
    return [(code, f"{code} {title}") for code, title in actions]


def _end_goal_choices() -> list[tuple[str, str]]:
    goals = EndGoal.objects.published().order_by("order", "code").values_list("code", "title")
    return [(code, f"{code} {title}") for code, title in goals]


class CaseStudyFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"),
        field_name="adoption__action__code",
        choices=_action_choices,
        empty_label=_("All actions"),
    )
    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group of the organisation"),
        field_name="organisation__stakeholder_group",
        to_field_name="slug",
        queryset=StakeholderGroup.objects.all(),
        empty_label=_("All groups"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="organisation__country",
        choices=lambda: list(countries),
        empty_label=_("All countries"),
    )
    dimension = django_filters.ModelChoiceFilter(
        label=_("Dimension"),
        field_name="adoption__action__dimension",
        to_field_name="slug",
        queryset=Dimension.objects.all(),
        empty_label=_("All dimensions"),
    )
    end_goal = django_filters.ChoiceFilter(
        label=_("End goal"),
        field_name="adoption__action__intermediate_goal__end_goal__code",
        choices=_end_goal_choices,
        empty_label=_("All end goals"),
    )

    class Meta:
        model = CaseStudy
        fields = ["action", "stakeholder_group", "country", "dimension", "end_goal"]
