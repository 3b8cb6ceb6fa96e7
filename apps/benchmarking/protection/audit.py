"""The audit: every breach of the rules a reader can find in a snapshot as published."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .model import (
    ATTRIBUTE_FINDING,
    COUNTS,
    N_LEAK,
    ORGANISATIONS,
    PARTICIPATION,
    PEOPLE_BREAKDOWNS,
    POPULATION,
    SMALL_GROUP_FINDING,
    TOO_NARROW,
    VALUE_BASIS,
    Bundle,
    Family,
    Finding,
    Key,
    Narrow,
    hidden_n_enabled,
    is_quantile,
    n_basis,
    quantile_bounds,
)
from .programme import Floor, Infeasible, narrow_intervals
from .roadmap import Roadmap, joint_family, roadmap_structure

if TYPE_CHECKING:
    from ..anonymisation import Cell
    from ..models import BenchmarkSnapshot


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
        if cell.breakdown in PEOPLE_BREAKDOWNS:  # no population, no count to give away
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
            narrow = narrow_intervals(family, k=k, p=p, floor=Floor.of(family, earlier or {}))
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

    from ..anonymisation import Cell
    from ..models import BenchmarkCell

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
    from ..models import BenchmarkCell

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
