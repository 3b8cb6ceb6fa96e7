"""The protection engine on small hand-made tables: the audit's regression cases (issue 13).

Each table is a list of organisations (country, stakeholder group, level, whether it adopts
the one action); the intervals are recomputed by the test's own reader (``reader.py``:
its own equations and SciPy's ``linprog``), not by the code under test.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from apps.benchmarking.anonymisation import Cell, anonymise
from apps.benchmarking.protection import (
    REST,
    audit_cells,
    equations,
    open_regions,
)
from apps.organisations.regions import COUNTRY_REGION, region_for_country
from tests.benchmarking.reader import intervals, too_narrow

K, P, KQ = 5, 3, 10


def _bundles(country: str, group: str, level: str) -> list[tuple[str, str]]:
    return [
        ("all", ""),
        ("country", country),
        ("region", region_for_country(country)),
        ("stakeholder_group", group),
        ("level", level),
    ]


def table(organisations: list[tuple[str, str, str, bool]]) -> list[Cell]:
    """The population and one action's adopting and share cells, as the compile makes them."""
    population: Counter = Counter()
    adopting: Counter = Counter()
    for country, group, level, adopts in organisations:
        for bundle in _bundles(country, group, level):
            population[bundle] += 1
            adopting[bundle] += int(adopts)
    cells = []
    for bundle, n in sorted(population.items()):
        cells.append(Cell("population", "", *bundle, "organisations", n, n))
        cells.append(Cell("action", "A1", *bundle, "adopting", n, adopting[bundle]))
        share = round(100 * adopting[bundle] / n, 1)
        cells.append(Cell("action", "A1", *bundle, "share_adopting", n, share, additive=False))
    return cells


def family(cells: list[Cell]) -> list[Cell]:
    """The population and adopting cells, for the reader."""
    return [c for c in cells if c.measure in ("organisations", "adopting")]


def cell(cells: list[Cell], measure: str, breakdown: str, value: str = "") -> Cell:
    return next(
        c
        for c in cells
        if (c.measure, c.breakdown, c.breakdown_value) == (measure, breakdown, value)
    )


def many(country: str, count: int, adopting: int, group: str = "po") -> list[tuple]:
    return [(country, group, "national", i < adopting) for i in range(count)]


# Central and Eastern Europe: Poland and Czechia, published, and two small countries.
def croatia_slovakia(croatia_adopts: int, slovakia_adopts: int) -> list[tuple]:
    return [
        *many("PL", 30, 12),
        *many("CZ", 20, 9, group="industry"),
        *many("HR", 6, croatia_adopts),
        *many("SK", 7, slovakia_adopts, group="industry"),
        *many("FR", 25, 11),
        *many("DE", 22, 10, group="industry"),
    ]


@pytest.mark.parametrize(("croatia", "slovakia"), [(6, 7), (0, 0), (6, 0), (1, 6)])
def test_small_countries_are_pinned_neither_to_none_nor_to_all(croatia, slovakia) -> None:
    """Regression (1): every Croatian and Slovak organisation adopts (or none does). Today's
    rules published both counts ("6 of 6"), and had they been withheld, the region minus
    the published countries left exactly their population."""
    cells = anonymise(table(croatia_slovakia(croatia, slovakia)), k=K, p=P, k_quantiles=KQ)
    for country in ("HR", "SK"):
        found = cell(cells, "adopting", "country", country)
        assert found.suppressed
        assert found.reason == "attribute"
        assert cell(cells, "share_adopting", "country", country).suppressed
    assert too_narrow(family(cells), P) == []
    croatia_interval = intervals(family(cells))[("adopting", ("country", "HR"))]
    assert croatia_interval[1] - croatia_interval[0] >= P
    assert audit_cells(cells, k=K, p=P, k_quantiles=KQ) == []


def test_the_withheld_interval_check_fails_without_protection() -> None:
    """The reader pins the Croatian count when only the primary cells are withheld."""
    cells = table(croatia_slovakia(6, 7))
    for country in ("HR", "SK"):
        cell(cells, "adopting", "country", country).suppress("attribute")
    narrow = too_narrow(family(cells), P)
    assert ("complement", ("country", "HR"), (0, 0)) in narrow
    assert any(f.kind == "too_narrow" for f in audit_cells(cells, k=K, p=P, k_quantiles=KQ))


