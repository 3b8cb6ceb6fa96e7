"""Protection intervals: what a reader can infer about a withheld count, by linear programming.

The rules are stated in :mod:`apps.benchmarking.anonymisation`; this module holds the
solver. For one *family* (a subject type and code, or the population) it sets up the
reader's linear programme: one variable per withheld count of the family and per withheld
population, and every relation a reader knows (the sums between breakdowns, ``0 <= count <=
population``, a listed population is at least 1, what a withheld cell's reason says about
its group, ``implementing <= adopting`` in a bundle, and every published value of this and
earlier snapshots taken as known). It then asks HiGHS for the smallest and largest value
of each withheld figure (and of its complement, population minus count), rounds the bounds
inward to whole numbers, and reports every interval narrower than ``min(p, population)``.
The roadmap's structure relates the adoption families (a goal's or dimension's count lies
between each of its actions' and their sum): :func:`joint_family` puts every family it
relates into one programme, whose too-narrow findings name the published counts in the
relations that pin them (the duals of the binding rows), the candidates to withhold.

The same function serves :func:`protect` (which withholds more cells until no interval is
too narrow) and :func:`audit_cells` (which recomputes every interval from what is published
only, and checks the other rules). The programme is built once per family and re-solved
with a new objective for each bound; HiGHS keeps its basis between solves (a tenth of a
millisecond each, against milliseconds for ``scipy.optimize.linprog`` per call).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import highspy
import numpy as np

from apps.organisations.regions import COUNTRY_REGION

if TYPE_CHECKING:
    from apps.roadmap.models import Edition

    from .anonymisation import Cell
    from .models import BenchmarkSnapshot

Bundle = tuple[str, str]
Key = tuple[str, str, str, str, str]  # subject type, code, breakdown, breakdown value, measure

POPULATION = "population"
ORGANISATIONS = "organisations"
TOTAL: Bundle = ("all", "")
# The additive counts: whole numbers between 0 and the bundle's population.
COUNTS = frozenset({ORGANISATIONS, "adopting", "implementing", "reporting", "rated"})
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
}
# The count a figure's value gives away with the population (share = 100 * count / N).
VALUE_BASIS = {"share_adopting": "adopting", "share_reporting": "reporting"}

TOO_NARROW, ATTRIBUTE_FINDING, SMALL_GROUP_FINDING, N_LEAK = (
    "too_narrow",
    "attribute",
    "small_group",
    "n_leak",
)
logger = logging.getLogger(__name__)
_EPS = 1e-6
_BIG = 1e9


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
            found[region] = _BIG
            continue
        unlisted = [c for c, r in COUNTRY_REGION.items() if r == region and c not in listed]
        if unlisted:
            found[region] = float((threshold - 1) * len(unlisted))
    return found


# --- The roadmap's structure ----------------------------------------------------------------

# The adoption subjects that aggregate actions, and the counts the roadmap relates.
AGGREGATES = ("intermediate_goal", "end_goal", "dimension")
ROADMAP_MEASURES = ("adopting", "implementing")
Roadmap = Mapping[tuple[str, str], Iterable[str]]  # (subject type, code) -> its action codes


@dataclass(frozen=True)
class Relation:
    """An organisation adopts (implements) a goal or dimension when it adopts (implements)
    one of its actions: in every bundle, each action's count <= the aggregate's <= the sum
    of its actions' (``complete``: every action of it has a count in the programme)."""

    aggregate: str
    actions: tuple[str, ...]
    complete: bool


def roadmap_structure(edition: Edition | int) -> dict[tuple[str, str], frozenset[str]]:
    """Each intermediate goal, end goal and dimension of the edition and its actions, as
    the compile counts them (an adoption counts under its action's goal, end goal and
    dimension)."""
    from apps.roadmap.models import Action

    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = Action.objects.filter(edition=edition).values_list(
        "code", "intermediate_goal__code", "intermediate_goal__end_goal__code", "dimension__slug"
    )
    for code, *aggregates in rows:
        for subject_type, aggregate in zip(AGGREGATES, aggregates, strict=True):
            if aggregate is not None:
                found[(subject_type, aggregate)].add(code)
    return {name: frozenset(actions) for name, actions in found.items()}


def _joint_name(subject_type: str, subject_code: str, measure: str) -> str:
    return f"{subject_type}:{subject_code}:{measure}"


