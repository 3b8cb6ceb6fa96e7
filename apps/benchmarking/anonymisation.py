"""The anonymisation rules, in one place (the solver is in :mod:`.protection`).

A *count* is a whole number of organisations: a bundle's population, how many adopt a
subject, how many report a barrier or a metric, how many have rated a maturity goal. Its
*group* is its bundle's population: every organisation of one breakdown value (everyone, a
stakeholder group, a region, a country or a level). Counts add up: the stakeholder groups,
the regions and the levels each add up to everyone, and the countries of a region add up
to the region.

1. **Small groups.** No figure is published from fewer than *k* organisations
   (``BENCHMARK_MIN_GROUP``, default 5): a bundle whose population is smaller, a metric
   reported by fewer, a median of fewer adopters is withheld, reason ``small_group``.
2. **Attribute disclosure.** A member who knows its own answer must not learn another's:
   a count of 0, 1, N-1 or N in a group of N is withheld (reason ``attribute``, published
   as ``complementary``: see :func:`public_reason`), and
   quartiles and medians are published only from at least ``BENCHMARK_MIN_GROUP_QUANTILES``
   organisations (default 2k = 10: below that, three quartiles are nearly three
   organisations' own values). Withholding rather than rounding or bands: a rounded count
   still says "all of them" when it rounds to the group, and bands would change every
   figure the pages, charts and exports read; a withheld figure is simply absent.
3. **``n`` is a figure too.** A figure is withheld with the figure its value or its ``n``
   gives away: a share or a coverage quartile with its bundle's population, a share of
   adopters or their median with ``adopting``, a metric's total and median with
   ``reporting``, maturity quartiles with ``rated``. A withheld population withholds its
   bundle in every family. A withheld cell never shows its ``n``. One exception keeps
   medians and quartiles that give nothing away: when their basis count (``adopting``,
   ``reporting``, ``rated``; not the population) is withheld but is at least
   ``BENCHMARK_MIN_GROUP_QUANTILES``, they stay published with ``n`` left out
   (``BENCHMARK_QUANTILE_HIDDEN_N``); the reader learns "basis >= that threshold", which
   the protection intervals take into account.
4. **Protection intervals** (reason ``complementary``). For every withheld count a reader
   can bound the true value by linear programming from everything published: the sums,
   ``0 <= count <= population``, whole numbers, a listed group has at least one organisation,
   what a withheld population's reason says (fewer than k, or not), every count
   published in earlier snapshots that has not changed (rule 5), and the roadmap's
   structure: an organisation adopts (or implements) an intermediate goal, an end goal or
   a dimension when it adopts (implements) one of its actions, so in every bundle a goal's
   or dimension's count is at least each of its actions' and at most their sum (a goal
   withheld as "all N of them" would otherwise lie between N - 2 and N as soon as one of
   its actions shows N - 2). The interval it can infer,
   rounded inward to whole numbers, must be at least ``min(p, N)`` wide, and so must the
   interval of the complement N - count ("all of them adopt" is as telling as "none"); so
   must a withheld population's. ``p`` is ``BENCHMARK_PROTECTION_LEVEL``, default 3: a
   reader can then never tell a withheld count more closely than "one of at least three (or
   four) values", so a small count is never pinned to 0, 1 or the whole group, the same
   width the attribute rule keeps a published count away from those ends (2 <= x <= N - 2).
   While an interval is too narrow, a published peer in the sums it appears in is withheld
   too, the one with the smallest population first, the overall total only as a last resort;
   the population first (its withheld bundles are withheld in every family), then each
   subject on its own, then every goal, dimension and action together with the roadmap's
   relations (one programme: an action belongs to a goal, an end goal and a dimension),
   where the published counts that pin a too-narrow interval are the candidates (the
   actions that pin a goal, most often), the cheapest one that its own sums (and what is
   known from before) leave wide enough once withheld.
5. **Earlier periods.** Earlier snapshots are public and immutable: a count published
   before with the same value as now is treated as known when protecting a new snapshot
   (the strongest reader guesses "unchanged"). Withholding such a count protects nothing,
   so it is never chosen, not even as a last resort; where nothing else can widen an
   interval, the snapshot fails its audit and is held back.
6. **Small countries.** A country with fewer than ``BENCHMARK_MIN_GROUP_COUNTRY``
   organisations in a period (default 2k = 10) gets no figures of its own; it still counts
   in its region and in everyone. A reader then knows a region as its listed countries plus
   a remainder of at most (threshold - 1) organisations per unlisted country, and the
   protection intervals model exactly that.

Additive amounts (a metric's total) are withheld exactly where their count is (a metric
reported by fewer than k withholds its ``reporting`` count too), so the sums determine them
no more than they determine the count. No page, export or API response shows another
organisation's own figures: the organisation's own position is computed separately, for
its members only. :func:`apps.benchmarking.protection.audit_snapshot` checks a compiled
snapshot against these rules from what is published only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from . import protection
from .protection import COUNTS, ORGANISATIONS, PARTICIPATION, POPULATION, Family, Key

logger = logging.getLogger(__name__)
SMALL_GROUP = "small_group"
COMPLEMENTARY = "complementary"
ATTRIBUTE = "attribute"

# Marked for translation; translated where they are shown. Only these two are ever
# published: see :func:`public_reason`.
REASONS = {
    SMALL_GROUP: gettext_noop("Fewer than {k} organisations: not published."),
    COMPLEMENTARY: gettext_noop(
        "Withheld so that no organisation's answer can be worked out from it or from the "
        "figures around it."
    ),
}


def public_reason(cell: Cell, small_bundles: set[tuple[str, str]]) -> str:
    """The reason a reader is told a figure is withheld. Only a bundle of fewer than k
    organisations is named as such (its population says so anyway). Every other withheld
    figure gives one reason, whichever rule withheld it: told apart, "none, one, all but one
    or all" (rule 2) or "a median of fewer than k adopters" would narrow the figure down by
    itself, which the protection intervals do not model."""
    if not cell.suppressed:
        return ""
    return SMALL_GROUP if cell.bundle in small_bundles else COMPLEMENTARY


def small_bundles(cells: list[Cell]) -> set[tuple[str, str]]:
    """The bundles withheld because fewer than k organisations are in them."""
    return {c.bundle for c in cells if c.subject_type == POPULATION and c.reason == SMALL_GROUP}


@dataclass
class Cell:
    subject_type: str
    subject_code: str
    breakdown: str
    breakdown_value: str
    measure: str
    n: int | None  # None: hidden (rule 3's exception)
    value: float | None
    additive: bool = True
    suppressed: bool = False
    reason: str = ""
    # The value a withheld cell had: what the protection knows and the reader does not.
    withheld_value: float | None = None

    @property
    def family(self) -> tuple[str, str]:
        return (self.subject_type, self.subject_code)

    @property
    def bundle(self) -> tuple[str, str]:
        return (self.breakdown, self.breakdown_value)

    @property
    def key(self) -> Key:
        return (*self.family, *self.bundle, self.measure)

    @property
    def true_value(self) -> float | None:
        return self.withheld_value if self.suppressed else self.value

    def suppress(self, reason: str) -> None:
        if not self.suppressed:
            self.withheld_value = self.value
            self.suppressed, self.reason, self.value = True, reason, None


class _Table:
    """The cells indexed for the rules: by family, bundle and measure."""

    def __init__(self, cells: list[Cell], earlier: Mapping[Key, float]) -> None:
        self.cells = cells
        self.earlier = earlier
        self.families: dict[tuple[str, str], list[Cell]] = defaultdict(list)
        self.by_key: dict[tuple, Cell] = {}
        for cell in cells:
            self.families[cell.family].append(cell)
            self.by_key[(cell.family, cell.bundle, cell.measure)] = cell
        self.population = {c.bundle: c for c in self.families.get((POPULATION, ""), [])}

    def known(self, cell: Cell) -> bool:
        """Whether the reader knows the cell's value: published now, or earlier unchanged."""
        if not cell.suppressed:
            return True
        before = self.earlier.get(cell.key)
        return before is not None and before == cell.true_value

    def known_before(self, bundle: tuple[str, str]) -> bool:
        """Whether a reader knows the bundle's population from an earlier period."""
        cell = self.population[bundle]
        return self.earlier.get(cell.key) == cell.true_value

    def reader_value(self, cell: Cell) -> float | None:
        value = cell.true_value
        return float(value) if self.known(cell) and value is not None else None

    def withheld_basis(self, cell: Cell) -> Cell | None:
        """A withheld count the cell would give away by its ``n`` or its value."""
        for source in protection.bases(cell.measure):
            if source == ORGANISATIONS:
                found = self.population.get(cell.bundle)
            else:
                found = self.by_key.get((cell.family, cell.bundle, source))
            if found is not None and found is not cell and found.suppressed:
                return found
        return None

    def cascade(self, cells: list[Cell]) -> None:
        """Rule 3: a cell goes with its bundle's population and with the count it reveals,
        and gives the same reason (its own could tell more about the count: a metric's
        total withheld for ``small_group`` says fewer than k report it)."""
        for cell in cells:
            group = self.population.get(cell.bundle)
            source: Cell | None
            if group is not None and group.suppressed and cell is not group:
                source = group
            else:
                source = self.withheld_basis(cell)
                if source is None or self.hidden_n(cell, source):
                    continue
            cell.suppress(source.reason)
            cell.reason = source.reason

    hidden_n_on = False
    k_quantiles = 0
    p = 0

    def hidden_n(self, cell: Cell, source: Cell) -> bool:
        """Rule 3's exception: a quantile whose basis count is withheld stays published, n
        left out, when its basis is at least k_quantiles and its published group at least
        k_quantiles + p."""
        if not self.hidden_n_on or not protection.is_quantile(cell.measure) or cell.suppressed:
            return False
        if source.measure == ORGANISATIONS:
            return False
        group = self.population.get(cell.bundle)
        return (
            group is not None
            and not group.suppressed
            and group.value is not None
            and group.value >= self.k_quantiles + self.p
            and source.true_value is not None
            and source.true_value >= self.k_quantiles
        )

    def quantile_bounds(self, name: tuple[str, str]) -> dict:
        if not self.hidden_n_on:
            return {}
        # Published now: a population withheld now (even if known from before) withholds
        # the quantile with it, which then says nothing about the basis.
        population = {b: None if c.suppressed else c.value for b, c in self.population.items()}
        seen = [
            (protection.n_basis(c.measure), c.bundle, not c.suppressed)
            for c in self.families[name]
            if protection.is_quantile(c.measure) and protection.n_basis(c.measure) != ORGANISATIONS
        ]
        return protection.quantile_bounds(
            seen, population, k_quantiles=self.k_quantiles, smallest_group=self.k_quantiles + self.p
        )

    def family(self, subject_type: str, subject_code: str) -> Family:
        bundles = sorted(self.population)
        population = {b: self.reader_value(c) for b, c in self.population.items()}
        population_reasons = {b: c.reason for b, c in self.population.items() if c.suppressed}
        values: dict[str, dict] = defaultdict(dict)
        reasons: dict[str, dict] = defaultdict(dict)
        if subject_type != POPULATION:
            for cell in self.families[(subject_type, subject_code)]:
                if cell.measure in COUNTS:
                    values[cell.measure][cell.bundle] = self.reader_value(cell)
                    if cell.suppressed:
                        reasons[cell.measure][cell.bundle] = cell.reason
        return Family(
            subject_type,
            subject_code,
            bundles,
            population,
            dict(values),
            population_reasons,
            dict(reasons),
            self.quantile_bounds((subject_type, subject_code)),
        )

    def withhold(self, family: tuple[str, str], chosen: list[tuple[str, tuple]]) -> None:
        for measure, bundle in chosen:
            self.by_key[(family, bundle, measure)].suppress(COMPLEMENTARY)


