"""Charts drawn on the server as SVG: no JavaScript, no library, no inline styles.

``{% line_chart data title=… y_min=1 y_max=5 %}`` takes
``{"dates": [...], "series": {label: [value or None per date]}}`` and returns a
``<figure>`` holding an ``<svg role="img">`` (with ``<title>`` and ``<desc>``) and
a legend. Each series is one ``<path>``; series differ by colour, dash pattern and
marker shape, so they can be told apart without colour. Every label is escaped:
the SVG is built with ``format_html`` only. Pages still show the same numbers in a
table next to the chart.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 52
MAX_X_LABELS = 6

# After Okabe-Ito, darkened where needed so every line has 3:1 contrast on white (WCAG
# 1.4.11). Colour is the third cue after dash pattern and marker; the counts (7, 5, 4) are
# coprime, so no two of the first 140 series look the same.
COLOURS = ("#0072B2", "#D55E00", "#007A5A", "#A6467E", "#6A3D9A", "#8F6100", "#000000")
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str
    marker: str


def series_style(index: int) -> Style:
    return Style(
        COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]
    )


def _join(parts: Iterable[Any]) -> SafeString:
    """Concatenate, escaping anything not already safe (the parts come from format_html)."""
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _label(value: Any, *, short: bool = False) -> str:
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
    return str(value)


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Frame:
    """Maps values to SVG coordinates inside the plot area."""

    count: int
    y_min: float
    y_max: float

    def x(self, index: int) -> float:
        inner = WIDTH - LEFT - RIGHT
        if self.count == 1:
            return LEFT + inner / 2
        return round(LEFT + inner * index / (self.count - 1), 1)

    def y(self, value: float) -> float:
        inner = HEIGHT - TOP - BOTTOM
        span = (self.y_max - self.y_min) or 1
        return round(TOP + inner * (self.y_max - value) / span, 1)


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="4.5" fill="{}"/>', x, y, colour)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="9" height="9" fill="{}"/>', x - 4.5, y - 4.5, colour
        )
    if shape == "triangle":
        points = f"{x},{y - 5.5} {x + 5.5},{y + 4.5} {x - 5.5},{y + 4.5}"
    else:
        points = f"{x},{y - 6} {x + 6},{y} {x},{y + 6} {x - 6},{y}"
    return format_html('<polygon points="{}" fill="{}"/>', points, colour)


def _path_data(values: Sequence[float | None], frame: Frame) -> str:
    """Line commands; a gap (None) lifts the pen, so the line restarts after it."""
    commands, pen_down = [], False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{frame.x(index)},{frame.y(value)}")
        pen_down = True
    return " ".join(commands)


def _series(index: int, values: Sequence[float | None], frame: Frame) -> SafeString:
    style = series_style(index)
    line = format_html(
        '<path d="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
        _path_data(values, frame),
        style.colour,
        format_html(' stroke-dasharray="{}"', style.dash) if style.dash else "",
    )
    markers = (
        _marker(style.marker, frame.x(i), frame.y(v), style.colour)
        for i, v in enumerate(values)
        if v is not None
    )
    return format_html('<g class="chart-series">{}{}</g>', line, _join(markers))


def _y_axis(frame: Frame, label: str) -> SafeString:
    ticks = []
    for value in range(math.ceil(frame.y_min), math.floor(frame.y_max) + 1):
        y = frame.y(value)
        ticks.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d4d8"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                LEFT - 8,
                y,
                value,
            )
        )
    title = format_html(
        '<text x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">{}</text>',
        (TOP + HEIGHT - BOTTOM) / 2,
        (TOP + HEIGHT - BOTTOM) / 2,
        label,
    )
    return format_html('<g class="chart-axis" fill="#212529">{}{}</g>', _join(ticks), title)


def _anchor(index: int, count: int) -> str:
    """Labels at the ends align inwards, so they stay inside the drawing."""
    if count == 1:
        return "middle"
    return "start" if index == 0 else "end" if index == count - 1 else "middle"


def _x_axis(dates: Sequence[Any], frame: Frame) -> SafeString:
    step = max(1, math.ceil(len(dates) / MAX_X_LABELS))
    # Counted back from the latest date, so the latest is always labelled and none crowd it.
    shown = range(len(dates) - 1, -1, -step)
    labels = (
        format_html(
            '<text x="{}" y="{}" text-anchor="{}">{}</text>',
            frame.x(i),
            HEIGHT - BOTTOM + 22,
            _anchor(i, len(dates)),
            _label(dates[i], short=True),
        )
        for i in reversed(shown)
    )
    base = HEIGHT - BOTTOM
    return format_html(
        '<g class="chart-axis" fill="#212529"><line x1="{}" y1="{}" x2="{}" y2="{}" '
        'stroke="#6c757d"/>{}</g>',
        LEFT,
        base,
        WIDTH - RIGHT,
        base,
        _join(labels),
    )


def _legend(labels: Sequence[str]) -> SafeString:
    items = []
    for index, label in enumerate(labels):
        style = series_style(index)
        sample = format_html(
            '<svg class="chart-key" viewBox="0 0 36 14" width="36" height="14" '
            'aria-hidden="true" focusable="false">'
            '<line x1="0" y1="7" x2="36" y2="7" stroke="{}" stroke-width="2.5"{}/>{}</svg>',
            style.colour,
            format_html(' stroke-dasharray="{}"', style.dash) if style.dash else "",
            _marker(style.marker, 18, 7, style.colour),
        )
        items.append(format_html("<li>{} {}</li>", sample, label))
    return format_html(
        '<ul class="chart-legend list-inline" aria-label="{}">{}</ul>', _("Legend"), _join(items)
    )


def default_description(data: dict[str, Any]) -> str:
    """A plain-text reading of the chart for ``<desc>``: every value, series by series."""
    dates, series = data["dates"], data["series"]
    parts = [
        ngettext(
            "%(series)d series over %(count)d date, %(first)s.",
            "%(series)d series over %(count)d dates, from %(first)s to %(last)s.",
            len(dates),
        )
        % {
            "series": len(series),
            "count": len(dates),
            "first": _label(dates[0]),
            "last": _label(dates[-1]),
        }
    ]
    for label, values in series.items():
        shown = ", ".join(_("no value") if v is None else _number(v) for v in values)
        parts.append(f"{label}: {shown}.")
    return " ".join(parts)


@register.simple_tag
def line_chart(
    data: dict[str, Any],
    title: str,
    y_min: float = 0,
    y_max: float = 100,
    y_label: str = "",
    desc: str = "",
    chart_id: str = "",
) -> SafeString:
    """An accessible SVG line chart; empty when there are no dates."""
    dates = list(data.get("dates") or [])
    if not dates:
        return mark_safe("")
    chart_id = chart_id or f"chart-{uuid.uuid4().hex[:8]}"
    frame = Frame(len(dates), float(y_min), float(y_max))
    series = data.get("series") or {}
    svg = format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" font-size="13" '
        'aria-labelledby="{}-title" aria-describedby="{}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc or default_description({"dates": dates, "series": series}),
        _y_axis(frame, y_label),
        _x_axis(dates, frame),
        _join(_series(i, values, frame) for i, values in enumerate(series.values())),
    )
    return format_html('<figure class="chart">{}{}</figure>', svg, _legend(list(series)))
