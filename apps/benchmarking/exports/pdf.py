"""The benchmark report as a PDF, rendered with WeasyPrint from the exporter's sections.

The PDF shows exactly the rows of :class:`~.exporters.OrganisationReportExporter` (so
it can never hold a figure the XLSX does not), with a title page, a summary, two SVG
charts (drawn by the chart template tags, each followed by a table of the same
numbers), the method and anonymisation note, the roadmap's citation and licence, and
page numbers. A suppressed figure reads "suppressed", with its reason in the row.

WeasyPrint fetches nothing: the template is self-contained (inline CSS and SVG) and
the URL fetcher refuses every address, so text from the database cannot make the
renderer read a file or call a server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exporters import Rendered, cell_text
from apps.core.templatetags.charts import bar_chart, line_chart

from ..figures import Figure, number
from ..models import Subject
from ..selectors import Position, trends
from .exporters import OrganisationReportExporter

CONTENT_TYPE = "application/pdf"
TEMPLATE = "benchmarking/exports/report_pdf.html"


def display(value: Any) -> str:
    """A cell as the PDF shows it: a suppressed figure reads "suppressed"."""
    if value is None:
        return _("suppressed")
    return cell_text(value)


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
    series = position_series(positions)
    trend = trend_data(exporter)
    return {
        "site_name": settings.SITE_NAME,
        "organisation": exporter.organisation,
        "snapshot": exporter.snapshot,
        "period": exporter.snapshot.period,
        "edition": exporter.snapshot.edition,
        "k": exporter.k,
        "exported_on": timezone.localdate(),
        "summary": exporter.summary(),
        "position_chart": bar_chart(
            {
                "categories": [f"{p.code} {p.title}" for p in positions],
                "series": series,
                "max": 100,
                "unit": "%",
            },
            _("Share of each end goal's and dimension's actions adopted"),
            x_label=_("% of the actions"),
        ),
        "position_header": list(series),
        "position_rows": [
            [p.code, p.title, *(display(values[i]) for values in series.values())]
            for i, p in enumerate(positions)
        ],
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
        "sections": [
            {
                "section": section,
                "rows": [[display(value) for value in row] for row in section.rows],
            }
            for section in exporter.sections
        ],
    }


def render_pdf(exporter: OrganisationReportExporter) -> Rendered:
    # Imported here: it is slow to import, and only workers need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(TEMPLATE, pdf_context(exporter))
    # No protocol is allowed: the renderer reads no file and calls no server.
    content = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return Rendered(
        filename=f"{exporter.filename_stem()}.pdf", content_type=CONTENT_TYPE, content=content
    )
