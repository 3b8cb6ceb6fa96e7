"""Filters of the public directory of organisations."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.roadmap.models import StakeholderGroup

from .forms import country_choices
from .models import Organisation
from .regions import Region


class OrganisationFilter(django_filters.FilterSet):
    """Filter by stakeholder group (its code), country (ISO code) and region.

    Codes keep the addresses readable and stable: ``?stakeholder_group=hta-bodies&region=cee``.
    """

    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group"),
        to_field_name="slug",
        queryset=StakeholderGroup.objects.all(),
        empty_label=_("All groups"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=country_choices, empty_label=_("All countries")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Region.choices, empty_label=_("All regions")
    )

    class Meta:
        model = Organisation
        fields = ["stakeholder_group", "country", "region"]
