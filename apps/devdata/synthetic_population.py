"""Who the synthetic community is: the shares of groups, countries and levels, how much
each organisation adopts and reports, and :class:`Catalogue`, the roadmap and catalogue rows
the synthetic rows refer to. Changing the population means changing this module only;
``synthetic_generation`` turns it into rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django_countries import countries

from apps.adoption.models import AdoptionStatus, Metric
from apps.organisations.models import Level
from apps.organisations.regions import COUNTRY_REGION
from apps.roadmap.models import Action, BarrierCategory, Dimension, Edition, StakeholderGroup

SLUG_PREFIX = "syn-"
EMAIL_DOMAIN = "synthetic.pe-roadmap.test"
HISTORY_DAYS = 3 * 365


# Patient organisations and medicines developers are the largest groups of the PE community.
GROUP_WEIGHTS = {
    "patient-organisations": 30,
    "medicines-developers": 20,
    "academia": 12,
    "payers": 9,
    "research-funders": 8,
    "policy-makers": 8,
    "hta-bodies": 7,
    "regulators": 6,
}
# Mean adoptions per organisation, by group (about 40 overall, of the 50 actions).
GROUP_ADOPTIONS = {
    "patient-organisations": 42,
    "medicines-developers": 45,
    "academia": 38,
    "hta-bodies": 38,
    "research-funders": 36,
    "regulators": 36,
    "payers": 35,
    "policy-makers": 35,
}
LEVEL_WEIGHTS = {
    Level.LOCAL: 15,
    Level.REGIONAL: 20,
    Level.NATIONAL: 45,
    Level.EUROPEAN: 15,
    Level.GLOBAL: 5,
}
# Larger countries have more organisations; every European country has some.
COUNTRY_WEIGHTS = {
    "DE": 10, "FR": 9, "GB": 9, "IT": 8, "ES": 7, "NL": 5, "PL": 5, "BE": 5, "SE": 3,
    "CH": 3, "AT": 3, "DK": 3, "PT": 3, "RO": 3, "CZ": 3, "GR": 3, "HU": 3, "IE": 3,
    "TR": 3, "FI": 2, "NO": 2, "UA": 2,
}  # fmt: skip
OUTSIDE_EUROPE = {"US": 4, "CA": 1, "AU": 1, "JP": 1, "BR": 1, "IL": 1, "ZA": 1}
RECOMMENDED_WEIGHT = 4  # an action recommended for the group is this much likelier adopted
UPDATE_COUNTS, UPDATE_WEIGHTS = (2, 3, 4, 5, 6), (15, 25, 25, 20, 15)  # after the first entry
STAGES = (
    AdoptionStatus.PLANNED.value,
    AdoptionStatus.IN_PROGRESS.value,
    AdoptionStatus.IMPLEMENTED.value,
    AdoptionStatus.EMBEDDED.value,
)
PAUSED, DISCONTINUED = AdoptionStatus.PAUSED.value, AdoptionStatus.DISCONTINUED.value
BARRIER_NOTES = (
    "Noted at the quarterly review.",
    "Patient partners could not attend the meetings in working hours.",
    "No budget line for compensating patients this year.",
    "Legal asked for a new confidentiality agreement first.",
    "",
)


class SyntheticDataError(Exception):
    """The database is not ready for synthetic data (no roadmap, or earlier data left)."""


@dataclass(frozen=True)
class Catalogue:
    """What synthetic rows refer to, read once, in a stable order (for reproducibility)."""

    groups: list[tuple[int, str, str]]  # (pk, slug, short name)
    actions: list[int]
    recommended: dict[int, frozenset[int]]  # group pk → recommended action pks
    metrics: list[tuple[int, str]]  # (pk, kind)
    barriers: list[int]
    end_goals: list[int]
    dimensions: list[int]
    countries: list[str]
    country_weights: list[int]
    edition: int = 0
    pulse: list[int] = field(default_factory=list)  # the edition's pulse statements


def european_countries() -> list[str]:
    """Every European country the portal knows (``COUNTRY_REGION``) that the country field
    accepts. Kosovo (XK) is in the regions list but not in django-countries: left out."""
    known = {code for code, _name in countries}
    return sorted(code for code in COUNTRY_REGION if code in known)


def load_catalogue() -> Catalogue:
    edition = Edition.objects.current()
    if edition is None:
        raise SyntheticDataError("Load the roadmap first: python manage.py load_roadmap")
    actions = Action.objects.filter(edition=edition)
    through = Action.stakeholder_groups.through.objects.filter(action__edition=edition)
    recommended: dict[int, set[int]] = defaultdict(set)
    for group_pk, action_pk in through.values_list("stakeholdergroup_id", "action_id"):
        recommended[group_pk].add(action_pk)
    codes = [*european_countries(), *OUTSIDE_EUROPE]
    groups = StakeholderGroup.objects.order_by("slug").values_list("pk", "slug", "short_name")
    metrics = Metric.objects.filter(is_active=True).order_by("slug").values_list("pk", "kind")
    return Catalogue(
        groups=list(groups),
        actions=list(actions.order_by("code").values_list("pk", flat=True)),
        recommended={k: frozenset(v) for k, v in recommended.items()},
        metrics=list(metrics),
        barriers=list(BarrierCategory.objects.order_by("slug").values_list("pk", flat=True)),
        end_goals=list(edition.end_goals.order_by("code").values_list("pk", flat=True)),
        dimensions=list(Dimension.objects.order_by("slug").values_list("pk", flat=True)),
        countries=codes,
        country_weights=[COUNTRY_WEIGHTS.get(c, OUTSIDE_EUROPE.get(c, 1)) for c in codes],
        edition=edition.pk,
        pulse=list(edition.pulse_statements.order_by("order", "code").values_list("pk", flat=True)),
    )  # fmt: skip
