"""The benchmark report as a tagged PDF (PDF/UA-1), rendered with WeasyPrint from the
exporter's sections.

The PDF shows exactly the rows of :class:`~.exporters.OrganisationReportExporter` (so
it can never hold a figure the XLSX does not), in the order a board reads it: the
title, the summary, how to cite the roadmap, and the method first; then the position
chart (drawn by the chart template tags) with its table, the trend, and each section
as a compact table. A table names a subject by its code and a short title (the full
titles of the end goals are in the position table, once), a subject's later rows name
it by its code alone, and the reasons a figure is withheld are numbered notes under the table
rather than a long column repeated on every row. A suppressed figure reads
"suppressed".

The PDF is tagged (headings, lists, tables with their header cells, the charts as
figures whose alternative text is the chart's title), declares its language and has
its title in its metadata, so a screen reader can read it.

WeasyPrint fetches nothing: the template is self-contained (inline CSS and SVG) and
the URL fetcher refuses every address, so text from the database cannot make the
renderer read a file or call a server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from apps.core.exporters import Rendered, cell_text
from apps.core.templatetags.charts import bar_chart, line_chart

from ..charts import subject_label
from ..figures import Figure, number
from ..models import Subject
from ..selectors import Position, trends
from .exporters import METHOD, OrganisationReportExporter, Section, citation_rows, method_rows

CONTENT_TYPE = "application/pdf"
TEMPLATE = "benchmarking/exports/report_pdf.html"
PDF_VARIANT = "pdf/ua-1"  # tagged, with its language and title: readable by screen readers
SHORT_TITLE = 40  # characters of a title in the compact tables and the chart
POSITION = "position"
UNCODED = ("metrics", "barriers")  # their codes are slugs of their names


def display(value: Any) -> str:
    """A cell as the PDF shows it: a suppressed figure reads "suppressed", a number is
    written as the reader's language writes it (83,3 in Polish)."""
    if value is None:
        return _("suppressed")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        shown = number(value)  # 25 rather than 25.0
        return number_format(value if shown is None else shown)
    return cell_text(value)


@dataclass
class TableRow:
    """One row of a compact table: its subject (its row header), its cells and the numbers
    of its notes. A row that ``continues`` its subject's rows names it briefly (its code,
    or its short name), so that each row's figures keep their header for screen readers
    without the title repeated on every line."""

    label: str
    cells: list[str]
    note: str = ""
    continues: bool = False


@dataclass
class Table:
    key: str
    title: str
    intro: str
    empty: str
    label_header: str
    header: list[str]
    rows: list[TableRow] = field(default_factory=list)
    # Why figures are withheld: numbered, in a "Notes" column and listed under the table.
    notes: list[tuple[int, str]] = field(default_factory=list)