def _with_small_country() -> list[tuple]:
    return [
        *many("PL", 30, 12),
        *many("HR", 3, 1),  # fewer than k
        *many("SK", 8, 4, group="industry"),
        *many("FR", 25, 11),
        *many("DE", 22, 10, group="industry"),
    ]


def _with_quartiles(cells: list[Cell]) -> list[Cell]:
    """A coverage quartile per bundle, whose n is the bundle's population."""
    extra = [
        Cell("end_goal", "EG1", c.breakdown, c.breakdown_value, "coverage_median", c.n, 1.0, False)
        for c in cells
        if c.measure == "organisations"
    ]
    return cells + extra


def test_a_withheld_population_does_not_leak_through_n() -> None:
    """Regression (2): with Croatia withheld, Slovakia's population is withheld too (the
    region minus Poland and Slovakia would be Croatia's), and so is every cell of the
    Slovak bundle in every family: its n would be the population."""
    cells = anonymise(_with_quartiles(table(_with_small_country())), k=K, p=P, k_quantiles=KQ)
    assert cell(cells, "organisations", "country", "HR").reason == "small_group"
    withheld = [c for c in cells if c.measure == "organisations" and c.suppressed]
    assert len(withheld) >= 2
    for population in withheld:
        for other in cells:
            if other.bundle == population.bundle:
                assert other.suppressed, other
    for published in cells:
        if not published.suppressed:
            size = cell(cells, "organisations", *published.bundle)
            assert not size.suppressed
            assert published.n == size.value
    assert too_narrow(family(cells), P) == []
    assert audit_cells(cells, k=K, p=P, k_quantiles=KQ) == []


def test_the_audit_finds_a_population_shown_as_n() -> None:
    cells = _with_quartiles(table(_with_small_country()))
    for c in cells:
        if c.bundle == ("country", "HR"):
            c.suppress("small_group")
    cell(cells, "organisations", "country", "SK").suppress("complementary")
    kinds = Counter(f.kind for f in audit_cells(cells, k=K, p=P, k_quantiles=KQ))
    assert kinds["n_leak"] >= 1  # the Slovak median's n, the Slovak counts


def test_a_population_published_last_period_protects_nothing_now() -> None:
    """Regression (3): Slovakia's population was published last quarter and has not
    changed: a reader takes it as known, so withholding it now cannot protect Croatia's;
    something else is withheld, and the reader who knows last quarter still cannot pin
    Croatia."""
    organisations = _with_small_country()
    earlier = {("population", "", "country", "SK", "organisations"): 8.0}
    without = anonymise(table(organisations), k=K, p=P, k_quantiles=KQ)
    assert cell(without, "organisations", "country", "SK").suppressed  # the cheapest peer
    cells = anonymise(table(organisations), k=K, p=P, k_quantiles=KQ, earlier=earlier)
    known = {("organisations", ("country", "SK")): 8.0}
    assert too_narrow(family(cells), P, earlier=known) == []
    others = [
        c
        for c in cells
        if c.measure == "organisations" and c.suppressed and c.breakdown_value not in ("HR", "SK")
    ]
    assert others, "a population other than Slovakia's must be withheld"


def test_counts_of_none_one_all_but_one_and_all_are_withheld() -> None:
    """Regression (4), counts: a member who knows its own answer learns the others' from
    0, 1, N-1 or N of N."""
    organisations = [
        *many("PL", 30, 12),
        *many("CZ", 10, 0, group="industry"),  # none
        *many("HU", 10, 1, group="industry"),  # one
        *many("RO", 10, 9),  # all but one
        *many("BG", 10, 10),  # all
        *many("SI", 10, 2, group="industry"),  # 2: published
        *many("FR", 25, 11),
        *many("DE", 22, 10, group="industry"),
    ]
    cells = anonymise(table(organisations), k=K, p=P, k_quantiles=KQ)
    for country in ("CZ", "HU", "RO", "BG"):
        assert cell(cells, "adopting", "country", country).reason == "attribute", country
    assert cell(cells, "adopting", "country", "SI").value == 2
    assert too_narrow(family(cells), P) == []
    assert audit_cells(cells, k=K, p=P, k_quantiles=KQ) == []


