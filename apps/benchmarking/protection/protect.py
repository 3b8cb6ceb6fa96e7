"""Protecting a family: withhold published counts until no withheld figure is too narrow."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .model import BIG, ORGANISATIONS, TOTAL, Bundle, Family, Key, Narrow, equations
from .programme import Floor, narrow_intervals

logger = logging.getLogger(__name__)


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
    floor = Floor.of(family, earlier)
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
            elif floor is not None and floor.pins(target, k):
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
    size = size if size is not None else BIG
    return (bundle == TOTAL, measure == ORGANISATIONS, size, candidate)
