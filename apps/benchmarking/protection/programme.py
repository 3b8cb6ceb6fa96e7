"""The reader's linear programme of a family, and the figures it narrows down too far.

:class:`Programme` is built once per family and re-solved with a new objective for each
bound (HiGHS keeps its basis between solves). :func:`narrow_intervals` asks it for every
withheld figure's interval; a :class:`Floor` is what earlier periods alone pin, which no
choice in this period can widen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import highspy
import numpy as np

from .model import (
    BIG,
    ORGANISATIONS,
    REST,
    TOTAL,
    Bundle,
    Family,
    Key,
    Narrow,
    equations,
    open_regions,
)

_EPS = 1e-6


class Programme:
    """The reader's linear programme of one family, solved for many objectives."""

    def __init__(self, family: Family, *, k: int) -> None:
        self.family = family
        self.index: dict[tuple[str, Bundle], int] = {}
        lower: list[float] = []
        upper: list[float] = []
        known_total = family.population.get(TOTAL)
        top = known_total if known_total is not None else BIG
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
                found.append(-BIG if sense == highspy.ObjSense.kMinimize else BIG)
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


class Floor:
    """What a reader knows of a family from earlier periods alone: the counts published
    before and unchanged since (and the structure), every figure of this period unknown.
    Its programme and its figures' widths are made once: the floor does not change while a
    family is protected."""

    def __init__(self, family: Family, earlier: Mapping[Key, float]) -> None:
        def before(measure: str, bundle: Bundle, value: float | None) -> float | None:
            known = value is not None and earlier.get(family.key(measure, bundle)) == value
            return value if known else None

        self.family = Family(
            family.subject_type,
            family.subject_code,
            family.bundles,
            {b: before(ORGANISATIONS, b, v) for b, v in family.population.items()},
            {m: {b: before(m, b, v) for b, v in vs.items()} for m, vs in family.values.items()},
            # What the withheld populations' reasons say holds whatever the period (a
            # published population is at least k, as one withheld for another reason than
            # its size).
            population_reasons=dict(family.population_reasons),
            members=family.members,
            roadmap=family.roadmap,
        )
        self._programmes: dict[int, Programme] = {}
        self._widths: dict[tuple[int, str, Bundle, bool], int | None] = {}

    @classmethod
    def of(cls, family: Family, earlier: Mapping[Key, float]) -> Floor | None:
        """The family's floor; None when nothing earlier is known."""
        return cls(family, earlier) if earlier else None

    def pins(self, item: Narrow, k: int) -> bool:
        """Whether earlier periods alone narrow the figure down as far (if their figures are
        unchanged): no choice in this period can widen it, and the figures that pin it were
        protected when they were published."""
        key = (k, item.measure, item.bundle, item.complement)
        if key not in self._widths:
            self._widths[key] = self._width(item, k)
        width = self._widths[key]
        return width is not None and width <= item.width

    def _width(self, item: Narrow, k: int) -> int | None:
        """How wide earlier periods alone leave the figure (None: unbounded or unknown)."""
        if k not in self._programmes:
            self._programmes[k] = Programme(self.family, k=k)
        programme = self._programmes[k]
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
    floor: Floor | None = None,
) -> list[Narrow]:
    """Every withheld figure of the family whose interval (or its complement's) a reader
    can narrow below ``min(p, population)``; if ``only`` is given, of those figures, every
    withheld population and the counts of its bundle (the rest are wide enough still). A joint
    family's findings name the published counts that pin them (``binding``). With ``floor``
    (:class:`Floor`), a figure earlier periods alone narrow down as far is left out."""
    found = _narrow(family, k=k, p=p, only=only)
    if floor is None:
        return found
    return [item for item in found if not floor.pins(item, k)]


def _narrow(
    family: Family, *, k: int, p: int, only: set[tuple[str, Bundle]] | None
) -> list[Narrow]:
    programme = Programme(family, k=k)
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