def test_quartiles_need_twice_k_organisations() -> None:
    """Regression (4), quartiles: from 5 organisations they are three organisations' own
    values; published from 10."""
    organisations = [*many("PL", 10, 5), *many("CZ", 5, 2), *many("FR", 12, 6)]
    organisations += many("DE", 9, 4, group="industry")
    cells = anonymise(_with_quartiles(table(organisations)), k=K, p=P, k_quantiles=KQ)
    quartile = {
        c.breakdown_value: c
        for c in cells
        if c.measure == "coverage_median" and c.breakdown == "country"
    }
    assert quartile["CZ"].suppressed
    assert quartile["DE"].suppressed
    assert quartile["DE"].reason == "attribute"
    assert not quartile["PL"].suppressed
    assert quartile["PL"].n == 10


def test_the_audit_finds_attribute_disclosure_and_small_quartiles() -> None:
    cells = _with_quartiles(table([*many("PL", 10, 10), *many("FR", 7, 3)]))
    kinds = Counter((f.kind, f.key[4]) for f in audit_cells(cells, k=K, p=P, k_quantiles=KQ))
    assert kinds[("attribute", "adopting")] >= 1  # 10 of 10 in Poland
    assert kinds[("attribute", "coverage_median")] >= 1  # France: 7 organisations


def test_equations_of_the_engine_match_the_readers(settings: Any) -> None:
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 0  # every country of the table is listed
    bundles = sorted({b for c in table(croatia_slovakia(6, 7)) for b in [c.bundle]})
    engine = {(parent, tuple(sorted(children))) for parent, children in equations(bundles)}
    from tests.benchmarking.reader import sums

    reader = {(parent, tuple(sorted(children))) for parent, children in sums(bundles)}
    assert engine == reader


def test_a_region_with_unlisted_countries_has_a_bounded_remainder(settings: Any) -> None:
    """Rule 6: with small countries not listed, a region is its listed countries plus one
    remainder, which holds at most (threshold - 1) organisations per unlisted country."""
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 10
    bundles = [("all", ""), ("region", "cee"), ("country", "PL"), ("country", "CZ")]
    regions = dict(equations(bundles))
    assert regions[("region", "cee")] == [("country", "CZ"), ("country", "PL"), (REST, "cee")]
    unlisted = [c for c, r in COUNTRY_REGION.items() if r == "cee" and c not in {"PL", "CZ"}]
    assert open_regions(bundles) == {"cee": 9.0 * len(unlisted)}


def test_a_metric_reported_by_fewer_than_k_withholds_its_count_and_total() -> None:
    """A metric's total from 3 organisations is withheld, and so is the count reporting it
    (published, it would leave the total's bundle the only withheld one in its sums: the
    region's total minus the other countries' would give it away)."""
    reporting = {"PL": 12, "CZ": 3, "FR": 10, "DE": 8}
    size = {"PL": 30, "CZ": 20, "FR": 25, "DE": 22}
    organisations = [
        (country, "po" if i % 2 else "industry", "national", i < reporting[country])
        for country in size
        for i in range(size[country])
    ]
    cells = []
    for c in table(organisations):
        if c.measure == "organisations":
            cells.append(c)
        elif c.measure == "adopting":
            count = int(c.value)
            cells.append(Cell("metric", "m", *c.bundle, "reporting", c.n, count))
            total = Cell("metric", "m", *c.bundle, "metric_total", count, 10.0 * count)
            cells.append(total)
    cells = anonymise(cells, k=K, p=P, k_quantiles=KQ)
    assert cell(cells, "metric_total", "country", "CZ").reason == "small_group"
    assert cell(cells, "reporting", "country", "CZ").suppressed
    for c in cells:
        if c.measure == "metric_total" and c.suppressed:
            assert cell(cells, "reporting", *c.bundle).suppressed, c
    assert too_narrow([c for c in cells if c.measure != "metric_total"], P, "reporting") == []


# --- The roadmap's structure ------------------------------------------------------------------

GOAL = ("intermediate_goal", "IG1")
ROADMAP = {GOAL: frozenset({"A1", "A2"})}