def joint_family(families: Mapping[tuple[str, str], Family], roadmap: Roadmap) -> Family | None:
    """One family of every adoption family the roadmap relates (each goal and dimension of
    ``roadmap`` with its actions), their counts told apart by subject, with the roadmap's
    relations between them: the reader who knows the roadmap, in one programme (an action
    belongs to a goal, an end goal and a dimension, so the relations chain). None when no
    relation applies. The families share their bundles and population (as
    :func:`families_of` and the anonymisation make them)."""
    relations: list[Relation] = []
    involved: set[tuple[str, str]] = set()
    for (subject_type, code), actions in sorted(roadmap.items()):
        aggregate = families.get((subject_type, code))
        if subject_type not in AGGREGATES or aggregate is None:
            continue
        present = sorted(a for a in actions if ("action", a) in families)
        complete = len(present) == len(set(actions))
        for measure in ROADMAP_MEASURES:
            if measure not in aggregate.values:
                continue
            children = tuple(
                _joint_name("action", a, measure)
                for a in present
                if measure in families[("action", a)].values
            )
            if not children:
                continue
            whole = complete and len(children) == len(present)
            relations.append(Relation(_joint_name(subject_type, code, measure), children, whole))
            involved |= {(subject_type, code), *(("action", a) for a in present)}
    if not relations:
        return None
    first = families[min(involved)]
    joint = Family(
        "roadmap",
        "roadmap",
        first.bundles,
        dict(first.population),
        population_reasons=dict(first.population_reasons),
        roadmap=relations,
    )
    for subject_type, code in sorted(involved):
        family = families[(subject_type, code)]
        for measure, found in family.values.items():
            name = _joint_name(subject_type, code, measure)
            joint.members[name] = (subject_type, code, measure)
            joint.values[name] = dict(found)
            joint.reasons[name] = dict(family.reasons.get(measure, {}))
        for (measure, bundle), bounds in family.bounds.items():
            joint.bounds[(_joint_name(subject_type, code, measure), bundle)] = bounds
    return joint


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
    # A floor family's programme and its figures' widths, made once (:func:`_unavoidable`).
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

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