class Notes:
    """The reasons figures of one table are withheld, numbered in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def mark(self, reason: str) -> str:
        if not reason:
            return ""
        return str(self.numbers.setdefault(reason, len(self.numbers) + 1))

    def listed(self) -> list[tuple[int, str]]:
        return [(n, reason) for reason, n in self.numbers.items()]


def _label_header(key: str) -> str:
    headers = {
        "peer-actions": _("Action"),
        "trailing": _("Intermediate goal"),
        "goals-by-group": _("End goal"),
        "goals-by-region": _("End goal"),
        "maturity": _("End goal or dimension"),
        "metrics": _("Metric"),
        "barriers": _("Barrier"),
    }
    return headers.get(key, _("Subject"))


def compact_table(section: Section) -> Table:
    """The section as the PDF shows it: "Kind", "Code" and "Title" become one row header
    (the code and a short title on the subject's first row, then the code alone), and the
    "Suppressed because" column becomes numbered notes under the table."""
    header = section.header
    code_at = header.index(_("Code"))
    kind_at = header.index(_("Kind")) if _("Kind") in header else None
    reason_at = len(header) - 1 if header[-1] == _("Suppressed because") else None
    skipped = {code_at, code_at + 1, kind_at, reason_at}
    kept = [i for i in range(len(header)) if i not in skipped]
    table = Table(
        section.key,
        section.title,
        section.intro,
        section.empty,
        _label_header(section.key),
        [header[i] for i in kept],
    )
    notes = Notes()
    previous: tuple[Any, str] | None = None
    for row in section.rows:
        code, title = str(row[code_at]), str(row[code_at + 1])
        show_code = section.key not in UNCODED and (
            kind_at is None or row[kind_at] == _("End goal")
        )
        subject = (row[kind_at] if kind_at is not None else "", code)
        continues = subject == previous
        if continues:
            label = code if show_code else subject_label(code, title, limit=SHORT_TITLE // 2)
        else:
            label = subject_label(code, title, show_code=show_code, limit=SHORT_TITLE)
        line = TableRow(label, [display(row[i]) for i in kept], continues=continues)
        if reason_at is not None:
            line.note = notes.mark(str(row[reason_at]))
        previous = subject
        table.rows.append(line)
    table.notes = notes.listed()
    return table


def _percent(figure: Figure, total: int) -> float | None:
    if figure.value is None:  # withheld
        return None
    return round(100 * float(figure.value) / total, 1) if total else 0.0


def position_series(positions: Sequence[Position]) -> dict[str, list[float | None]]:
    """For each end goal and dimension, the share of its actions adopted by you and by the
    median organisation of your group and of everyone (``None``: suppressed)."""
    return {
        _("You"): [float(p.percent) for p in positions],
        _("Your group's median"): [_percent(p.group_median, p.total) for p in positions],
        _("Everyone's median"): [_percent(p.everyone_median, p.total) for p in positions],
    }


def position_table(exporter: OrganisationReportExporter, section: Section) -> Table:
    """The chart's table: each end goal (with its full title: the key to the other
    tables' short ones) and dimension, your actions, the three shares and your band."""
    positions = [*exporter.position.end_goals, *exporter.position.dimensions]
    series = position_series(positions)
    table = Table(
        section.key,
        section.title,
        section.intro,
        section.empty,
        _("End goal or dimension"),
        [
            _("Your actions adopted"),
            *(_("%(series)s (%%)") % {"series": name} for name in series),
            _("Percentile band"),
        ],
    )
    notes = Notes()
    goals = len(exporter.position.end_goals)
    for i, (p, row) in enumerate(zip(positions, section.rows, strict=True)):
        if row[7] and row[8]:
            band = _("%(band)s, among %(basis)s") % {"band": row[7], "basis": row[8]}
        else:  # "no data for this period" has no basis
            band = row[7] or ""
        cells = [
            _("%(adopted)s of %(total)s") % {"adopted": p.adopted, "total": p.total},
            *(display(values[i]) for values in series.values()),
            band or display(None),
        ]
        label = subject_label(p.code, p.title, show_code=i < goals)
        table.rows.append(TableRow(label, cells, notes.mark(row[-1])))
    table.notes = notes.listed()
    return table


def trend_data(exporter: OrganisationReportExporter) -> dict[str, Any]:
    """Everyone's share adopting each end goal, over the periods up to the report's."""
    codes = [p.code for p in exporter.position.end_goals]
    data = trends(subject=Subject.END_GOAL, codes=codes, measure="share_adopting")
    label = exporter.snapshot.period.label
    last = data["dates"].index(label) + 1 if label in data["dates"] else len(data["dates"])
    return {
        "dates": data["dates"][:last],
        "series": {
            code: [None if v is None else float(v) for v in values[:last]]
            for code, values in data["series"].items()
        },
    }


def _trend_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [date, *(display(None if v is None else number(v)) for v in values)]
        for date, *values in zip(data["dates"], *data["series"].values(), strict=True)
    ]


def pdf_context(exporter: OrganisationReportExporter) -> dict[str, Any]:
    positions = [*exporter.position.end_goals, *exporter.position.dimensions]
    goals = len(exporter.position.end_goals)
    trend = trend_data(exporter)
    sections = {section.key: section for section in exporter.sections}
    return {
        "site_name": settings.SITE_NAME,
        "organisation": exporter.organisation,
        "snapshot": exporter.snapshot,
        "period": exporter.snapshot.period,
        "edition": exporter.snapshot.edition,
        "k": exporter.k,
        "exported_on": timezone.localdate(),
        "summary": exporter.summary(),
        "citation": [[str(topic), text] for topic, text in citation_rows(exporter.snapshot)],
        "method_title": sections[METHOD].title,
        "method": [
            [str(topic), display(text)]
            for topic, text in method_rows(exporter.snapshot, exporter.population, citation=False)
        ],
        "position_chart": bar_chart(
            {
                "categories": [
                    subject_label(p.code, p.title, show_code=i < goals, limit=SHORT_TITLE)
                    for i, p in enumerate(positions)
                ],
                "series": position_series(positions),
                "max": 100,
                "unit": "%",
            },
            _("Share of each end goal's and dimension's actions adopted"),
            x_label=_("% of the actions"),
        ),
        "position": position_table(exporter, sections[POSITION]),
        "trend_chart": line_chart(
            trend,
            _("Share of all organisations adopting each end goal (%)"),
            y_label="%",
            y_step=20,
        )
        if len(trend["dates"]) > 1
        else "",
        "trend_codes": list(trend["series"]),
        "trend_rows": _trend_rows(trend),
        "tables": [
            compact_table(section)
            for section in exporter.sections
            if section.key not in (POSITION, METHOD)
        ],
    }


def render_pdf(exporter: OrganisationReportExporter) -> Rendered:
    # Imported here: it is slow to import, and only workers need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(TEMPLATE, pdf_context(exporter))
    # No protocol is allowed: the renderer reads no file and calls no server.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Rendered(
        filename=f"{exporter.filename_stem()}.pdf", content_type=CONTENT_TYPE, content=content
    )
