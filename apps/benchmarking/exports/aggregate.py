"""The full benchmark aggregate: every cell of a snapshot, for portal admins only (the
exporters' shared pieces and the organisation report are in :mod:`.exporters`)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.adoption.models import Metric
from apps.core.exporters import SHEET_NAME_MAX, Cell, Note, Percent, Sheet, TabularExporter
from apps.roadmap.models import BarrierCategory, Dimension

from ..compile_partnerships import CROSS_GROUP
from ..figures import number, reason_text
from ..models import BenchmarkCell, BenchmarkSnapshot, Subject
from ..selectors import CellTable
from .exporters import CHUNK_SIZE, PERCENT_MEASURES, method_section, section_sheets, sheet_notes


class AggregateExporter(TabularExporter):
    """Every cell of a snapshot, one sheet per subject type: for portal admins only.

    Not an organisation permission: the admin checks that the user is staff. Suppressed
    cells are marked (``Suppressed`` yes, an empty value and the reason); their ``n``,
    a group smaller than *k*, is left out as well. Rows stream from the database.
    """

    identifier = "benchmark-aggregate"
    verbose_name = gettext_lazy("Full benchmark aggregate")
    permission = ""  # staff only, see apps/benchmarking/admin.py

    def __init__(self, snapshot: BenchmarkSnapshot) -> None:
        self.snapshot = snapshot
        self.k = snapshot.min_group_size

    def filename_stem(self) -> str:
        return f"benchmark-aggregate-{self.snapshot.period.label}"

    def notes(self) -> list[Note]:
        return [
            _("Every figure of the %(period)s benchmark, exported on %(date)s.")
            % {"period": self.snapshot.period.label, "date": timezone.localdate().isoformat()},
            *sheet_notes(),
        ]

    def sheets(self) -> Iterator[Sheet]:
        header = [
            _("Code"),
            _("Title"),
            _("Breakdown"),
            _("Group"),
            _("Measure"),
            _("Value"),
            _("Organisations (n)"),
            _("Suppressed"),
            _("Suppressed because"),
        ]
        titles = subject_titles(self.snapshot)
        for subject, label in Subject.choices:
            rows = self._rows(subject, titles.get(subject, {}))
            yield Sheet(str(label)[:SHEET_NAME_MAX], header, rows)
        population = CellTable(self.snapshot, [Subject.POPULATION]).get(
            Subject.POPULATION, "", "organisations"
        )
        yield from section_sheets([method_section(self.snapshot, population)])

    def _rows(self, subject: str, titles: dict[str, str]) -> Iterator[list[Cell]]:
        cells = (
            BenchmarkCell.objects.filter(snapshot=self.snapshot, subject_type=subject)
            .order_by("subject_code", "breakdown", "breakdown_value", "measure")
            .values_list(
                "subject_code",
                "breakdown",
                "breakdown_value",
                "measure",
                "value",
                "n",
                "suppressed",
                "reason",
            )
        )
        for code, breakdown, group, measure, value, n, suppressed, reason in cells.iterator(
            chunk_size=CHUNK_SIZE
        ):
            shown = None if suppressed else number(value)
            yield [
                code,
                titles.get(code, ""),
                breakdown,
                group,
                measure,
                Percent(shown) if shown is not None and measure in PERCENT_MEASURES else shown,
                None if suppressed else n,
                suppressed,
                (reason_text(reason, self.k) or reason) if suppressed else "",
            ]


def subject_titles(snapshot: BenchmarkSnapshot) -> dict[str, dict[str, str]]:
    """``{subject type: {code: title}}`` of the snapshot's edition, in the active language:
    the titles the aggregate and the open data (``opendata/tables.py``) write. Seven queries."""
    edition = snapshot.edition
    goals = dict(edition.end_goals.values_list("code", "title"))
    dimensions = dict(Dimension.objects.values_list("slug", "name"))
    return {
        Subject.ACTION: dict(edition.actions.values_list("code", "title")),
        Subject.INTERMEDIATE_GOAL: dict(edition.intermediate_goals.values_list("code", "title")),
        Subject.END_GOAL: goals,
        Subject.DIMENSION: dimensions,
        Subject.MATURITY_GOAL: goals,
        Subject.MATURITY_DIMENSION: dimensions,
        Subject.METRIC: dict(Metric.objects.values_list("slug", "name")),
        Subject.BARRIER: dict(BarrierCategory.objects.values_list("slug", "name")),
        Subject.PARTNERSHIP: {CROSS_GROUP: _("Adoptions with a partner from another group")},
        Subject.PULSE: dict(edition.pulse_statements.values_list("code", "text")),
    }
