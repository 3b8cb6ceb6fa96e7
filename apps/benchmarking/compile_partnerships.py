"""The joint-commitment figure of a snapshot: how many adoptions have a confirmed partner
from another stakeholder group (issue 17).

For everyone, each stakeholder group and each region, ``partnered_percent`` (subject
``partnership``, code ``cross_group``) is the share of the bundle's adoptions that had, at
the period's end, a confirmed partner from another stakeholder group than the adopting
organisation's. The adoptions are the public adoption figures' own: those of the verified
organisations, of the edition's actions not removed, standing at the period's end as
anything but discontinued (the compile's state table, :mod:`.compile_tables`). A partnership
is confirmed at the period's end when the partner had accepted it before the end of its last
day and nobody had withdrawn it by then (``answered_at`` and ``withdrawn_at``: a partnership
withdrawn since still counts for that period, so compiling it again gives the same figure).
The partner's and the adopter's stakeholder groups are their current ones. (Not named
``share_…``: those are shares of the bundle's organisations, ``100 * count / population``,
and read so.)

**Anonymisation.** The figure is a share of adoptions, not a count of organisations, so the
protection's linear programmes (:mod:`.protection`, which model additive counts of
organisations) do not read it; it passes :func:`.anonymisation.anonymise` with the others
(stored with ``n`` = its bundle's population, it goes with a withheld population and is
withheld below *k*), and before that and after it these rules of its own:

1. *At least k organisations on both sides.* A share is published only when at least *k*
   organisations of the bundle have an adoption with such a partner, and at least *k* have
   an adoption without one: neither "who has" nor "who has not" is ever fewer than *k*
   (this also keeps every share away from 0% and 100%, the attribute rule's "none" and
   "all").
2. *Nothing from subtraction.* A reader who knows everyone's share and the groups' (or the
   regions') adoptions can take the published groups away from everyone: what is left (the
   withheld groups together, the *rest*) must itself pass rule 1. While it does not, the
   published group (or region) with the fewest organisations is withheld too, and
   everyone's figure when none is left (:func:`withhold_rests`). Everyone's figure counts
   as known when it is published, or when every group (or every region) is, since they
   add up to it. As in the public rules (rule 5), a figure withheld now with the value
   published for it in an earlier period counts as known too (the reader guesses
   "unchanged"), and withholding one protects nothing, so none is chosen. Applied after the
   public rules, which may have withheld a bundle's population (and with it the share).

Like the curators' figures (:mod:`.compile_curation`), the figure is thus safe by
construction: every figure a reader can publish or derive by subtraction comes from at
least *k* organisations that have such a partner and *k* that have not.
``tests/benchmarking/test_compile_partnerships.py`` runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from apps.adoption.models import AdoptionStatus, Partnership, PartnershipState
from apps.organisations.models import Organisation
from apps.organisations.querysets import verified_before

from . import rests
from .anonymisation import SMALL_GROUP, Cell
from .compile_tables import Tables, table_name
from .models import BenchmarkCell, Breakdown, Subject

CROSS_GROUP = "cross_group"
MEASURE = "partnered_percent"
# The breakdowns the figure is published for (it adds up over the groups and the regions).
BREAKDOWNS = (Breakdown.ALL, Breakdown.STAKEHOLDER_GROUP, Breakdown.REGION)
TOTAL = (Breakdown.ALL.value, "")

Bundle = tuple[str, str]


@dataclass(frozen=True)
class Counts:
    """A bundle's adoptions, those with a partner from another group, and its organisations
    with at least one adoption with such a partner (``with_partner``) or without one."""

    adoptions: int = 0
    partnered: int = 0
    with_partner: int = 0
    without_partner: int = 0

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.adoptions - other.adoptions,
            self.partnered - other.partnered,
            self.with_partner - other.with_partner,
            self.without_partner - other.without_partner,
        )

    @property
    def empty(self) -> bool:
        return not self.adoptions

    def publishable(self, k: int) -> bool:
        """Rule 1: at least ``k`` organisations on each side."""
        return self.with_partner >= k and self.without_partner >= k

    @property
    def share(self) -> float:
        return round(100 * self.partnered / self.adoptions, 1) if self.adoptions else 0


def _source() -> str:
    """One row per organisation: its adoptions counted and how many have a partner from
    another stakeholder group, with its breakdown values."""
    organisations = table_name(Organisation)
    confirmed = (
        f"SELECT 1 FROM {table_name(Partnership)} p "
        f"JOIN {organisations} po ON po.id = p.partner_id "
        f"JOIN {organisations} ao ON ao.id = s.org "
        "WHERE p.adoption_id = s.adoption AND p.state IN (%s, %s) "
        "AND p.answered_at IS NOT NULL AND p.answered_at < %s "
        "AND (p.withdrawn_at IS NULL OR p.withdrawn_at >= %s) "
        "AND po.stakeholder_group_id <> ao.stakeholder_group_id"
    )
    adoptions = (
        "SELECT s.org, s.grp, s.region, s.country, s.level, "
        f"CASE WHEN EXISTS ({confirmed}) THEN 1 ELSE 0 END AS partnered "
        "FROM benchmark_state s WHERE s.status <> %s"
    )
    return (
        "(SELECT org, grp, region, country, level, COUNT(*) AS adoptions, "
        f"SUM(partnered) AS partnered FROM ({adoptions}) a "
        "GROUP BY org, grp, region, country, level)"
    )


def partnership_counts(tables: Tables) -> dict[Bundle, Counts]:
    """:class:`Counts` per bundle of the published breakdowns (absent: none)."""
    end = verified_before(tables.period.ends_on)
    # A partnership withdrawn after its acceptance keeps its state "withdrawn".
    params = [PartnershipState.ACCEPTED, PartnershipState.WITHDRAWN, end, end]
    rows = tables.grouped(
        _source(),
        [],
        [
            "SUM(adoptions)",
            "SUM(partnered)",
            "SUM(CASE WHEN partnered > 0 THEN 1 ELSE 0 END)",
            "SUM(CASE WHEN partnered < adoptions THEN 1 ELSE 0 END)",
        ],
        [*params, AdoptionStatus.DISCONTINUED],
    )
    return {
        (breakdown, value): Counts(*(int(n or 0) for n in found))
        for breakdown in BREAKDOWNS
        for (value,), found in rows[breakdown].items()
    }


def partnership_cells(
    counts: dict[Bundle, Counts], population: dict[Bundle, int], *, k: int
) -> Iterator[Cell]:
    """The figure of every bundle of the published breakdowns, rule 1 applied (rule 2:
    :func:`withhold_rests`, once the public rules have run)."""
    for (breakdown, value), n in sorted(population.items()):
        if breakdown not in BREAKDOWNS:
            continue
        found = counts.get((breakdown, value), Counts())
        cell = Cell(
            Subject.PARTNERSHIP,
            CROSS_GROUP,
            breakdown,
            value,
            MEASURE,
            n,
            found.share,
            additive=False,
        )
        if not found.publishable(k):
            cell.suppress(SMALL_GROUP)
        yield cell


def earlier_figures(before: dt.date) -> dict[Bundle, float]:
    """The figure of every bundle as published in the latest earlier snapshot that has it
    (periods ending before ``before``): what a reader takes as unchanged where it is
    withheld now (the public rules' rule 5)."""
    rows = (
        BenchmarkCell.objects.published()
        .filter(
            snapshot__period__ends_on__lt=before,
            subject_type=Subject.PARTNERSHIP,
            subject_code=CROSS_GROUP,
            measure=MEASURE,
            suppressed=False,
        )
        .order_by("snapshot__period__starts_on")
        .values_list("breakdown", "breakdown_value", "value")
    )
    return {(b, v): float(value) for b, v, value in rows if value is not None}


def withhold_rests(
    cells: list[Cell],
    counts: dict[Bundle, Counts],
    population: dict[Bundle, int],
    *,
    k: int,
    earlier: dict[Bundle, float] | None = None,
) -> None:
    """Rule 2, in place (:func:`.rests.withhold_rests`): while what a reader can take by
    subtraction (everyone's figure less the known groups', or regions') comes from fewer
    than ``k`` organisations on either side, withhold the published group (or region) with
    the fewest organisations; when none is left to withhold, everyone's figure (or, when
    the other breakdown's figures add up to it, the cheapest of those). ``earlier``:
    :func:`earlier_figures`."""
    figures = {c.bundle: c for c in cells if c.subject_type == Subject.PARTNERSHIP}
    partitions = [
        (TOTAL, sorted(b for b in figures if b[0] == breakdown))
        for breakdown in (Breakdown.STAKEHOLDER_GROUP, Breakdown.REGION)
    ]
    rests.withhold_rests(
        figures,
        counts,
        partitions,
        k=k,
        zero=Counts(),
        size=lambda bundle: population.get(bundle, 0),
        earlier=earlier,
    )
