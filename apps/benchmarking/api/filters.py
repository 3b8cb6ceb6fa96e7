"""Filters on a snapshot's cells: an unknown subject type or breakdown is a 400."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import PUBLIC_SUBJECT_CHOICES, BenchmarkCell, Breakdown


class CellFilter(django_filters.FilterSet):
    """``?subject_type=end_goal&breakdown=region&measure=share_adopting&subject_code=EG1``."""

    subject_type = django_filters.ChoiceFilter(
        label=_("Subject type"), choices=PUBLIC_SUBJECT_CHOICES
    )
    subject_code = django_filters.CharFilter(
        label=_("Subject code (an action or goal code, a dimension, metric or barrier slug)")
    )
    breakdown = django_filters.ChoiceFilter(label=_("Breakdown"), choices=Breakdown.choices)
    breakdown_value = django_filters.CharFilter(
        label=_("Breakdown value (a stakeholder group slug, region, country code or level)")
    )
    measure = django_filters.CharFilter(label=_("Measure (for example share_adopting)"))

    class Meta:
        model = BenchmarkCell
        fields = ["subject_type", "subject_code", "breakdown", "breakdown_value", "measure"]