def _primary(table: _Table, cells: list[Cell], *, k: int, k_quantiles: int, counts: bool) -> None:
    """Rules 1 and 2, cell by cell: the counts (``counts``), or the other figures."""
    for cell in cells:
        if cell.suppressed or cell.subject_type == POPULATION or (cell.measure in COUNTS) != counts:
            continue
        if cell.measure in COUNTS:
            value = cell.value  # a count's: there until it is withheld
            if value is None:
                continue
            if (cell.subject_type, cell.measure) in protection.OWN_N and value < k:
                cell.suppress(SMALL_GROUP)  # its total and median: from fewer than k
                continue
            group = table.population.get(cell.bundle)
            size = group.value if group is not None and not group.suppressed else None
            if cell.measure in PARTICIPATION or size is None:
                continue
            if not 2 <= value <= size - 2:
                cell.suppress(ATTRIBUTE)
        elif cell.n is None:  # (hidden only once the rules are applied: see anonymise)
            continue
        elif cell.n < k:
            cell.suppress(SMALL_GROUP)
        elif protection.is_quantile(cell.measure) and cell.n < k_quantiles:
            cell.suppress(ATTRIBUTE)


def anonymise(
    cells: list[Cell],
    *,
    k: int,
    p: int | None = None,
    k_quantiles: int | None = None,
    earlier: Mapping[Key, float] | None = None,
    roadmap: protection.Roadmap | None = None,
) -> list[Cell]:
    """Apply the rules above to ``cells`` (in place) and return them. ``earlier``: the
    counts published in earlier snapshots (:func:`.protection.earlier_published`);
    ``roadmap``: each goal's and dimension's actions
    (:func:`.protection.roadmap_structure`), which the reader knows too (rule 4)."""
    from django.conf import settings

    p = settings.BENCHMARK_PROTECTION_LEVEL if p is None else p
    k_quantiles = settings.BENCHMARK_MIN_GROUP_QUANTILES if k_quantiles is None else k_quantiles
    table = _Table(cells, earlier or {})
    table.hidden_n_on = protection.hidden_n_enabled()
    table.k_quantiles, table.p = k_quantiles, p
    for group in table.population.values():
        if group.value is not None and group.value < k:
            group.suppress(SMALL_GROUP)
    while True:
        try:
            _protect(table, k=k, p=p, k_quantiles=k_quantiles)
            if roadmap:
                _protect_roadmap(table, roadmap, k=k, p=p)
        except protection.NeedsPopulation as needed:
            # First withhold the quantiles shown without their n in those bundles (what they
            # say, basis >= k_quantiles, may be what is stuck).
            shown_hidden = [
                c
                for c in cells
                if table.hidden_n_on
                and c.bundle in needed.bundles
                and not c.suppressed
                and protection.is_quantile(c.measure)
                and table.withheld_basis(c) is not None
            ]
            if shown_hidden:
                for cell in shown_hidden:
                    cell.suppress(COMPLEMENTARY)
                logger.warning("Withholding %d hidden-n quantiles to protect", len(shown_hidden))
                continue
            # Rare: withhold these populations too, and protect everything again (what is
            # withheld stays withheld, and each time one more population is, so this ends).
            # A population the reader knows from before is never among them (rule 5).
            fresh = sorted(b for b in needed.bundles if not table.known_before(b))
            if not fresh:  # protect_family never asks for those: it would loop for ever
                raise RuntimeError(f"Only populations known before are stuck: {needed}") from None
            logger.warning("Withholding populations to protect: %s", fresh)
            for bundle in fresh:
                table.population[bundle].suppress(COMPLEMENTARY)
            continue
        break
    if table.hidden_n_on:  # rule 3's exception: a published quantile of a withheld basis
        for cell in cells:
            shown = not cell.suppressed and protection.is_quantile(cell.measure)
            if shown and table.withheld_basis(cell) is not None:
                cell.n = None
    return cells


