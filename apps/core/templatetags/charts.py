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
from django.utils.formats import date_format, number_format
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
    """A value as the reader's language writes it (2.5, or 2,5 in Polish), at most two
    decimals, and whole numbers without any."""
    rounded = round(float(value), 2)
    return number_format(int(rounded) if rounded.is_integer() else rounded)


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


def _y_axis(frame: Frame, label: str, step: float = 1) -> SafeString:
    ticks = []
    count = math.floor((frame.y_max - frame.y_min) / step) if step > 0 else 0
    for value in (_tick(frame.y_min + i * step) for i in range(count + 1)):
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
                _number(value),
            )
        )
    title = format_html(
        '<text x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">{}</text>',
        (TOP + HEIGHT - BOTTOM) / 2,
        (TOP + HEIGHT - BOTTOM) / 2,
        label,
    )
    return format_html('<g class="chart-axis" fill="#212529">{}{}</g>', _join(ticks), title)


def _tick(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


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
        # Hidden from pages' readers (the label follows); its title is the alternative
        # text a tagged PDF requires of every figure.
        sample = format_html(
            '<svg class="chart-key" viewBox="0 0 36 14" width="36" height="14" '
            'aria-hidden="true" focusable="false"><title>{}</title>'
            '<line x1="0" y1="7" x2="36" y2="7" stroke="{}" stroke-width="2.5"{}/>{}</svg>',
            label,
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
    y_step: float = 1,
) -> SafeString:
    """An accessible SVG line chart; empty when there are no dates. ``y_step`` spaces the
    value axis's ticks (1 by default; 10 or 20 suit a 0-100 scale)."""
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
        _y_axis(frame, y_label, float(y_step)),
        _x_axis(dates, frame),
        _join(_series(i, values, frame) for i, values in enumerate(series.values())),
    )
    return format_html('<figure class="chart">{}{}</figure>', svg, _legend(list(series)))


# --- Grouped horizontal bars ----------------------------------------------------------------
#
# ``{% bar_chart data title=… %}`` takes
# ``{"categories": [...], "series": {label: [value or None per category]}, "max": 100,
# "unit": "%"}``: one group of bars per category, one bar per series. Every bar is labelled
# with its series' name and its value in text, so colour only decorates. A ``None`` value is
# a figure withheld by the anonymisation rules: it is drawn as a short hatched box labelled
# "suppressed", never as a zero-length bar that would read as 0.

BAR_WIDTH = 640
BAR_LABELS = 230  # room for the series' names, left of the bars
BAR_VALUES = 96  # room for the value (or "suppressed") right of the longest bar
BAR_TOP, BAR_BOTTOM = 8, 36
BAR_HEADING, BAR_ROW, BAR_THICKNESS, BAR_GAP = 24, 22, 14, 10
SUPPRESSED_BOX = 40
MAX_CATEGORY_CHARS, MAX_SERIES_CHARS = 80, 32


def _clip(text: Any, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class BarFrame:
    top: float
    x_max: float

    @property
    def inner(self) -> float:
        return BAR_WIDTH - BAR_LABELS - BAR_VALUES

    def length(self, value: float) -> float:
        return round(self.inner * max(0.0, min(value, self.x_max)) / (self.x_max or 1), 1)


def _bar(
    index: int, label: str, value: float | None, y: float, frame: BarFrame, *, unit: str, hatch: str
) -> SafeString:
    middle = y + BAR_THICKNESS / 2
    name = format_html(
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        BAR_LABELS - 8,
        middle,
        _clip(label, MAX_SERIES_CHARS),
    )
    if value is None:
        shape = format_html(
            '<rect class="chart-suppressed" x="{}" y="{}" width="{}" height="{}" '
            'fill="url(#{})" stroke="#6c757d"/>',
            BAR_LABELS,
            y,
            SUPPRESSED_BOX,
            BAR_THICKNESS,
            hatch,
        )
        text = format_html(
            '<text x="{}" y="{}" dominant-baseline="middle" font-style="italic">{}</text>',
            BAR_LABELS + SUPPRESSED_BOX + 6,
            middle,
            _("suppressed"),
        )
        return format_html('<g class="chart-bar">{}{}{}</g>', name, shape, text)
    width = frame.length(value)
    shape = format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        BAR_LABELS,
        y,
        width,
        BAR_THICKNESS,
        series_style(index).colour,
    )
    text = format_html(
        '<text x="{}" y="{}" dominant-baseline="middle">{}{}</text>',
        BAR_LABELS + width + 6,
        middle,
        _number(value),
        unit,
    )
    return format_html('<g class="chart-bar">{}{}{}</g>', name, shape, text)


