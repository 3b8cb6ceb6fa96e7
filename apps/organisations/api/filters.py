"""Filters on the organisation list of the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.roadmap.models import StakeholderGroup

from ..models import Organisation
from ..regions import Region


class OrganisationFilter(django_filters.FilterSet):
    """Codes, not ids, so that query strings stay readable: ``?country=BE&region=western``."""

    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group"),
        to_field_name="slug",
        queryset=StakeholderGroup.objects.all(),
    )
    country = django_filters.ChoiceFilter(label=_("Country (ISO 3166 code)"), choices=countries)
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices)

    class Meta:
        model = Organisation
        fields = ["stakeholder_group", "country", "region"]
