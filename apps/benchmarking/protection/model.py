"""What a reader of the benchmarks knows, as the protection models it.

The vocabulary of the counts and figures (which measures are additive counts, which
count is a figure's ``n``, which sums hold between the breakdowns), and the shapes the
solver works on: a :class:`Family` (the counts of one subject as the reader sees them), a
:class:`Narrow` figure and an audit :class:`Finding`. The package's docstring tells the
whole method.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from apps.organisations.regions import COUNTRY_REGION

Bundle = tuple[str, str]
Key = tuple[str, str, str, str, str]  # subject type, code, breakdown, breakdown value, measure

POPULATION = "population"
ORGANISATIONS = "organisations"
TOTAL: Bundle = ("all", "")
# The additive counts: whole numbers between 0 and the bundle's population.
COUNTS = frozenset({ORGANISATIONS, "adopting", "implementing", "reporting", "rated", "answering"})
# Breakdowns of people, not organisations (the pulse's roles): their bundles have no
# population and no counts, only figures from at least k organisations (``compile_pulse``).
PEOPLE_BREAKDOWNS = frozenset({"role"})
# A count of the same bundle that can never exceed another one: (smaller, larger).
AT_MOST = (("implementing", "adopting"),)
# Counts that are the n of other figures of their bundle (a metric's total and median come
# from the organisations reporting it): withheld with them below k.
OWN_N = frozenset({("metric", "reporting")})
# Counts the attribute rule does not apply to: the population (a group's size is its N).
PARTICIPATION = frozenset({ORGANISATIONS})
QUANTILE_SUFFIXES = ("_q1", "_median", "_q3", "median_percent")
# The count a figure's ``n`` is (every other figure's ``n`` is its bundle's population).
N_BASIS = {
    "median_percent": "adopting",
    "metric_total": "reporting",
    "metric_median": "reporting",
    "maturity_q1": "rated",
    "maturity_median": "rated",
    "maturity_q3": "rated",
    "pulse_mean": "answering",
    "pulse_agree_percent": "answering",
}
# The count a figure's value gives away with the population (share = 100 * count / N).
VALUE_BASIS = {"share_adopting": "adopting", "share_reporting": "reporting"}

TOO_NARROW, ATTRIBUTE_FINDING, SMALL_GROUP_FINDING, N_LEAK = (
    "too_narrow",
    "attribute",
    "small_group",
    "n_leak",
)
# An upper bound for a count nothing else bounds.
BIG = 1e9


def is_quantile(measure: str) -> bool:
    return measure.endswith(QUANTILE_SUFFIXES)


def n_basis(measure: str) -> str:
    """The count a figure's ``n`` shows: the bundle's population (``organisations``), or
    ``adopting`` for a median of adopters, ``reporting`` for a metric's total…"""
    return N_BASIS.get(measure, ORGANISATIONS)


def bases(measure: str) -> tuple[str, ...]:
    """Every count a figure gives away, by its ``n`` or its value."""
    found = [n_basis(measure)]
    if measure in VALUE_BASIS:
        found.append(VALUE_BASIS[measure])
    return tuple(found)


def equations(bundles: Iterable[Bundle]) -> list[tuple[Bundle, list[Bundle]]]:
    """(parent, children) for every sum that holds between the bundles of a family: everyone
    is the sum of the stakeholder groups, of the regions and of the levels; a region is the
    sum of its countries."""
    present = set(bundles)
    found = []
    for breakdown in ("stakeholder_group", "region", "level"):
        children = sorted(b for b in present if b[0] == breakdown)
        if children:
            found.append((TOTAL, children))
    countries_by_region: dict[str, list[Bundle]] = defaultdict(list)
    for bundle in present:
        if bundle[0] == "country":
            region = COUNTRY_REGION.get(bundle[1].upper(), "outside")
            countries_by_region[region].append(bundle)
    rest = open_regions(present)
    for region in rest:
        if ("region", region) in present:
            countries_by_region.setdefault(region, [])
    for region, countries in sorted(countries_by_region.items()):
        tail = [(REST, region)] if region in rest else []
        found.append((("region", region), sorted(countries) + tail))
    return found


REST = "country_rest"  # rule 6: the unlisted countries of a region, one unknown remainder


def open_regions(bundles: Iterable[Bundle]) -> dict[str, float]:
    """Rule 6 (``BENCHMARK_MIN_GROUP_COUNTRY`` = t > 0): a country with fewer than t
    organisations is not listed, so a region is the sum of its listed countries plus a
    remainder of its unlisted ones, each known (from the published rule) to hold at most
    t - 1 organisations. Region -> the most organisations its remainder can hold."""
    from django.conf import settings

    threshold = getattr(settings, "BENCHMARK_MIN_GROUP_COUNTRY", 0)
    if not threshold:
        return {}
    present = set(bundles)
    listed = {b[1].upper() for b in present if b[0] == "country"}
    found: dict[str, float] = {}
    for _breakdown, region in (b for b in present if b[0] == "region"):
        if region == "outside":  # every country outside Europe: no useful cap
            found[region] = BIG
            continue
        unlisted = [c for c, r in COUNTRY_REGION.items() if r == region and c not in listed]
        if unlisted:
            found[region] = float((threshold - 1) * len(unlisted))
    return found