def _bar_ticks(x_max: float) -> list[float]:
    """Whole numbers on a short scale (maturity 1-5, a few actions), else quarters."""
    if x_max.is_integer() and x_max <= 8:
        return [float(i) for i in range(int(x_max) + 1)]
    return [x_max * i / 4 for i in range(5)]


def _bar_axis(frame: BarFrame, bottom: float, unit: str, label: str) -> SafeString:
    ticks = []
    for value in _bar_ticks(frame.x_max):
        x = BAR_LABELS + frame.length(value)
        ticks.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d4d8"/>'
                '<text x="{}" y="{}" text-anchor="middle">{}{}</text>',
                x,
                frame.top,
                x,
                bottom,
                x,
                bottom + 16,
                _number(round(value, 2)),
                unit,
            )
        )
    caption = (
        format_html(
            '<text x="{}" y="{}" text-anchor="middle">{}</text>',
            BAR_LABELS + frame.inner / 2,
            bottom + 32,
            label,
        )
        if label
        else ""
    )
    return format_html(
        '<g class="chart-axis" fill="#212529">{}<line x1="{}" y1="{}" x2="{}" y2="{}" '
        'stroke="#6c757d"/>{}</g>',
        _join(ticks),
        BAR_LABELS,
        frame.top,
        BAR_LABELS,
        bottom,
        caption,
    )


def bar_description(data: dict[str, Any]) -> str:
    """A plain-text reading of a bar chart for ``<desc>``: every value, category by category."""
    unit = data.get("unit", "")
    series = data.get("series") or {}
    parts = []
    for index, category in enumerate(data.get("categories") or []):
        values = ", ".join(
            f"{label} "
            + (_("suppressed") if values[index] is None else f"{_number(values[index])}{unit}")
            for label, values in series.items()
        )
        parts.append(f"{category}: {values}.")
    return " ".join(parts)


@register.simple_tag
def bar_chart(
    data: dict[str, Any],
    title: str,
    x_label: str = "",
    desc: str = "",
    chart_id: str = "",
) -> SafeString:
    """An accessible SVG chart of grouped horizontal bars; empty when there is nothing."""
    categories = list(data.get("categories") or [])
    series = {label: list(values) for label, values in (data.get("series") or {}).items()}
    if not categories or not series:
        return mark_safe("")
    chart_id = chart_id or f"chart-{uuid.uuid4().hex[:8]}"
    unit = data.get("unit", "")
    known = [v for values in series.values() for v in values if v is not None]
    frame = BarFrame(BAR_TOP, float(data.get("max") or max(known, default=0) or 1))
    hatch = f"{chart_id}-hatch"
    groups, y = [], float(BAR_TOP)
    for c, category in enumerate(categories):
        heading = format_html(
            '<text x="0" y="{}" font-weight="bold">{}</text>',
            y + 16,
            _clip(category, MAX_CATEGORY_CHARS),
        )
        y += BAR_HEADING
        bars = []
        for s, (label, values) in enumerate(series.items()):
            value = None if values[c] is None else float(values[c])
            bars.append(_bar(s, label, value, y + 4, frame, unit=unit, hatch=hatch))
            y += BAR_ROW
        groups.append(format_html('<g class="chart-group">{}{}</g>', heading, _join(bars)))
        y += BAR_GAP
    height = y + BAR_BOTTOM + (16 if x_label else 0)
    svg = format_html(
        '<svg class="chart-svg chart-bars" viewBox="0 0 {} {}" role="img" font-size="13" '
        'aria-labelledby="{}-title" aria-describedby="{}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#6c757d" '
        'stroke-width="2"/></pattern></defs>{}{}</svg>',
        BAR_WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc or bar_description({"categories": categories, "series": series, "unit": unit}),
        hatch,
        _bar_axis(frame, y, unit, x_label),
        _join(groups),
    )
    return format_html('<figure class="chart">{}</figure>', svg)
