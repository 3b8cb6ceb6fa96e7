"""Benchmark reports as exporters: sections of rows, read once, rendered in every format.

:class:`OrganisationReportExporter` is what a PE lead takes to the board: the
organisation's position against its stakeholder group and everyone, then the
published figures by group and region, maturity, metrics, barriers and the
method. :class:`.aggregate.AggregateExporter` (portal admins only) holds every cell of
a snapshot, one sheet per subject type.

Rows hold raw values; ``None`` means a figure suppressed by the anonymisation rules
(or with no data), and every row that has one says why in its last column,
"Suppressed because". XLSX and CSV write ``None`` as an empty cell; the PDF writes
"suppressed". A section names its columns of shares (``percent``): XLSX writes them as
percentages (numbers in a percent format), CSV as numbers from 0 to 100.

Nothing here reads another organisation's own data: figures about others come only
from snapshot cells, which ``anonymisation.py`` has protected, and a suppressed cell's
``n`` (a group size under *k*) is never written.

File layouts (``apps.core.exporters``): XLSX opens with the Method sheet (what the file
holds, the summary, then the method, the citation and the licence), then one sheet per
section. CSV is one file holding every section; its first column, ``record_type``,
names the section (the house's merged-CSV layout, which ``read_tabular`` reads
back, rather than a ``section`` column of our own); the other columns are the union
of the sections' headers, and a section with no rows has no lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.adoption.models import Metric
from apps.core.exporters import SHEET_NAME_MAX, Cell, Note, Percent, Sheet, TabularExporter
from apps.organisations.models import Organisation
from apps.organisations.permissions import Perm
from apps.organisations.regions import Region
from apps.roadmap.models import BarrierCategory, Dimension, StakeholderGroup

from ..figures import MISSING, Figure, number
from ..method import benchmark_method
from ..models import BenchmarkSnapshot, Breakdown, Subject
from ..selectors import CellTable, OrganisationPosition, organisation_position

CHUNK_SIZE = 2000
METHOD = "method"
# Measures that are shares on the 0-100 scale: percentages in the XLSX.
PERCENT_MEASURES = frozenset(
    {"share_adopting", "share_reporting", "median_percent", "partnered_percent"}
)


@dataclass
class Section:
    """One part of a report: a sheet in XLSX, a ``record_type`` in CSV, a table in the PDF."""

    key: str
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    intro: str = ""
    empty: str = ""
    percent: tuple[int, ...] = ()  # the columns that hold shares (0-100)

    def cells(self, row: Sequence[Any]) -> list[Cell]:
        """A row as the spreadsheets hold it: its shares as :class:`Percent`."""
        return [
            Percent(value) if i in self.percent and value is not None else value
            for i, value in enumerate(row)
        ]


def suppression_reasons(figures: Sequence[tuple[str, Figure]], k: int) -> str:
    """Why the row's suppressed figures are suppressed: the reason alone when it holds for
    every figure of the row, else "label, label: reason" for each reason."""
    by_reason: dict[str, list[str]] = {}
    for label, figure in figures:
        if figure.suppressed:
            reason = figure.explain(k) or _("No data for this group.")
            by_reason.setdefault(reason, []).append(str(label))
    if len(by_reason) == 1 and len(next(iter(by_reason.values()))) == len(figures):
        return next(iter(by_reason))
    return " ".join(f"{', '.join(labels)}: {reason}" for reason, labels in by_reason.items())


def value_of(figure: Figure) -> Decimal | int | None:
    return None if figure.suppressed else number(figure.value)


def sheet_notes() -> list[Note]:
    return [
        _(
            "One sheet per section. A figure suppressed by the anonymisation rules is an "
            "empty cell, and the row's last column, “Suppressed because”, says why."
        ),
        _(
            "Counts and medians are numbers and shares are percentages, so they can be "
            "summed and charted. In the CSV file, shares are numbers from 0 to 100."
        ),
        _("Below: the method, the source, the citation and the licence."),
        _(
            "Text that a spreadsheet would take for a formula (starting with =, +, -, @) "
            "begins with an apostrophe."
        ),
    ]


def section_sheets(sections: Sequence[Section]) -> Iterator[Sheet]:
    for section in sections:
        yield Sheet(
            section.title[:SHEET_NAME_MAX],
            section.header,
            map(section.cells, section.rows),  # bound now, read when rendered
            method=section.key == METHOD,
        )


def method_section(snapshot: BenchmarkSnapshot, population: Figure) -> Section:
    return Section(METHOD, _("Method"), [_("Topic"), _("Text")], method_rows(snapshot, population))


def method_rows(
    snapshot: BenchmarkSnapshot, population: Figure, *, citation: bool = True
) -> list[list[Any]]:
    """The method and anonymisation note, shared by both reports (the words of the pages'
    method section, ``method.py``), ending with :func:`citation_rows` unless told not to."""
    k = snapshot.min_group_size
    method = benchmark_method(snapshot)
    edition = snapshot.edition
    period = snapshot.period
    return [
        [
            _("Period"),
            _("%(label)s, from %(start)s to %(end)s.")
            % {"label": period.label, "start": period.starts_on, "end": period.ends_on},
        ],
        [_("Compiled"), timezone.localtime(snapshot.compiled_at).date()],
        [
            _("Organisations included"),
            _("%(n)s verified organisations, as their records stood on the period's last day.")
            % {"n": value_of(population) if not population.suppressed else _("suppressed")},
        ],
        [_("Smallest group published (k)"), str(k)],
        [_("Protection level"), str(method.protection_level)],
        *([point.title, point.text] for point in method.counted),
        *([point.title, point.text] for point in method.withheld),
        [
            _("Percentile band"),
            _(
                "Your place among your stakeholder group (or, when the group's figures are "
                "suppressed, among everyone), by quarter: never an exact rank."
            ),
        ],
        [
            _("Roadmap"),
            _("Edition %(label)s of the PE Sustainability Roadmap.")
            % {"label": edition.version_label},
        ],
        *(citation_rows(snapshot) if citation else []),
    ]


def citation_rows(snapshot: BenchmarkSnapshot) -> list[list[Any]]:
    """How to cite the roadmap, and its licence: the method's last rows, the PDF's first."""
    edition = snapshot.edition
    citation = edition.citation + (f" https://doi.org/{edition.doi}" if edition.doi else "")
    return [
        [_("Citation"), citation],
        [_("Licence"), f"{edition.licence} {edition.licence_url}"],
    ]


class OrganisationReportExporter(TabularExporter):
    """One organisation's benchmark report for one snapshot.

    :attr:`sections` is read from the database once, on first use; the XLSX and CSV
    renderers (through :meth:`sheets`) and the PDF (``pdf.py``) all render it.
    """

    identifier = "benchmark-report"
    verbose_name = gettext_lazy("Benchmark report")
    permission = Perm.BENCHMARK_EXPORT

    def __init__(self, organisation: Organisation, snapshot: BenchmarkSnapshot) -> None:
        self.organisation = organisation
        self.snapshot = snapshot
        self.k = snapshot.min_group_size
        self.group = organisation.stakeholder_group

    def filename_stem(self) -> str:
        return f"{self.organisation.slug}-benchmark-{self.snapshot.period.label}"

    def sheets(self) -> Iterator[Sheet]:
        yield from section_sheets(self.sections)

    def notes(self) -> list[Note]:
        return [
            _("Benchmark report of %(org)s for %(period)s, exported on %(date)s.")
            % {
                "org": self.organisation.name,
                "period": self.snapshot.period.label,
                "date": timezone.localdate().isoformat(),
            },
            *sheet_notes(),
            *((_("Summary"), sentence) for sentence in self.summary()),
        ]

    # --- Data, read once ------------------------------------------------------------------

    @cached_property
    def position(self) -> OrganisationPosition:
        return organisation_position(organisation=self.organisation, snapshot=self.snapshot)

    @cached_property
    def table(self) -> CellTable:
        return CellTable(
            self.snapshot,
            [
                Subject.END_GOAL,
                Subject.POPULATION,
                Subject.MATURITY_GOAL,
                Subject.MATURITY_DIMENSION,
                Subject.METRIC,
                Subject.BARRIER,
            ],
        )

    @cached_property
    def population(self) -> Figure:
        return self.table.get(Subject.POPULATION, "", "organisations")

    @cached_property
    def sections(self) -> list[Section]:
        return [
            self._position_section(),
            self._peer_section(),
            self._trailing_section(),
            self._goals_by(Breakdown.STAKEHOLDER_GROUP),
            self._goals_by(Breakdown.REGION),
            self._maturity_section(),
            self._metric_section(),
            self._barrier_section(),
            method_section(self.snapshot, self.population),
        ]

    # --- Sections -------------------------------------------------------------------------

    def _position_section(self) -> Section:
        header = [
            _("Kind"),
            _("Code"),
            _("Title"),
            _("Your actions adopted"),
            _("Actions in the roadmap"),
            _("Your group's median"),
            _("Everyone's median"),
            _("Percentile band"),
            _("Band among"),
            _("Suppressed because"),
        ]
        rows = []
        kinds = (
            (_("End goal"), self.position.end_goals),
            (_("Dimension"), self.position.dimensions),
        )
        for kind, positions in kinds:
            for row in positions:
                reasons = suppression_reasons(
                    [
                        (_("Your group's median"), row.group_median),
                        (_("Everyone's median"), row.everyone_median),
                    ],
                    self.k,
                )
                if not row.band:
                    band_reason = _("Percentile band: the quartiles are suppressed.")
                    reasons = f"{reasons} {band_reason}".strip()
                rows.append(
                    [
                        kind,
                        row.code,
                        row.title,
                        row.adopted,
                        row.total,
                        value_of(row.group_median),
                        value_of(row.everyone_median),
                        str(row.band) or None,
                        str(row.band_basis),
                        reasons,
                    ]
                )
        intro = _(
            "How many of each end goal's and dimension's actions your organisation had adopted "
            "at the end of the period, against the median organisation of your stakeholder "
            "group (%(group)s) and of everyone."
        ) % {"group": self.group.name}
        return Section("position", _("Your position"), header, rows, intro)

    def _peer_section(self) -> Section:
        header = [_("Code"), _("Title"), _("Share of your group adopting (%)"), _("Adopted by you")]
        rows = [
            [r["action"].code, r["action"].title, number(r["share"].value), r["adopted"]]
            for r in self.position.peer_actions
        ]
        return Section(
            "peer-actions",
            _("Peers' most adopted actions"),
            header,
            rows,
            _("The ten actions most adopted in your stakeholder group, where that is published."),
            _("No share of your group is published for any action."),
            percent=(2,),
        )

    def _trailing_section(self) -> Section:
        header = [_("Code"), _("Title"), _("End goal"), _("Share of your group adopting (%)")]
        rows = [
            [r["goal"].code, r["goal"].title, r["goal"].end_goal.code, number(r["share"].value)]
            for r in self.position.trailing_goals
        ]
        return Section(
            "trailing",
            _("Where you trail"),
            header,
            rows,
            _(
                "Intermediate goals where at least half of your group has adopted an action "
                "and your organisation none."
            ),
            _("None: you do not trail your group on any intermediate goal that is published."),
            percent=(3,),
        )

    def _goals_by(self, breakdown: str) -> Section:
        if breakdown == Breakdown.STAKEHOLDER_GROUP:
            names = dict(StakeholderGroup.objects.values_list("slug", "name"))
            key, title, column = "goals-by-group", _("End goals by stakeholder group"), _("Group")
        else:
            names = {value: str(label) for value, label in Region.choices}
            key, title, column = "goals-by-region", _("End goals by region"), _("Region")
        header = [
            _("Code"),
            _("Title"),
            column,
            _("Organisations"),
            _("Adopting"),
            _("Share adopting (%)"),
            _("Median percent complete"),
            _("Suppressed because"),
        ]
        groups = [("all", "", _("Everyone"))] + [
            (breakdown, value, names.get(value, value))
            for value in self.table.breakdown_values(Subject.POPULATION, breakdown)
        ]
        rows = []
        for goal in self.snapshot.edition.end_goals.all():
            for b, value, label in groups:
                rows.append([goal.code, goal.title, label, *self._adoption_figures(goal, b, value)])
        intro = _(
            "How many organisations adopt at least one action of each end goal, and their "
            "median percent complete."
        )
        return Section(key, title, header, rows, intro, percent=(5, 6))

    def _adoption_figures(self, goal: Any, breakdown: str, value: str) -> list[Any]:
        figures = [
            (
                _("Organisations"),
                self.table.get(Subject.POPULATION, "", "organisations", breakdown, value),
            ),
            (
                _("Adopting"),
                self.table.get(Subject.END_GOAL, goal.code, "adopting", breakdown, value),
            ),
            (
                _("Share adopting"),
                self.table.get(Subject.END_GOAL, goal.code, "share_adopting", breakdown, value),
            ),
            (
                _("Median percent complete"),
                self.table.get(Subject.END_GOAL, goal.code, "median_percent", breakdown, value),
            ),
        ]
        return [*(value_of(f) for _label, f in figures), suppression_reasons(figures, self.k)]

    def _comparisons(self) -> list[tuple[str, str, str]]:
        """Everyone, then the organisation's own stakeholder group."""
        return [
            ("all", "", _("Everyone")),
            (Breakdown.STAKEHOLDER_GROUP, self.group.slug, self.group.name),
        ]

    def _maturity_section(self) -> Section:
        header = [
            _("Kind"),
            _("Code"),
            _("Title"),
            _("Compared with"),
            _("First quartile"),
            _("Median"),
            _("Third quartile"),
            _("Suppressed because"),
        ]
        subjects = [
            (
                Subject.MATURITY_GOAL,
                _("End goal"),
                self.snapshot.edition.end_goals.values_list("code", "title"),
            ),
            (
                Subject.MATURITY_DIMENSION,
                _("Dimension"),
                Dimension.objects.values_list("slug", "name"),
            ),
        ]
        rows = []
        for subject, kind, items in subjects:
            for code, title in items:
                for breakdown, value, label in self._comparisons():
                    figures = [
                        (name, self.table.get(subject, code, measure, breakdown, value))
                        for name, measure in (
                            (_("First quartile"), "maturity_q1"),
                            (_("Median"), "maturity_median"),
                            (_("Third quartile"), "maturity_q3"),
                        )
                    ]
                    if all(f is MISSING for _n, f in figures):
                        continue  # nobody rated it
                    rows.append(
                        [
                            kind,
                            code,
                            title,
                            label,
                            *(value_of(f) for _n, f in figures),
                            suppression_reasons(figures, self.k),
                        ]
                    )
        intro = _("Self-assessed maturity, from 1 (ad hoc) to 5 (embedded).")
        return Section("maturity", _("Maturity"), header, rows, intro)

    def _metric_section(self) -> Section:
        header = [
            _("Code"),
            _("Title"),
            _("Compared with"),
            _("Organisations reporting"),
            _("Total"),
            _("Median"),
            _("Suppressed because"),
        ]
        rows = []
        for slug, name in Metric.objects.order_by("order", "name").values_list("slug", "name"):
            everyone = self.table.get(Subject.METRIC, slug, "reporting")
            if not everyone.suppressed and everyone.value == 0:
                continue  # nobody reported it: a row of zeros tells nothing
            for breakdown, value, label in self._comparisons():
                figures = [
                    (name_, self.table.get(Subject.METRIC, slug, measure, breakdown, value))
                    for name_, measure in (
                        (_("Organisations reporting"), "reporting"),
                        (_("Total"), "metric_total"),
                        (_("Median"), "metric_median"),
                    )
                ]
                rows.append(
                    [
                        slug,
                        name,
                        label,
                        *(value_of(f) for _n, f in figures),
                        suppression_reasons(figures, self.k),
                    ]
                )
        return Section(
            "metrics",
            _("Metrics"),
            header,
            rows,
            _("Metric values reported in progress entries dated in the period."),
            _("No organisation reported a metric in this period."),
        )

    def _barrier_section(self) -> Section:
        header = [
            _("Code"),
            _("Title"),
            _("Compared with"),
            _("Organisations reporting"),
            _("Share reporting (%)"),
            _("Suppressed because"),
        ]
        rows = []
        for slug, name in BarrierCategory.objects.values_list("slug", "name"):
            for breakdown, value, label in self._comparisons():
                figures = [
                    (
                        _("Organisations reporting"),
                        self.table.get(Subject.BARRIER, slug, "reporting", breakdown, value),
                    ),
                    (
                        _("Share reporting"),
                        self.table.get(Subject.BARRIER, slug, "share_reporting", breakdown, value),
                    ),
                ]
                rows.append(
                    [
                        slug,
                        name,
                        label,
                        *(value_of(f) for _n, f in figures),
                        suppression_reasons(figures, self.k),
                    ]
                )
        return Section(
            "barriers",
            _("Barriers"),
            header,
            rows,
            _("How many organisations met each kind of barrier in the period."),
            percent=(4,),
        )

    # --- Text -----------------------------------------------------------------------------

    def summary(self) -> list[str]:
        """A few sentences that sum the report up, from the same figures."""
        goals = self.position.end_goals
        adopted = sum(p.adopted for p in goals)
        total = sum(p.total for p in goals)
        compared = [(p, p.group_median.value) for p in goals if p.group_median.value is not None]
        at_or_above = [p for p, median in compared if p.adopted >= median]
        sentences = [
            _(
                "At the end of %(period)s, %(org)s had adopted %(adopted)s of the roadmap's "
                "%(total)s actions."
            )
            % {
                "period": self.snapshot.period.label,
                "org": self.organisation.name,
                "adopted": adopted,
                "total": total,
            }
        ]
        if compared:
            sentences.append(
                _(
                    "On %(n)s of the %(count)s end goals where your stakeholder group's median "
                    "is published, you are at or above it."
                )
                % {"n": len(at_or_above), "count": len(compared)}
            )
        else:
            sentences.append(
                _("Your stakeholder group's medians are suppressed: it is too small to publish.")
            )
        if self.position.trailing_goals:
            codes = ", ".join(r["goal"].code for r in self.position.trailing_goals)
            sentences.append(
                _("Most of your group works on intermediate goals you have not started: %(codes)s.")
                % {"codes": codes}
            )
        sentences.append(
            _("No figure here comes from fewer than %(k)s organisations.") % {"k": self.k}
        )
        return sentences
