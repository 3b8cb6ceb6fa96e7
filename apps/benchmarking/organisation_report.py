"""An organisation's benchmark page: its own position (for its members only) beside the
medians of its stakeholder group and of everyone, shaped for the page's tables and charts.

:func:`report_fragment` keeps it rendered in the cache per organisation, snapshot and
language, stamped with the roadmap content version and the organisation's data version
(``apps/organisations/data_version.py``): its adoptions and entries (an entry may be dated in
a past period), its stakeholder group and verification. The peers' figures are kept per
snapshot already (``selectors.peer_table``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from apps.organisations.data_version import data_version_key
from apps.organisations.models import Organisation
from apps.roadmap.cache import Fragment, cached_fragment

from .charts import Shown, as_float, mark_withheld, shown, subject_label
from .method import benchmark_method
from .models import BenchmarkSnapshot
from .selectors import OrganisationPosition, Position, organisation_position, snapshot_key


@dataclass
class PositionRow:
    """One end goal or dimension: the organisation's own coverage and the two medians."""

    position: Position
    group: Shown
    everyone: Shown


@dataclass
class PositionTable:
    rows: list[PositionRow]
    chart: dict[str, Any]
    summary: str
    notes: list[tuple[int, str, str]]


@dataclass
class OrganisationReport:
    position: OrganisationPosition
    group_name: str
    counted: bool
    goals: PositionTable
    dimensions: PositionTable


def report_fragment(*, organisation: Organisation, snapshot: BenchmarkSnapshot) -> Fragment:
    """The page's report below its period chooser (``benchmarking/_organisation_report.html``:
    the charts and tables of :func:`organisation_report`, and how the figures are made),
    rendered, and what the page shows above it (``kept``: ``counted``, ``group_name``); from
    the cache when nothing it shows has changed."""

    def context() -> dict[str, Any]:
        report = organisation_report(organisation=organisation, snapshot=snapshot)
        return {
            "report": report,
            "snapshot": snapshot,
            "method": benchmark_method(snapshot),
            "counted": report.counted,
            "group_name": report.group_name,
        }

    return cached_fragment(
        f"benchmarking:organisation:{organisation.pk}:{snapshot_key(snapshot)}",
        "benchmarking/_organisation_report.html",
        context,
        tokens=[data_version_key(organisation.pk)],
        keep=["counted", "group_name"],
    )


def organisation_report(
    *, organisation: Organisation, snapshot: BenchmarkSnapshot
) -> OrganisationReport:
    """The organisation's position (its own figures: for its members only) shaped for the
    page: a "you, your stakeholder group, everyone" chart per subject, and its sentence."""
    position = organisation_position(organisation=organisation, snapshot=snapshot)
    group_name = organisation.stakeholder_group.name
    goals, dims = position.end_goals, position.dimensions
    k = snapshot.min_group_size
    return OrganisationReport(
        position=position,
        group_name=group_name,
        counted=Organisation.objects.verified_on(snapshot.period.ends_on)
        .filter(pk=organisation.pk)
        .exists(),
        goals=_position_table(goals, k, show_code=True),
        dimensions=_position_table(dims, k, show_code=False),
    )


def _position_table(positions: list[Position], k: int, *, show_code: bool) -> PositionTable:
    cells = [(shown(p.group_median, k), shown(p.everyone_median, k)) for p in positions]
    marked, notes = mark_withheld([c for pair in cells for c in pair], k)

    def at(i: int, cell: Shown) -> Shown:
        return marked.get(i, cell)

    return PositionTable(
        rows=[
            PositionRow(p, at(2 * i, group), at(2 * i + 1, everyone))
            for i, (p, (group, everyone)) in enumerate(zip(positions, cells, strict=True))
        ],
        chart=_position_chart(positions, show_code),
        summary=_position_summary(positions, show_code),
        notes=notes,
    )


def _position_chart(positions: list[Position], show_code: bool) -> dict[str, Any]:
    return {
        "categories": [subject_label(p.code, p.title, show_code=show_code) for p in positions],
        "series": {
            _("You"): [float(p.adopted) for p in positions],
            _("Your stakeholder group (median)"): [
                as_float(p.group_median.value) for p in positions
            ],
            _("Everyone (median)"): [as_float(p.everyone_median.value) for p in positions],
        },
        "max": max([p.total for p in positions] or [1]) or 1,
        "unit": "",
    }


def _position_summary(positions: list[Position], show_code: bool) -> str:
    """One sentence: where the organisation is ahead of its group's median and where behind."""

    def name(p: Position) -> str:
        return p.code if show_code else p.title

    if positions and not any(p.has_data for p in positions):
        return str(_("You had recorded no adoption by the end of this period: no data to place."))
    medians = [(p, p.group_median.value) for p in positions if p.group_median.value is not None]
    ahead = [name(p) for p, median in medians if p.adopted > median]
    behind = [name(p) for p, median in medians if p.adopted < median]
    unknown = [name(p) for p in positions if p.group_median.suppressed]
    parts = [
        _("You are ahead of your stakeholder group's median in %(list)s")
        % {"list": ", ".join(ahead) or _("none")},
        _("behind it in %(list)s") % {"list": ", ".join(behind) or _("none")},
    ]
    if unknown:
        parts.append(
            _("your group's median is withheld for %(list)s") % {"list": ", ".join(unknown)}
        )
    return "; ".join(parts) + "."