def goal_table(organisations: list[tuple[str, str, str, str]]) -> list[Cell]:
    """The population, two actions' and their goal's adopting cells: each organisation is
    (country, group, level, the actions it adopts: "", "A1", "A2" or "A1A2")."""
    population: Counter = Counter()
    adopting: Counter = Counter()
    for country, group, level, actions in organisations:
        for bundle in _bundles(country, group, level):
            population[bundle] += 1
            for action in ("A1", "A2"):
                adopting[(action, bundle)] += int(action in actions)
            adopting[("IG1", bundle)] += int(bool(actions))
    cells = []
    for bundle, n in sorted(population.items()):
        cells.append(Cell("population", "", *bundle, "organisations", n, n))
        for subject, code in (("action", "A1"), ("action", "A2"), GOAL):
            cells.append(Cell(subject, code, *bundle, "adopting", n, adopting[(code, bundle)]))
    return cells


def _goal_of_all_with_an_action_at_n_minus_2() -> list[tuple[str, str, str, str]]:
    """Every organisation adopts the goal; in each country all but two adopt A1, the other
    two A2: A1 is N - 2 in each country, the goal N."""
    found = []
    for country, size in (("PL", 12), ("CZ", 10), ("FR", 11), ("DE", 13)):
        group = "po" if country in ("PL", "FR") else "industry"
        for i in range(size):
            found.append((country, group, "national", "A1" if i < size - 2 else "A2"))
    return found


def _adopting(cells: list[Cell], code: str, country: str) -> Cell:
    return next(
        c
        for c in cells
        if (c.subject_code, c.measure, c.breakdown_value) == (code, "adopting", country)
    )


def test_the_roadmap_relates_a_goal_to_its_actions(settings: Any) -> None:
    """An organisation adopts a goal when it adopts one of its actions: a reader knows
    action <= goal <= the sum of its actions in every bundle. The goal is N of N in every
    country (withheld), A1 is N - 2 (published on its own): the goal lies in [N - 2, N],
    narrower than p. With the roadmap, the engine withholds what pins it, and the audit
    that reads the roadmap finds nothing; without it, the audit cannot see the leak."""
    settings.BENCHMARK_MIN_GROUP_COUNTRY = 0
    organisations = _goal_of_all_with_an_action_at_n_minus_2()
    plain = anonymise(goal_table(organisations), k=K, p=P, k_quantiles=KQ)
    assert _adopting(plain, "IG1", "CZ").reason == "attribute"
    assert _adopting(plain, "A1", "CZ").value == 8  # 10 - 2: published on its own
    assert audit_cells(plain, k=K, p=P, k_quantiles=KQ) == []
    leaks = audit_cells(plain, k=K, p=P, k_quantiles=KQ, roadmap=ROADMAP)
    narrow = {(f.key[1], f.key[3]) for f in leaks if f.kind == "too_narrow"}
    assert ("IG1", "CZ") in narrow, leaks

    cells = anonymise(goal_table(organisations), k=K, p=P, k_quantiles=KQ, roadmap=ROADMAP)
    assert audit_cells(cells, k=K, p=P, k_quantiles=KQ, roadmap=ROADMAP) == []
    for country in ("PL", "CZ", "FR", "DE"):
        assert _adopting(cells, "IG1", country).suppressed
        assert _adopting(cells, "A1", country).suppressed, country  # what pinned the goal
    withheld = {c.key for c in cells if c.suppressed} - {c.key for c in plain if c.suppressed}
    assert withheld, "the roadmap withholds something more"
    assert all(key[0] == "action" for key in withheld), withheld  # the actions that pin it


def test_the_joint_family_holds_each_family_and_the_relations() -> None:
    from apps.benchmarking.protection import Relation, families_of, joint_family

    cells = goal_table(_goal_of_all_with_an_action_at_n_minus_2())
    _population, families = families_of(cells)
    joint = joint_family(families, {**ROADMAP, ("dimension", "none"): frozenset({"A9"})})
    assert joint is not None
    assert joint.roadmap == [
        Relation(
            "intermediate_goal:IG1:adopting", ("action:A1:adopting", "action:A2:adopting"), True
        )
    ]
    assert joint.key("action:A2:adopting", ("country", "CZ")) == (
        "action",
        "A2",
        "country",
        "CZ",
        "adopting",
    )
    assert joint.values["intermediate_goal:IG1:adopting"] == families[GOAL].values["adopting"]
    # A goal with an action missing from the table: action <= goal still holds, the sum not.
    partial = joint_family(families, {GOAL: frozenset({"A1", "A2", "A3"})})
    assert partial is not None
    assert [r.complete for r in partial.roadmap] == [False]
