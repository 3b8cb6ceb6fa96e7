"""The anonymisation rules, tested on random populations (hypothesis).

For every generated population: every published cell comes from at least k
organisations, no published count is 0, 1, N-1 or N of its group, a share stands or
falls with its count, no withheld cell can be worked out from the published totals and
sibling cells (the null space of the sums, by SVD), and no withheld count or population
can be narrowed below the protection level by a reader with bounds and whole numbers
(``reader.py``, SciPy's linprog on the test's own equations).
"""

from collections import Counter

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.benchmarking.anonymisation import Cell, anonymise
from tests.benchmarking.reader import sums, too_narrow


@pytest.fixture(autouse=True, scope="module")
def _every_country_listed():
    """These tables are the rules' input as given: every country in them is listed (the
    compile drops small countries before the rules run; rule 6 is tested in
    test_protection and by the attacker)."""
    with override_settings(BENCHMARK_MIN_GROUP_COUNTRY=0):
        yield


COUNTRIES = ["BE", "FR", "DE", "NL", "PL", "RO", "HU", "ES", "IT", "SE", "DK", "US", "JP"]
GROUPS = ["po", "industry", "hta", "regulator", "academia", "payer", "policy", "funder"]
LEVELS = ["local", "regional", "national", "european", "global"]

organisation = st.tuples(
    st.sampled_from(COUNTRIES), st.sampled_from(GROUPS), st.sampled_from(LEVELS), st.booleans()
)


def _cells(population: list[tuple], k: int) -> list[Cell]:
    from apps.organisations.regions import region_for_country

    counts: Counter = Counter()
    adopting: Counter = Counter()
    for country, group, level, adopts in population:
        for bundle in [
            ("all", ""),
            ("country", country),
            ("region", region_for_country(country)),
            ("stakeholder_group", group),
            ("level", level),
        ]:
            counts[bundle] += 1
            adopting[bundle] += int(adopts)
    cells = []
    for bundle, n in counts.items():
        cells.append(Cell("population", "", *bundle, "organisations", n, float(n)))
        cells.append(Cell("action", "A1.1.1", *bundle, "adopting", n, float(adopting[bundle])))
        share = adopting[bundle] / n
        cells.append(Cell("action", "A1.1.1", *bundle, "share_adopting", n, share, False))
    return anonymise(cells, k=k, p=P, k_quantiles=2 * k)


P = 3


def _can_vary(cells: list[Cell], target: tuple[str, str]) -> bool:
    """Whether the target's count can change while every published count stays put."""
    adopting = [c for c in cells if c.measure == "adopting"]
    unknown = sorted(c.bundle for c in adopting if c.suppressed)
    index = {b: i for i, b in enumerate(unknown)}
    rows = []
    for parent, children in sums([c.bundle for c in adopting]):
        row = np.zeros(len(unknown))
        for bundle, sign in [(parent, 1.0), *((ch, -1.0) for ch in children)]:
            if bundle in index:
                row[index[bundle]] += sign
        rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(unknown)))
    if matrix.shape[0] == 0:
        return True
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    return bool(null_space.size) and bool(np.abs(null_space[:, index[target]]).max() > 1e-9)


@settings(max_examples=300, deadline=None)
@given(st.lists(organisation, min_size=0, max_size=60), st.integers(min_value=2, max_value=6))
def test_published_cells_come_from_k_organisations(population, k) -> None:
    for cell in _cells(population, k):
        if not cell.suppressed:
            assert cell.n >= k, cell
            assert cell.value is not None
        else:
            assert cell.value is None
            assert cell.reason in ("small_group", "complementary", "attribute")


@settings(max_examples=200, deadline=None)
@given(st.lists(organisation, min_size=0, max_size=60), st.integers(min_value=2, max_value=6))
def test_no_published_count_tells_a_member_the_others_answers(population, k) -> None:
    cells = _cells(population, k)
    size = {c.bundle: c.value for c in cells if c.measure == "organisations"}
    for cell in cells:
        if cell.measure == "adopting" and not cell.suppressed:
            assert size[cell.bundle] is not None
            assert 2 <= cell.value <= size[cell.bundle] - 2, cell


@settings(max_examples=60, deadline=None)
@given(st.lists(organisation, min_size=0, max_size=60), st.integers(min_value=2, max_value=6))
def test_no_withheld_figure_can_be_narrowed_below_the_protection_level(population, k) -> None:
    # Fewer than k organisations in all: nothing is published, and the listed groups alone
    # tell there are at least as many organisations as groups.
    assume(len(population) >= k)
    cells = [c for c in _cells(population, k) if c.measure in ("organisations", "adopting")]
    assert too_narrow(cells, P) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(organisation, min_size=0, max_size=60), st.integers(min_value=2, max_value=6))
def test_no_suppressed_cell_can_be_worked_out(population, k) -> None:
    cells = _cells(population, k)
    for cell in cells:
        if cell.suppressed and cell.measure == "adopting":
            assert _can_vary(cells, cell.bundle), f"{cell.bundle} is derivable"


@settings(max_examples=100, deadline=None)
@given(st.lists(organisation, min_size=1, max_size=40))
def test_a_share_stands_or_falls_with_its_count_and_population(population) -> None:
    cells = _cells(population, 5)
    withheld = {(c.bundle, c.measure): c.suppressed for c in cells}
    for (bundle, measure), suppressed in withheld.items():
        if measure == "share_adopting":
            gives_away = withheld[(bundle, "adopting")] or withheld[(bundle, "organisations")]
            assert suppressed == gives_away


def test_a_lone_small_country_takes_a_neighbour_down_with_it() -> None:
    population = [("BE", "po", "national", i < 3) for i in range(6)]
    population += [("FR", "po", "national", i < 3) for i in range(7)]
    population += [("DE", "po", "national", i < 4) for i in range(8)]
    population += [("NL", "hta", "national", True)] * 2  # NL: 2 < 5
    cells = {(c.bundle, c.measure): c for c in _cells(population, 5)}
    assert cells[(("country", "NL"), "organisations")].reason == "small_group"
    assert cells[(("country", "NL"), "adopting")].reason == "small_group"
    # Western Europe = BE + FR + DE + NL: with NL alone withheld it would be 23 − 6 − 7 − 8.
    assert cells[(("country", "BE"), "organisations")].reason == "complementary"
    assert cells[(("country", "BE"), "adopting")].suppressed
    assert cells[(("all", ""), "adopting")].value == 12