# --- The roadmap's structure ----------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """An organisation adopts (implements) a goal or dimension when it adopts (implements)
    one of its actions: in every bundle, each action's count <= the aggregate's <= the sum
    of its actions' (``complete``: every action of it has a count in the programme)."""

    aggregate: str
    actions: tuple[str, ...]
    complete: bool


@dataclass(frozen=True)
class Finding:
    """One breach of the rules: the cell, what is wrong, the interval a reader infers."""

    key: Key
    kind: str
    interval: tuple[int, int] | None
    detail: str

    def __str__(self) -> str:
        subject, code, breakdown, value, measure = self.key
        where = f"{breakdown}={value}" if value else breakdown
        return f"{self.kind}: {subject}:{code} {measure} [{where}] {self.detail}"


@dataclass
class Family:
    """What the reader's programme of one family is made of.

    ``values[measure][bundle]`` is a count's value when the reader knows it, ``None`` when it
    is withheld; ``population`` likewise (the population family has no other measure).
    ``reasons`` are the withheld cells' reasons, which the reader sees too."""

    subject_type: str
    subject_code: str
    bundles: list[Bundle]
    population: dict[Bundle, float | None]
    values: dict[str, dict[Bundle, float | None]] = field(default_factory=dict)
    population_reasons: dict[Bundle, str] = field(default_factory=dict)
    reasons: dict[str, dict[Bundle, str]] = field(default_factory=dict)
    # What a quantile shown without its n says about its basis count (rule 3's exception).
    bounds: dict[tuple[str, Bundle], tuple[float, float]] = field(default_factory=dict)
    # A joint family (:func:`joint_family`): whose count each measure is, measure ->
    # (subject type, code, measure), and the roadmap's relations between them.
    members: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    roadmap: list[Relation] = field(default_factory=list)

    @property
    def is_population(self) -> bool:
        return self.subject_type == POPULATION

    def key(self, measure: str, bundle: Bundle) -> Key:
        if measure == ORGANISATIONS:
            return (POPULATION, "", *bundle, ORGANISATIONS)
        if measure in self.members:
            subject_type, subject_code, own = self.members[measure]
            return (subject_type, subject_code, *bundle, own)
        return (self.subject_type, self.subject_code, *bundle, measure)

    def pairs(self) -> list[tuple[str, str]]:
        """(smaller, larger): the measures of one subject that :data:`AT_MOST` relates."""
        if not self.members:
            return [(s, b) for s, b in AT_MOST if s in self.values and b in self.values]
        name = {member: measure for measure, member in self.members.items()}
        return [
            (measure, name[(subject_type, code, larger)])
            for measure, (subject_type, code, own) in self.members.items()
            for smaller, larger in AT_MOST
            if own == smaller and (subject_type, code, larger) in name
        ]


@dataclass(frozen=True)
class Narrow:
    """A withheld figure whose interval is too narrow. ``binding``: the published counts in
    the relations that pin it (a joint family's only)."""

    measure: str
    bundle: Bundle
    interval: tuple[int, int]
    complement: bool
    required: int
    binding: frozenset[tuple[str, Bundle]] = frozenset()

    @property
    def width(self) -> int:
        return self.interval[1] - self.interval[0]


def hidden_n_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "BENCHMARK_QUANTILE_HIDDEN_N", False))


def quantile_bounds(
    quantiles: Iterable[tuple[str, Bundle, bool]],
    population: Mapping[Bundle, float | None],
    *,
    k_quantiles: int,
    smallest_group: float = 0,
) -> dict[tuple[str, Bundle], tuple[float, float]]:
    """Rule 3's exception: (basis measure, bundle, published?) of each quantile -> the
    bounds a reader learns on the basis count. A quantile shown (n hidden) says
    basis >= k_quantiles. ``smallest_group``: only quantiles of a published group at least
    this big count (the protection passes k_quantiles + p: only those stay shown when it
    withholds their basis; the others go with it and then say nothing)."""
    found: dict[tuple[str, Bundle], tuple[float, float]] = {}
    for basis, bundle, shown in quantiles:
        size = population.get(bundle)
        if size is None or size < smallest_group:
            continue
        if shown:
            found[(basis, bundle)] = (float(k_quantiles), math.inf)
        # A withheld quantile says nothing: the protection may withhold one whose basis is
        # at least k_quantiles (anonymise does, before it would withhold a population).
    return found