class _Programme:
    """The reader's linear programme of one family, solved for many objectives."""

    def __init__(self, family: Family, *, k: int) -> None:
        self.family = family
        self.index: dict[tuple[str, Bundle], int] = {}
        lower: list[float] = []
        upper: list[float] = []
        known_total = family.population.get(TOTAL)
        top = known_total if known_total is not None else _BIG
        for bundle in family.bundles:
            if family.population.get(bundle) is None:
                reason = family.population_reasons.get(bundle, "")
                lo, hi = (1.0, k - 1.0) if reason == "small_group" else (float(k), top)
                self._add(ORGANISATIONS, bundle, lo, hi, lower, upper)
        for measure, found in family.values.items():
            for bundle, value in found.items():
                if value is not None:
                    continue
                population = family.population.get(bundle)
                hi = population if population is not None else top
                lo, hi = 0.0, min(hi, top)
                if (measure, bundle) in family.bounds:
                    b_lo, b_hi = family.bounds[(measure, bundle)]
                    lo, hi = max(lo, b_lo), min(hi, b_hi)
                self._add(measure, bundle, lo, hi, lower, upper)
        rest = open_regions(family.bundles)
        for region, cap in sorted(rest.items()):  # rule 6: the remainder of each region
            self._add(ORGANISATIONS, (REST, region), 0.0, min(cap, top), lower, upper)
            for measure in family.values:
                self._add(measure, (REST, region), 0.0, min(cap, top), lower, upper)
        self.size = len(lower)
        # Each row, and the published counts in it (what withholding could loosen).
        rows: list[tuple[dict[int, float], float, float]] = []
        self.knowns: list[frozenset[tuple[str, Bundle]]] = []
        sums = equations(family.bundles)
        rest_bundles = [(REST, region) for region in sorted(rest)]
        every = [*family.bundles, *rest_bundles]
        measures = [ORGANISATIONS, *family.values]
        for measure in measures:
            for parent, children in sums:
                terms = [(measure, parent, 1.0), *((measure, c, -1.0) for c in children)]
                rows.append(self._row(terms, equal=True))
        for measure in family.values:  # count <= population
            for bundle in every:
                if (ORGANISATIONS, bundle) in self.index:
                    rows.append(self._row([(measure, bundle, 1.0), (ORGANISATIONS, bundle, -1.0)]))
        for smaller, larger in family.pairs():
            for bundle in every:
                rows.append(self._row([(smaller, bundle, 1.0), (larger, bundle, -1.0)]))
        for relation in family.roadmap:  # action <= aggregate <= the sum of its actions
            for bundle in every:
                aggregate = (relation.aggregate, bundle, -1.0)
                for action in relation.actions:
                    rows.append(self._row([(action, bundle, 1.0), aggregate]))
                if relation.complete:
                    terms = [(relation.aggregate, bundle, 1.0)]
                    terms += [(action, bundle, -1.0) for action in relation.actions]
                    rows.append(self._row(terms))
        # A row of one unknown is a bound on it (most rows of a joint family: an action
        # known, its goal withheld): folded into the variable's bounds, the programme is a
        # quarter of the size; what set each bound is kept for :meth:`binding`.
        self.bound_knowns: dict[tuple[int, int], set[tuple[str, Bundle]]] = {}
        kept = []
        for i, (row, lo, hi) in enumerate(rows):
            if len(row) > 1:
                kept.append(i)
            elif row:
                ((at, coefficient),) = row.items()
                if coefficient:
                    ends = sorted((lo / coefficient, hi / coefficient))
                    self._tighten(at, ends, self.knowns[i], lower, upper)
        self.rows = [rows[i] for i in kept]
        self.knowns = [self.knowns[i] for i in kept]
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        if not self.size:
            return
        self._lower = np.array(lower)
        self.highs.addVars(self.size, self._lower, np.array(upper))
        if self.rows:
            starts: list[int] = []
            indices: list[int] = []
            coefficients: list[float] = []
            for row, _lo, _hi in self.rows:
                starts.append(len(indices))
                indices.extend(row)
                coefficients.extend(row.values())
            inf = highspy.kHighsInf
            self.highs.addRows(
                len(self.rows),
                np.array([max(lo, -inf) for _t, lo, _h in self.rows]),
                np.array([min(hi, inf) for _t, _l, hi in self.rows]),
                len(indices),
                np.array(starts, dtype=np.int32),
                np.array(indices, dtype=np.int32),
                np.array(coefficients, dtype=float),
            )
        self.all = np.arange(self.size, dtype=np.int32)
        # The optima seen so far: feasible points, two of which far enough apart prove an
        # interval wide enough without solving for it (most are: a big saving in a joint
        # family's thousand-variable programme).
        self._points = np.zeros((16, self.size))
        self._seen = 0
        self._duals: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def _remember(self) -> None:
        solution = self.highs.getSolution()
        if self._seen == len(self._points):
            self._points = np.vstack([self._points, np.zeros_like(self._points)])
        self._points[self._seen] = solution.col_value
        self._seen += 1
        if self.family.roadmap:  # for :meth:`binding`: the last solve's duals
            columns = np.asarray(solution.col_dual)
            self._duals.append(
                (np.asarray(solution.row_dual), columns, self._points[self._seen - 1])
            )

    def wide_enough(self, objective: dict[int, float], need: float) -> bool:
        """Whether two feasible points seen already put the objective's whole-number
        interval at least ``need`` wide (the interval holds them both)."""
        if not self._seen:
            return False
        columns = list(objective)
        values = self._points[: self._seen, columns] @ np.array(list(objective.values()))
        return math.floor(values.max() + _EPS) - math.ceil(values.min() - _EPS) >= need

    def _add(
        self,
        measure: str,
        bundle: Bundle,
        lo: float,
        hi: float,
        lower: list[float],
        upper: list[float],
    ) -> None:
        self.index[(measure, bundle)] = len(lower)
        lower.append(lo)
        upper.append(max(hi, lo))

    def _tighten(
        self,
        at: int,
        ends: list[float],
        known: frozenset[tuple[str, Bundle]],
        lower: list[float],
        upper: list[float],
    ) -> None:
        for side, bound, tighter in ((0, ends[0], max), (1, ends[1], min)):
            current = (lower, upper)[side][at]
            if abs(bound) == math.inf or abs(bound - current) <= _EPS:
                if abs(bound - current) <= _EPS:
                    self.bound_knowns.setdefault((at, side), set()).update(known)
                continue
            if tighter(bound, current) == bound:
                (lower, upper)[side][at] = bound
                self.bound_knowns[(at, side)] = set(known)
        if lower[at] > upper[at] and lower[at] - upper[at] <= _EPS:
            upper[at] = lower[at]

    def _value(self, measure: str, bundle: Bundle) -> float:
        if measure == ORGANISATIONS:
            return self.family.population.get(bundle) or 0.0
        return self.family.values[measure].get(bundle) or 0.0

    def _row(
        self, terms: list[tuple[str, Bundle, float]], *, equal: bool = False
    ) -> tuple[dict[int, float], float, float]:
        """``sum(sign * measure[bundle])`` = 0 (``equal``), else <= 0; what the reader knows
        goes to the right-hand side (and into :attr:`knowns`)."""
        found: dict[int, float] = {}
        constant = 0.0
        known = []
        for measure, bundle, sign in terms:
            at = self.index.get((measure, bundle))
            if at is None:
                constant += sign * self._value(measure, bundle)
                known.append((measure, bundle))
            else:
                found[at] = found.get(at, 0.0) + sign
        self.knowns.append(frozenset(known))
        return found, (-constant if equal else -math.inf), -constant

    def _objective(self, objective: dict[int, float]) -> None:
        costs = np.zeros(self.size)
        for at, c in objective.items():
            costs[at] = c
        self.highs.changeColsCost(self.size, self.all, costs)

    def solve(self, objective: dict[int, float]) -> tuple[float, float] | None:
        """The smallest and largest value of ``objective`` (None: no solution at all)."""
        self._objective(objective)
        self._duals = []
        found = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.highs.changeObjectiveSense(sense)
            self.highs.run()
            status = self.highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                found.append(-_BIG if sense == highspy.ObjSense.kMinimize else _BIG)
                continue
            if status != highspy.HighsModelStatus.kOptimal:
                return None
            found.append(self.highs.getInfo().objective_function_value)
            self._remember()
        return found[0], found[1]

    def binding(self) -> frozenset[tuple[str, Bundle]]:
        """The published counts in the rows that bind at the last :meth:`solve`'s bounds (a
        nonzero dual; a joint family's programme only): those whose withholding can widen
        its interval."""
        found: set[tuple[str, Bundle]] = set()
        for rows, columns, point in self._duals:
            for at in np.flatnonzero(np.abs(rows) > _EPS):
                found |= self.knowns[at]
            for at in np.flatnonzero(np.abs(columns) > _EPS):  # a bound folded from a row
                side = int(abs(point[at] - self._lower[at]) > _EPS)
                found |= self.bound_knowns.get((int(at), side), set())
        return frozenset(found)


