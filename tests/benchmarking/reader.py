"""A reader of one published table, for the anonymisation tests: what it can infer about
each withheld count, by linear programming (SciPy's ``linprog``), from its own equations
(not the ones of the code under test): everyone = the sum of the stakeholder groups, of the
regions and of the levels; a region = the sum of its countries; 0 <= count <= population;
a listed group has at least one organisation; earlier figures taken as unchanged."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.optimize import linprog

from apps.benchmarking.anonymisation import Cell
from apps.organisations.regions import region_for_country

Bundle = tuple[str, str]


def sums(bundles: list[Bundle]) -> list[tuple[Bundle, list[Bundle]]]:
    found = []
    for breakdown in ("stakeholder_group", "region", "level"):
        children = [b for b in bundles if b[0] == breakdown]
        if children:
            found.append((("all", ""), children))
    regions: dict[str, list[Bundle]] = defaultdict(list)
    for bundle in bundles:
        if bundle[0] == "country":
            regions[region_for_country(bundle[1])].append(bundle)
    found += [(("region", r), countries) for r, countries in regions.items()]
    return found


def intervals(
    cells: list[Cell], measure: str = "adopting", earlier: dict | None = None
) -> dict[tuple[str, Bundle], tuple[int, int]]:
    """``{(what, bundle): (lo, hi)}`` for every withheld population (``what`` =
    "organisations"), count (``measure``) and complement ("complement": population minus
    count) of one family, bounds rounded inward to whole numbers."""
    earlier = earlier or {}
    population = {c.bundle: c for c in cells if c.measure == "organisations"}
    counts = {c.bundle: c for c in cells if c.measure == measure}

    def known(cell: Cell) -> float | None:
        if not cell.suppressed:
            return float(cell.value)
        return earlier.get((cell.measure, cell.bundle))

    variables: list[tuple[str, Bundle]] = []
    for bundle, cell in population.items():
        if known(cell) is None:
            variables.append(("organisations", bundle))
    for bundle, cell in counts.items():
        if known(cell) is None:
            variables.append((measure, bundle))
    index = {v: i for i, v in enumerate(variables)}
    total = known(population[("all", "")]) or 1e6
    bounds = [(1, total) if what == "organisations" else (0, total) for what, _b in variables]
    equalities, rhs, inequalities, upper = [], [], [], []
    for what, table in (("organisations", population), (measure, counts)):
        for parent, children in sums(list(population)):
            row, constant = np.zeros(len(variables)), 0.0
            for bundle, sign in [(parent, 1.0), *((c, -1.0) for c in children)]:
                if (what, bundle) in index:
                    row[index[(what, bundle)]] += sign
                else:
                    constant += sign * known(table[bundle])
            if row.any():
                equalities.append(row)
                rhs.append(-constant)
    for bundle in counts:  # count - population <= 0
        row, constant = np.zeros(len(variables)), 0.0
        for what, table, sign in (
            (measure, counts, 1.0),
            ("organisations", population, -1.0),
        ):
            if (what, bundle) in index:
                row[index[(what, bundle)]] += sign
            else:
                constant += sign * known(table[bundle])
        if row.any():
            inequalities.append(row)
            upper.append(-constant)
    found = {}

    def extremes(objective: np.ndarray) -> tuple[float, float]:
        result = []
        for sign in (1.0, -1.0):
            answer = linprog(
                sign * objective,
                A_ub=np.array(inequalities) if inequalities else None,
                b_ub=upper or None,
                A_eq=np.array(equalities) if equalities else None,
                b_eq=rhs or None,
                bounds=bounds,
                method="highs",
            )
            assert answer.status == 0, answer.message
            result.append(sign * answer.fun)
        return result[0], result[1]

    for variable, i in index.items():
        objective = np.zeros(len(variables))
        objective[i] = 1.0
        lo, hi = extremes(objective)
        found[variable] = (math.ceil(lo - 1e-6), math.floor(hi + 1e-6))
        what, bundle = variable
        if what == measure:
            objective = -objective
            constant = 0.0
            if ("organisations", bundle) in index:
                objective[index[("organisations", bundle)]] = 1.0
            else:
                constant = known(population[bundle])
            lo, hi = extremes(objective)
            found[("complement", bundle)] = (
                math.ceil(lo + constant - 1e-6),
                math.floor(hi + constant + 1e-6),
            )
    return found


def too_narrow(
    cells: list[Cell], p: int, measure: str = "adopting", earlier: dict | None = None
) -> list:
    """The withheld figures whose interval is narrower than min(p, population)."""
    population = {c.bundle: c for c in cells if c.measure == "organisations"}
    found = []
    for (what, bundle), (lo, hi) in intervals(cells, measure, earlier).items():
        size = population[bundle].true_value
        if hi - lo < min(p, size):
            found.append((what, bundle, (lo, hi)))
    return found
