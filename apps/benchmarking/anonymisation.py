"""The anonymisation rules, in one place.

1. **Small groups.** No figure is published from fewer than *k* organisations
   (``BENCHMARK_MIN_GROUP``, default 5): such a cell is suppressed with the reason
   ``small_group``.
2. **Complementary suppression.** Additive figures (counts and totals) add up:
   the stakeholder groups, the regions and the levels each add up to everyone,
   and the countries of a region add up to the region. A suppressed figure must
   not be recoverable by subtraction from those sums, so more cells are
   suppressed (reason ``complementary``) until no suppressed cell is determined
   by the published ones. Determinacy is checked exactly, with linear algebra,
   not by a rule of thumb: cell *i* is determined iff the unit vector *eᵢ* lies
   in the row space of the equations restricted to the suppressed cells.
3. **Bundles.** All figures of one subject for one breakdown value (the count
   adopting, each status count, the share, the median) stand or fall together,
   so that no figure can be worked out from its neighbours (a status count from
   the others and their total, a count from a share and a population).
4. Non-additive figures (shares, medians, quartiles) also need their own *n*
   (for example the number of adopters behind a median) of at least *k*.

No page, export or API response shows another organisation's own figures: the
organisation's own position is computed separately, for its members only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_noop

from apps.organisations.regions import COUNTRY_REGION

SMALL_GROUP = "small_group"
COMPLEMENTARY = "complementary"

# Marked for translation; translated where they are shown.
REASONS = {
    SMALL_GROUP: gettext_noop("Fewer than {k} organisations: not published."),
    COMPLEMENTARY: gettext_noop(
        "Withheld so that a small group cannot be worked out from the totals."
    ),
}


@dataclass
class Cell:
    subject_type: str
    subject_code: str
    breakdown: str
    breakdown_value: str
    measure: str
    n: int
    value: float | None
    additive: bool = True
    suppressed: bool = False
    reason: str = ""

    @property
    def family(self) -> tuple[str, str]:
        return (self.subject_type, self.subject_code)

    @property
    def bundle(self) -> tuple[str, str]:
        return (self.breakdown, self.breakdown_value)

    def suppress(self, reason: str) -> None:
        if not self.suppressed:
            self.suppressed, self.reason, self.value = True, reason, None


def _equations(bundles: Iterable[tuple[str, str]]) -> list[tuple[tuple[str, str], list]]:
    """(parent, children) for every sum that holds between the bundles of a family."""
    present = set(bundles)
    total = ("all", "")
    equations = []
    for breakdown in ("stakeholder_group", "region", "level"):
        children = sorted(b for b in present if b[0] == breakdown)
        if children:
            equations.append((total, children))
    countries_by_region: dict[str, list] = defaultdict(list)
    for bundle in present:
        if bundle[0] == "country":
            region = COUNTRY_REGION.get(bundle[1].upper(), "outside")
            countries_by_region[region].append(bundle)
    for region, countries in countries_by_region.items():
        equations.append((("region", region), sorted(countries)))
    return equations


def determined(
    bundles: list[tuple[str, str]], suppressed: set[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The suppressed bundles whose value the published ones determine."""
    unknown = sorted(suppressed)
    if not unknown:
        return []
    index = {b: i for i, b in enumerate(unknown)}
    rows = []
    for parent, children in _equations(bundles):
        row = np.zeros(len(unknown))
        for bundle, sign in [(parent, 1.0), *((c, -1.0) for c in children)]:
            if bundle in index:
                row[index[bundle]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for bundle, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(bundle)
    return found


def _protect_family(cells: list[Cell], k: int) -> None:
    bundles: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for cell in cells:
        bundles[cell.bundle].append(cell)
    size = {
        b: max(c.n for c in members if c.additive) if any(c.additive for c in members) else 0
        for b, members in bundles.items()
    }
    suppressed = {
        b for b, members in bundles.items() if any(c.additive and c.n < k for c in members)
    }
    for bundle in suppressed:
        for cell in bundles[bundle]:
            cell.suppress(SMALL_GROUP)
    equations = _equations(bundles)
    while exposed := determined(list(bundles), suppressed):
        # Peers of any exposed cell: withholding one of them breaks the chain of sums.
        candidates = {
            b
            for parent, children in equations
            if any(e == parent or e in children for e in exposed)
            for b in (parent, *children)
            if b not in suppressed
        }
        if not candidates:  # pragma: no cover - a determined cell always has a published peer
            raise AssertionError(f"Cannot protect {exposed}")
        # Withhold the smallest published peer; the overall total only as a last resort.
        choice = min(candidates, key=lambda b: (b == ("all", ""), size[b], b))
        suppressed.add(choice)
        for cell in bundles[choice]:
            cell.suppress(COMPLEMENTARY)


def anonymise(cells: list[Cell], *, k: int) -> list[Cell]:
    """Apply the rules above to ``cells`` (in place) and return them."""
    families: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for cell in cells:
        families[cell.family].append(cell)
    for family in families.values():
        _protect_family(family, k)
    for cell in cells:
        if not cell.additive and cell.n < k:
            cell.suppress(SMALL_GROUP)
    return cells