def _protect(table: _Table, *, k: int, p: int, k_quantiles: int) -> None:
    population = table.family(POPULATION, "")
    chosen = protection.protect_family(population, k=k, p=p, earlier=table.earlier)
    table.withhold((POPULATION, ""), chosen)
    for name, members in table.families.items():
        if name == (POPULATION, ""):
            continue
        table.cascade(members)
        _primary(table, members, k=k, k_quantiles=k_quantiles, counts=True)
        table.cascade(members)
        _primary(table, members, k=k, k_quantiles=k_quantiles, counts=False)
        if not any(c.measure in COUNTS for c in members):
            continue
        family = table.family(*name)
        chosen = protection.protect_family(family, k=k, p=p, earlier=table.earlier)
        table.withhold(name, chosen)
        table.cascade(members)


def _protect_roadmap(table: _Table, roadmap: protection.Roadmap, *, k: int, p: int) -> None:
    """Rule 4 with the roadmap's structure: every adoption family it relates, protected
    together (each on its own is protected already; the joint programme holds each whole,
    so what it withholds leaves none of them too narrow)."""
    names = set(roadmap) | {("action", a) for actions in roadmap.values() for a in actions}
    families = {
        name: table.family(*name)
        for name in sorted(names & set(table.families))
        if any(c.measure in COUNTS for c in table.families[name])
    }
    joint = protection.joint_family(families, roadmap)
    if joint is None:
        return
    chosen = protection.protect_family(joint, k=k, p=p, earlier=table.earlier)
    populations = {bundle for measure, bundle in chosen if measure == ORGANISATIONS}
    if populations:  # withheld in every family: protect everything again (anonymise)
        raise protection.NeedsPopulation(populations)
    touched = set()
    for measure, bundle in chosen:
        subject_type, subject_code, own = joint.members[measure]
        table.withhold((subject_type, subject_code), [(own, bundle)])
        touched.add((subject_type, subject_code))
    for name in sorted(touched):
        table.cascade(table.families[name])
