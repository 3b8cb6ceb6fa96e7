"""The curators' report as a spreadsheet: one row per action, the figures as the page
shows them (withheld ones empty, with the reason)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.benchmarking.figures import number
from apps.core.exporters import Cell, Note, Percent, Sheet, TabularExporter

from .selectors import CurationReport, Value


def _percent(value: Value) -> Cell:
    return None if value.value is None else Percent(value.value)


def _why(*values: Value) -> str:
    return " ".join(dict.fromkeys(v.reason for v in values if v.withheld and v.reason))


class CurationExporter(TabularExporter):
    """Per action: uptake per period and its trend, medians, shares, barriers, assumptions
    challenged, flags."""

    identifier = "curation-report"
    verbose_name = gettext_lazy("Curators' learning report")
    permission = ""  # portal staff only: apps/curation/permissions.py

    def __init__(self, report: CurationReport) -> None:
        self.report = report

    def notes(self) -> list[Note]:
        return [
            _(
                "The curators' learning report, exported on %(date)s, from the published "
                "benchmarks. A withheld figure is empty; the last column says why."
            )
            % {"date": timezone.localdate().isoformat()},
        ]

    def sheets(self) -> Iterator[Sheet]:
        header = [
            _("Action"),
            _("Title"),
            _("End goal"),
            *[_("Uptake %(period)s") % {"period": p.label} for p in self.report.periods],
            _("Uptake trend (points)"),
            _("Median days to implemented"),
            _("Median days to embedded"),
            _("Dormant share"),
            _("Discontinued share"),
            _("Most reported barriers"),
            _("Assumptions challenged"),
            _("Flags"),
            _("Withheld because"),
        ]
        yield Sheet(_("Actions"), header, self._rows())

    def _rows(self) -> Iterator[Sequence[Cell]]:
        for row in self.report.rows:
            latest = [row.days_implemented, row.days_embedded, row.dormant, row.discontinued]
            yield [
                row.code,
                row.title,
                row.end_goal,
                *[_percent(v) for v in row.uptake],
                number(row.trend),
                number(row.days_implemented.value),
                number(row.days_embedded.value),
                _percent(row.dormant),
                _percent(row.discontinued),
                "; ".join(f"{b.name} ({number(b.organisations)})" for b in row.barriers),
                "; ".join(f"{a.code} ({number(a.organisations)})" for a in row.assumptions),
                "; ".join(str(f.label) for f in row.flags),
                _why(*row.uptake, *latest),
            ]