def _inward(bounds: tuple[float, float], constant: float = 0.0) -> tuple[int, int]:
    lo, hi = bounds
    return math.ceil(lo + constant - _EPS), math.floor(hi + constant + _EPS)


class Infeasible(Exception):
    """The published figures contradict each other (a wrong guess about an earlier period)."""


def floor_family(family: Family, earlier: Mapping[Key, float]) -> Family | None:
    """What a reader knows of the family from earlier periods alone: the counts published
    before and unchanged since (and the structure), every figure of this period unknown.
    None when nothing earlier is known."""
    if not earlier:
        return None

    def before(measure: str, bundle: Bundle, value: float | None) -> float | None:
        known = value is not None and earlier.get(family.key(measure, bundle)) == value
        return value if known else None

    return Family(
        family.subject_type,
        family.subject_code,
        family.bundles,
        {b: before(ORGANISATIONS, b, v) for b, v in family.population.items()},
        {m: {b: before(m, b, v) for b, v in vs.items()} for m, vs in family.values.items()},
        # What the withheld populations' reasons say holds whatever the period (a published
        # population is at least k, as one withheld for another reason than its size).
        population_reasons=dict(family.population_reasons),
        members=family.members,
        roadmap=family.roadmap,
    )


def _unavoidable(found: list[Narrow], floor: Family, k: int) -> list[Narrow]:
    """Of the narrow figures, those that earlier periods alone narrow down as far (if their
    figures are unchanged): no choice in this period can widen them, and the figures that
    pin them were protected when they were published. The rest."""
    kept = []
    for item in found:
        width = floor.memo.get((k, item.measure, item.bundle, item.complement), False)
        if width is False:
            width = _floor_width(floor, item, k)
            floor.memo[(k, item.measure, item.bundle, item.complement)] = width
        if not isinstance(width, int) or width > item.width:
            kept.append(item)
    return kept


def _floor_width(floor: Family, item: Narrow, k: int) -> int | None:
    """How wide earlier periods alone leave the figure (None: unbounded or unknown). The
    floor's programme is made once: the floor does not change while a family is protected."""
    programme = floor.memo.get(("programme", k))
    if not isinstance(programme, _Programme):
        programme = floor.memo[("programme", k)] = _Programme(floor, k=k)
    at = programme.index.get((item.measure, item.bundle))
    if at is None:
        return None
    objective = {at: 1.0}
    if item.complement:  # N - x: N unknown before -> wide
        population_at = programme.index.get((ORGANISATIONS, item.bundle))
        if population_at is None:
            return None
        objective = {population_at: 1.0, at: -1.0}
    bounds = programme.solve(objective)
    if bounds is None:
        return None
    lo, hi = _inward(bounds)
    return hi - lo


def narrow_intervals(
    family: Family,
    *,
    k: int,
    p: int,
    only: set[tuple[str, Bundle]] | None = None,
    floor: Family | None = None,
) -> list[Narrow]:
    """Every withheld figure of the family whose interval (or its complement's) a reader
    can narrow below ``min(p, population)``; if ``only`` is given, of those figures, every
    withheld population and the counts of its bundle (the rest are wide enough still). A joint
    family's findings name the published counts that pin them (``binding``). With ``floor``
    (:func:`floor_family`), a figure earlier periods alone narrow down as far is left out."""
    found = _narrow(family, k=k, p=p, only=only)
    return _unavoidable(found, floor, k) if found and floor is not None else found


