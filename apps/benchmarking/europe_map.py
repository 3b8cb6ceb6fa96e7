"""The tile-grid map of Europe (on ``/benchmarks/`` and the region pages): each country an
equal square (:mod:`.europe_grid`), shaded by the published share of its organisations
adopting an end goal, with the same figures in a table.

The share is a published cell of the snapshot (breakdown country, measure
``share_adopting``): a country below ``BENCHMARK_MIN_GROUP_COUNTRY`` has none, a withheld
one has its reason; both are hatched and labelled, never shaded. The shading uses the uptake
map's five levels (:mod:`.uptake`): dark text reads on each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.organisations.regions import COUNTRY_REGION, Region
from apps.roadmap.cache import cached_with_content

from .europe_grid import EUROPE_GRID
from .figures import footnote, text
from .models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject
from .places import country_name
from .selectors import snapshot_key
from .uptake import WITHHELD, Uptake, heat_level, heat_ranges

TILE = 56
GAP = 4
MARGIN = 2
# The uptake map's fills, lightest first (templates/roadmap/_toc_heat_defs.html).
FILLS = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6")
NO_FIGURE = "none"


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    region: str
    x: int
    y: int
    share: Decimal | None
    level: str  # "0" to "4", WITHHELD (a withheld cell) or NO_FIGURE (no cell)
    reason: str  # why there is no figure, in words
    url: str

    @property
    def fill(self) -> str:
        return FILLS[int(self.level)] if self.level.isdigit() else ""

    @property
    def hatched(self) -> bool:
        return not self.level.isdigit()

    @property
    def figure(self) -> str:
        """What the tile writes under the code: the share, or why there is none."""
        if self.share is not None:
            return f"{text(self.share)}%"
        return _("withheld") if self.level == WITHHELD else _("no figure")

    @property
    def label(self) -> str:
        """The link's accessible name: the country and its figure, or that it has none."""
        return f"{self.name}: {self.figure}"

    @property
    def cx(self) -> int:
        return self.x + TILE // 2


@dataclass
class EuropeMap:
    goal: str
    goal_title: str
    goals: list[tuple[str, str]]
    period: str
    tiles: list[Tile]
    width: int
    height: int
    ranges: list[tuple[str, Decimal, Decimal | None]]

    @property
    def regions(self) -> list[tuple[str, str]]:
        """The regions of Europe, each with a page."""
        return [(r.value, str(r.label)) for r in Region if r != Region.OUTSIDE]

    @property
    def fills(self) -> list[tuple[str, Decimal, Decimal | None, str]]:
        return [(level, low, high, FILLS[int(level)]) for level, low, high in self.ranges]


def europe_map(snapshot: BenchmarkSnapshot, goal: str = "", region: str = "") -> EuropeMap | None:
    """The map of the snapshot for the end goal ``goal`` (the edition's first when empty or
    unknown), of the countries of ``region`` only when one is given. Two queries; kept in
    the cache per snapshot."""
    name = f"benchmarks:europe-map:{snapshot_key(snapshot)}:{goal}:{region}"
    built: EuropeMap | None = cached_with_content(name, lambda: _build(snapshot, goal, region))
    return built


def _build(snapshot: BenchmarkSnapshot, goal: str, region: str) -> EuropeMap | None:
    goals = list(snapshot.edition.end_goals.values_list("code", "title"))
    if not goals:
        return None
    titles = dict(goals)
    goal = goal if goal in titles else goals[0][0]
    cells = BenchmarkCell.objects.filter(
        snapshot=snapshot,
        subject_type=Subject.END_GOAL,
        subject_code=goal,
        breakdown=Breakdown.COUNTRY,
        measure="share_adopting",
    ).values_list("breakdown_value", "value", "reason")
    found = {code.upper(): (value, reason) for code, value, reason in cells}
    k = snapshot.min_group_size
    grid = {
        code: place
        for code, place in EUROPE_GRID.items()
        if not region or COUNTRY_REGION.get(code) == region
    }
    left = min((c for c, _r in grid.values()), default=0)
    top = min((r for _c, r in grid.values()), default=0)
    tiles = []
    for code, (column, row) in sorted(grid.items(), key=lambda item: (item[1][1], item[1][0])):
        value, reason = found.get(code, (None, ""))
        if code not in found:
            level, why = NO_FIGURE, _("No figure is published for this country.")
        else:
            level = heat_level(Uptake(share=value, period=snapshot.period.label))
            why = footnote(reason, k) if level == WITHHELD else ""
        tiles.append(
            Tile(
                code=code,
                name=country_name(code),
                region=str(Region(COUNTRY_REGION[code]).label),
                x=MARGIN + (column - left) * (TILE + GAP),
                y=MARGIN + (row - top) * (TILE + GAP),
                share=value,
                level=level,
                reason=why,
                url=reverse("benchmarking:country", kwargs={"iso": code.lower()}),
            )
        )
    columns = 1 + max((c for c, _r in grid.values()), default=0) - left
    rows = 1 + max((r for _c, r in grid.values()), default=0) - top
    return EuropeMap(
        goal=goal,
        goal_title=titles[goal],
        goals=goals,
        period=snapshot.period.label,
        tiles=tiles,
        width=2 * MARGIN + columns * (TILE + GAP) - GAP,
        height=2 * MARGIN + rows * (TILE + GAP) - GAP,
        ranges=heat_ranges(),
    )
