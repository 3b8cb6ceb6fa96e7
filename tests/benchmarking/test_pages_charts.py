"""The ``{% bar_chart %}`` tag the benchmark pages draw with (apps/core/templatetags/charts.py)."""

from __future__ import annotations

import re

from django.template import Context, Template

from apps.core.templatetags.charts import bar_chart, line_chart

DATA = {
    "categories": ["EG1 End goal 1", "EG2 End goal 2"],
    "series": {"Western Europe": [100.0, 33.3], "Central and Eastern Europe": [None, 50.0]},
    "max": 100,
    "unit": "%",
}


def test_every_bar_is_labelled_with_its_series_and_value() -> None:
    svg = str(bar_chart(DATA, title="Share adopting", chart_id="c"))
    assert svg.count('class="chart-bar"') == 4
    assert svg.count(">Western Europe</text>") == 2
    assert ">100%</text>" in svg
    assert ">33.3%</text>" in svg
    assert ">50%</text>" in svg


def test_a_suppressed_figure_is_hatched_and_says_so_never_zero() -> None:
    svg = str(bar_chart(DATA, title="Share adopting", chart_id="c"))
    assert svg.count('class="chart-suppressed"') == 1
    assert 'fill="url(#c-hatch)"' in svg
    assert '<pattern id="c-hatch"' in svg
    assert svg.count(">suppressed</text>") == 1
    bars = re.findall(r'<g class="chart-bar">(.*?)</g>', svg)
    assert not [bar for bar in bars if ">0%</text>" in bar]


def test_it_has_a_title_and_a_description_of_every_value() -> None:
    svg = str(bar_chart(DATA, title="Share adopting", chart_id="c"))
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title"' in svg
    assert '<title id="c-title">Share adopting</title>' in svg
    desc = re.search(r'<desc id="c-desc">(.*?)</desc>', svg)[1]
    assert desc == (
        "EG1 End goal 1: Western Europe 100%, Central and Eastern Europe suppressed. "
        "EG2 End goal 2: Western Europe 33.3%, Central and Eastern Europe 50%."
    )


def test_bars_are_scaled_to_the_maximum() -> None:
    svg = str(bar_chart(DATA, title="t", chart_id="c"))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)" height="14"', svg)]
    # The plot is 314 px wide: 100% fills it, 33.3% and 50% are in proportion; a suppressed
    # figure is a fixed 40 px hatched box.
    assert widths == [314.0, 40.0, 104.6, 157.0]


def test_labels_are_escaped() -> None:
    data = {"categories": ["<b>x</b>"], "series": {"<i>y</i>": [1]}, "max": 2}
    svg = str(bar_chart(data, title="<script>", chart_id="c"))
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert "<script>" not in svg
    assert "&lt;b&gt;x&lt;/b&gt;" in svg


def test_nothing_to_draw_gives_nothing() -> None:
    assert bar_chart({"categories": [], "series": {}}, title="t") == ""


def test_the_tag_renders_in_a_template() -> None:
    template = Template('{% load charts %}{% bar_chart data title="Shares" chart_id="x" %}')
    html = template.render(Context({"data": DATA}))
    assert html.startswith('<figure class="chart"><svg class="chart-svg chart-bars"')


def test_line_chart_ticks_can_be_spaced() -> None:
    data = {"dates": ["2026-Q1", "2026-Q2"], "series": {"EG1": [0.0, 83.3]}}
    svg = str(line_chart(data, title="t", y_min=0, y_max=100, y_step=20, chart_id="l"))
    ticks = re.findall(r'text-anchor="end" dominant-baseline="middle">(\d+)</text>', svg)
    assert ticks == ["0", "20", "40", "60", "80", "100"]
    default = str(line_chart(data, title="t", y_min=1, y_max=5, chart_id="m"))
    ticks = re.findall(r'text-anchor="end" dominant-baseline="middle">(\d+)</text>', default)
    assert ticks == ["1", "2", "3", "4", "5"]