def _narrow(
    family: Family, *, k: int, p: int, only: set[tuple[str, Bundle]] | None
) -> list[Narrow]:
    programme = _Programme(family, k=k)
    if not programme.size:
        return []
    found: list[Narrow] = []
    population_hi: dict[Bundle, int] = {}
    for bundle in family.bundles:
        at = programme.index.get((ORGANISATIONS, bundle))
        if at is None:
            population_hi[bundle] = int(family.population.get(bundle) or 0)
            continue
        bounds = programme.solve({at: 1.0})
        if bounds is None:
            raise Infeasible(family.key(ORGANISATIONS, bundle))
        lo, hi = _inward(bounds)
        population_hi[bundle] = hi
        if hi - lo < min(p, hi):
            pinned = programme.binding() if family.roadmap else frozenset()
            found.append(Narrow(ORGANISATIONS, bundle, (lo, hi), False, min(p, hi), pinned))
    for (measure, bundle), at in programme.index.items():
        if measure == ORGANISATIONS or bundle[0] == REST:
            continue
        if (
            only is not None
            and (measure, bundle) not in only
            and (ORGANISATIONS, bundle) not in programme.index  # else min(p, N) may grow
        ):
            continue
        required = min(p, population_hi[bundle])
        objectives = [({at: 1.0}, False)]
        population_at = programme.index.get((ORGANISATIONS, bundle))
        if population_at is not None:  # otherwise N - x is as wide as x
            objectives.append(({population_at: 1.0, at: -1.0}, True))
        for objective, complement in objectives:
            if programme.wide_enough(objective, required):
                continue
            bounds = programme.solve(objective)
            if bounds is None:
                raise Infeasible(family.key(measure, bundle))
            lo, hi = _inward(bounds)
            if hi - lo < required:
                pinned = programme.binding() if family.roadmap else frozenset()
                found.append(Narrow(measure, bundle, (lo, hi), complement, required, pinned))
                break
    return found


# --- Protecting ----------------------------------------------------------------------------


def _peers(family: Family, target: Narrow, sums: list[tuple[Bundle, list[Bundle]]]) -> set:
    """Published counts whose withholding widens the target's interval: its siblings and
    parents in the sums of the same measure (of every measure, for a population outside the
    population family), and the counts a relation ties it to in its bundle."""
    measures = (
        [target.measure]
        if target.measure != ORGANISATIONS or family.is_population
        else list(family.values)
    )
    found = set()
    for measure in measures:
        known = family.population if measure == ORGANISATIONS else family.values[measure]
        for parent, children in sums:
            members = (parent, *children)
            if target.bundle in members:
                found |= {(measure, b) for b in members if known.get(b) is not None}
    for smaller, larger in family.pairs():
        for this, other in ((smaller, larger), (larger, smaller)):
            if target.measure == this and family.values.get(other, {}).get(target.bundle):
                found.add((other, target.bundle))
    for relation in family.roadmap:  # the aggregate and its actions, in the same bundle
        related = (relation.aggregate, *relation.actions)
        if target.measure in related:
            found |= {
                (measure, target.bundle)
                for measure in related
                if family.values[measure].get(target.bundle) is not None
            }
    found.discard((target.measure, target.bundle))
    return found


class NeedsPopulation(Exception):
    """Only withholding these bundles' populations can widen what is too narrow (a count
    tied to one the reader knows from an earlier period, with nothing else to withhold)."""

    def __init__(self, bundles: set[Bundle]) -> None:
        super().__init__(sorted(bundles))
        self.bundles = bundles


def protect_family(
    family: Family, *, k: int, p: int, earlier: Mapping[Key, float] | None = None
) -> list[tuple[str, Bundle]]:
    """Withhold published counts of the family (in ``family``, in place) until no withheld
    figure's interval is too narrow; returns what it withheld, in order. Cheapest first: the
    published peer with the smallest population, the overall total only as a last resort.

    ``family`` holds what the reader knows for certain: published now, or published before
    with the same value (rule 5; ``earlier`` are the values published before). Withholding
    a figure the reader knows from before protects nothing, so none is chosen."""
    earlier = earlier or {}
    sums = equations(family.bundles)
    chosen: list[tuple[str, Bundle]] = []
    # Withholding a count only widens every other interval (a known value becomes an
    # unknown): after the first round, only what was narrow and what is new is checked
    # (and the bundles of withheld populations, whose min(p, N) may grow with N's bounds).
    only: set[tuple[str, Bundle]] | None = None
    # What earlier periods alone pin is asked only of a figure nothing else can widen (a
    # large programme: asked of every narrow figure, it made a compile many times slower).
    floor = floor_family(family, earlier)
    while narrow := narrow_intervals(family, k=k, p=p, only=only):
        picks: set[tuple[str, Bundle]] = set()
        stuck: set[Bundle] = set()
        unavoidable: list[Narrow] = []
        for target in narrow:
            peers = _peers(family, target, sums)
            if peers & picks:  # a peer is withheld in this round already: see what it does
                continue
            candidates = {c for c in target.binding if not _known_before(family, c, earlier)}
            if not candidates:  # (the relations that pin it: a joint family's only)
                candidates = {c for c in peers if not _known_before(family, c, earlier)}
            if candidates:
                picks.add(_cheapest(family, candidates, k=k, p=p))
            elif floor is not None and not _unavoidable([target], floor, k):
                unavoidable.append(target)
            elif family.population.get(target.bundle) is not None and not _known_before(
                family, (ORGANISATIONS, target.bundle), earlier
            ):  # withholding a population known from before would protect nothing
                stuck.add(target.bundle)
        if not picks:
            if len(unavoidable) == len(narrow):  # earlier periods alone pin them: done
                return chosen
            if family.is_population or not stuck:
                logger.warning("Cannot protect %s: %s", family.subject_code or "population", narrow)
                return chosen
            raise NeedsPopulation(stuck)
        for measure, bundle in sorted(picks):
            if measure == ORGANISATIONS:
                family.population[bundle] = None
                family.population_reasons[bundle] = "complementary"
            else:
                family.values[measure][bundle] = None
                family.reasons.setdefault(measure, {})[bundle] = "complementary"
            chosen.append((measure, bundle))
        only = picks | {(target.measure, target.bundle) for target in narrow}
    return chosen


def _cheapest(family: Family, candidates: set[tuple[str, Bundle]], *, k: int, p: int) -> tuple:
    """The cheapest candidate (:func:`_cost`); in a joint family, the cheapest count that
    its own family leaves wide enough once withheld, if any (a count its own sums and the
    figures known from before pin would be too narrow itself: withholding it protects
    nothing)."""
    ordered = sorted(candidates, key=lambda c: _cost(family, c))
    if family.members:
        for candidate in ordered:
            if candidate[0] != ORGANISATIONS and _withheld_alone_is_wide(family, candidate, k, p):
                return candidate
    return ordered[0]


def _withheld_alone_is_wide(family: Family, candidate: tuple[str, Bundle], k: int, p: int) -> bool:
    measure, bundle = candidate
    subject_type, subject_code, own = family.members[measure]
    alone = Family(
        subject_type,
        subject_code,
        family.bundles,
        dict(family.population),
        population_reasons=dict(family.population_reasons),
    )
    for name, (other_type, other_code, other) in family.members.items():
        if (other_type, other_code) == (subject_type, subject_code):
            alone.values[other] = dict(family.values[name])
            alone.bounds |= {(other, b): v for (m, b), v in family.bounds.items() if m == name}
    alone.values[own][bundle] = None
    narrow = narrow_intervals(alone, k=k, p=p, only={(own, bundle)})
    return not any((n.measure, n.bundle) == (own, bundle) for n in narrow)


def _known_before(
    family: Family, candidate: tuple[str, Bundle], earlier: Mapping[Key, float]
) -> bool:
    """Whether a reader knows a published count from an earlier period (same value)."""
    measure, bundle = candidate
    before = earlier.get(family.key(measure, bundle))
    if before is None:
        return False
    known = family.population if measure == ORGANISATIONS else family.values[measure]
    return known.get(bundle) == before


def _cost(family: Family, candidate: tuple[str, Bundle]) -> tuple:
    measure, bundle = candidate
    size = family.population.get(bundle)
    size = size if size is not None else _BIG
    return (bundle == TOTAL, measure == ORGANISATIONS, size, candidate)


# --- Auditing ------------------------------------------------------------------------------


def families_of(
    cells: Iterable[Cell],
    earlier: Mapping[Key, float] | None = None,
    *,
    k_quantiles: int | None = None,
    p: int = 0,
) -> tuple[Family, dict[tuple[str, str], Family]]:
    """The population family and every other family with counts, as the reader sees them:
    published values, plus the values of withheld cells published earlier (``earlier``)."""
    earlier = earlier or {}
    population: dict[Bundle, float | None] = {}
    reasons: dict[Bundle, str] = {}
    counts: dict[tuple[str, str], dict[str, dict[Bundle, float | None]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    count_reasons: dict[tuple[str, str], dict[str, dict[Bundle, str]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    cells_seen = list(cells)
    for cell in cells_seen:
        if cell.measure not in COUNTS:
            continue
        key = (cell.subject_type, cell.subject_code, cell.breakdown, cell.breakdown_value)
        value = cell.value if not cell.suppressed else earlier.get((*key, cell.measure))
        value = None if value is None else float(value)
        if cell.subject_type == POPULATION:
            population[cell.bundle] = value
            if cell.suppressed:
                reasons[cell.bundle] = cell.reason
        else:
            counts[cell.family][cell.measure][cell.bundle] = value
            if cell.suppressed:
                count_reasons[cell.family][cell.measure][cell.bundle] = cell.reason
    bundles = sorted(population)
    base = Family(POPULATION, "", bundles, population, population_reasons=reasons)
    hidden: dict[tuple[str, str], list[tuple[str, Bundle, bool]]] = defaultdict(list)
    shown_now = {
        c.bundle: (None if c.suppressed else c.value)
        for c in cells_seen
        if c.subject_type == POPULATION
    }
    if hidden_n_enabled() and k_quantiles is not None:
        for cell in cells_seen:
            if is_quantile(cell.measure) and n_basis(cell.measure) != ORGANISATIONS:
                seen = (n_basis(cell.measure), cell.bundle, not cell.suppressed)
                hidden[cell.family].append(seen)
    others = {
        family: Family(
            family[0],
            family[1],
            bundles,
            dict(population),
            {m: dict(v) for m, v in measures.items()},
            dict(reasons),
            {m: dict(r) for m, r in count_reasons[family].items()},
            quantile_bounds(hidden[family], shown_now, k_quantiles=k_quantiles)
            if hidden[family] and k_quantiles is not None  # (hidden only with k_quantiles)
            else {},
        )
        for family, measures in counts.items()
    }
    return base, others


def _rule_findings(cells: list[Cell], *, k: int, k_quantiles: int) -> list[Finding]:
    """Rules 1, 3 and 5 on the published cells."""
    population = {c.bundle: c for c in cells if c.subject_type == POPULATION}
    by_bundle = {(c.subject_type, c.subject_code, c.bundle, c.measure): c for c in cells}
    found = []
    for cell in cells:
        if cell.suppressed:
            continue
        key = (cell.subject_type, cell.subject_code, *cell.bundle, cell.measure)
        group = population.get(cell.bundle)
        size = (
            None if group is None or group.suppressed or group.value is None else int(group.value)
        )
        source = n_basis(cell.measure)
        if cell.n is None:  # rule 3's exception: a quantile shown without its n
            if not (hidden_n_enabled() and is_quantile(cell.measure) and source != ORGANISATIONS):
                found.append(Finding(key, N_LEAK, None, "n hidden on a figure that shows it"))
            continue
        if cell.n < k:
            found.append(Finding(key, SMALL_GROUP_FINDING, None, f"n = {cell.n} < {k}"))
            continue
        if source == ORGANISATIONS:
            shown = size
        else:
            other = by_bundle.get((cell.subject_type, cell.subject_code, cell.bundle, source))
            shown = (
                None
                if other is None or other.suppressed or other.value is None
                else int(other.value)
            )
        if shown is None or shown != cell.n:
            found.append(
                Finding(key, N_LEAK, None, f"n = {cell.n} is not a published {source} figure")
            )
            continue
        given = VALUE_BASIS.get(cell.measure)
        if given is not None:
            other = by_bundle.get((cell.subject_type, cell.subject_code, cell.bundle, given))
            if other is None or other.suppressed:
                found.append(Finding(key, N_LEAK, None, f"gives away the withheld {given}"))
                continue
        if cell.measure in COUNTS and cell.subject_type != POPULATION:
            if size is None:
                found.append(Finding(key, N_LEAK, None, "published count of a withheld group"))
            elif size < k:
                found.append(Finding(key, SMALL_GROUP_FINDING, None, f"group of {size} < {k}"))
            elif (
                cell.measure not in PARTICIPATION
                and cell.value is not None  # (published: it has one)
                and not 2 <= cell.value <= size - 2
            ):
                found.append(Finding(key, ATTRIBUTE_FINDING, None, f"{cell.value:g} of {size}"))
        elif is_quantile(cell.measure) and cell.n < k_quantiles:
            found.append(
                Finding(key, ATTRIBUTE_FINDING, None, f"quantile of {cell.n} < {k_quantiles}")
            )
    return found


def audit_cells(
    cells: Iterable[Cell],
    earlier: Mapping[Key, float] | None = None,
    *,
    k: int,
    p: int,
    k_quantiles: int,
    roadmap: Roadmap | None = None,
) -> list[Finding]:
    """Every breach of the rules a reader can find in a snapshot: ``cells`` are all of its
    cells as published (a withheld cell has no value, and its key and reason are public),
    ``earlier`` the values published in earlier snapshots (the latest for each key), which
    the reader takes as unchanged where this snapshot withholds them (in a family where
    that contradicts what is published, the reader knows some changed, and uses none).
    ``roadmap``: each goal's and dimension's actions (:func:`roadmap_structure`); the
    families it relates are read together (:func:`joint_family`)."""
    cells = list(cells)
    found = _rule_findings(cells, k=k, k_quantiles=k_quantiles)
    guessed_population, guessed = families_of(cells, earlier, k_quantiles=k_quantiles, p=p)
    plain_population, plain = families_of(cells, k_quantiles=k_quantiles, p=p)
    pairs: list[tuple[Family, Family | None]] = [(guessed_population, plain_population)]
    joint = joint_family(guessed, roadmap) if roadmap else None
    if joint is not None and roadmap:  # the joint programme holds each of these families whole
        pairs.append((joint, joint_family(plain, roadmap)))
    pairs += [
        (family, plain[name])
        for name, family in guessed.items()
        if joint is None or not any(name == m[:2] for m in joint.members.values())
    ]
    for family, without_guesses in pairs:
        try:
            narrow = narrow_intervals(family, k=k, p=p, floor=floor_family(family, earlier or {}))
        except Infeasible:
            assert without_guesses is not None, "plain has the families guessed has"
            family = without_guesses
            narrow = narrow_intervals(family, k=k, p=p)
        found += _narrow_findings(family, narrow)
    return found


def _narrow_findings(family: Family, narrow: list[Narrow]) -> list[Finding]:
    found = []
    for item in narrow:
        what = "population minus count" if item.complement else "value"
        lo, hi = item.interval
        found.append(
            Finding(
                family.key(item.measure, item.bundle),
                TOO_NARROW,
                item.interval,
                f"{what} in [{lo}, {hi}], narrower than {item.required}",
            )
        )
    return found


def audit_snapshot(snapshot: BenchmarkSnapshot) -> list[Finding]:
    """:func:`audit_cells` on a snapshot as stored. Earlier snapshots are not taken as
    guesses (``earlier``): the audit cannot tell which of their figures are unchanged
    without the data, and a wrong guess narrows an interval around a value that is not the
    true one; the compile protects against every earlier figure that is unchanged
    (:func:`protect_family`), which the tests check. The rules' settings are the current
    ones (``BENCHMARK_MIN_GROUP``, ``BENCHMARK_PROTECTION_LEVEL``,
    ``BENCHMARK_MIN_GROUP_QUANTILES``), the snapshot's own k when it is larger; the
    roadmap's structure is the snapshot's edition's."""
    from django.conf import settings

    from .anonymisation import Cell
    from .models import BenchmarkCell

    rows = snapshot.cells.values_list(*BenchmarkCell.FIGURE_FIELDS)
    cells = [
        Cell(s, c, b, v, m, n, None if value is None else float(value), True, sup, reason)
        for s, c, b, v, m, n, value, sup, reason in rows.iterator(chunk_size=20000)
    ]
    k = max(settings.BENCHMARK_MIN_GROUP, snapshot.min_group_size)
    return audit_cells(
        cells,
        k=k,
        p=settings.BENCHMARK_PROTECTION_LEVEL,
        k_quantiles=settings.BENCHMARK_MIN_GROUP_QUANTILES,
        roadmap=roadmap_structure(snapshot.edition_id),
    )


def earlier_published(
    snapshot: BenchmarkSnapshot | None, *, before: dt.date | None = None
) -> dict[Key, float]:
    """The counts published in snapshots of earlier periods than ``snapshot``'s (or than the
    date ``before``), the latest value of each key. Published snapshots only: a held one is
    seen by no reader."""
    from .models import BenchmarkCell

    ends = snapshot.period.starts_on if snapshot is not None else before
    rows = (
        BenchmarkCell.objects.published()
        .filter(snapshot__period__ends_on__lt=ends, suppressed=False, measure__in=sorted(COUNTS))
        .order_by("snapshot__period__starts_on")
        .values_list(
            "subject_type", "subject_code", "breakdown", "breakdown_value", "measure", "value"
        )
    )
    return {
        (subject, code, breakdown, breakdown_value, measure): float(value)
        for subject, code, breakdown, breakdown_value, measure, value in rows.iterator(
            chunk_size=20000
        )
        if value is not None  # (published: it has one)
    }


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
