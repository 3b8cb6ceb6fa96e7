"""The server-side SVG line chart: accessible, escaped, and robust to gaps and single dates."""

from __future__ import annotations

import datetime as dt
import re

from django.template import Context, Template
from django.utils.formats import date_format

from apps.core.templatetags.charts import default_description, line_chart

DATES = [dt.date(2025, 3, 1), dt.date(2025, 9, 1), dt.date(2026, 3, 12)]


def _chart(data: dict, **options: object) -> str:
    return str(line_chart(data, title="Maturity", y_min=1, y_max=5, **options))


def test_it_has_a_title_and_a_description_the_svg_points_to() -> None:
    svg = _chart({"dates": DATES, "series": {"EG1": [1, 2, 3]}}, chart_id="c1")

    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title"' in svg
    assert 'aria-describedby="c1-desc"' in svg
    assert '<title id="c1-title">Maturity</title>' in svg
    desc = re.search(r'<desc id="c1-desc">(.*?)</desc>', svg).group(1)
    assert "EG1: 1, 2, 3." in desc
    assert "3 dates" in desc


def test_it_draws_one_path_per_series_each_told_apart_without_colour() -> None:
    series = {"EG1": [1, 2, 3], "EG2": [2, 2, 2], "Culture": [3, 4, 5]}
    svg = _chart({"dates": DATES, "series": series})

    paths = re.findall(r"<path [^>]*>", svg)
    assert len(paths) == 3
    dashes = [m.group(1) if (m := re.search(r'dasharray="([^"]*)"', p)) else "" for p in paths]
    assert len(set(dashes)) == 3  # solid, dashed, dotted
    # Markers differ in shape: circles for the first, squares for the second, triangles next.
    assert svg.count("<circle") >= 3
    assert svg.count("<rect") >= 3
    assert svg.count("<polygon") >= 3
    for label in series:
        assert f"{label}</li>" in svg  # the legend names every series


def test_its_y_axis_is_labelled_from_min_to_max() -> None:
    svg = _chart({"dates": DATES, "series": {"EG1": [1, 2, 3]}}, y_label="Level")
    ticks = re.findall(r'text-anchor="end" dominant-baseline="middle">(\d)</text>', svg)
    assert ticks == ["1", "2", "3", "4", "5"]
    assert ">Level</text>" in svg


def test_a_gap_lifts_the_pen_and_draws_no_marker() -> None:
    svg = _chart({"dates": DATES, "series": {"EG1": [2, None, 4]}})

    path = re.search(r'<path d="([^"]*)"', svg).group(1)
    assert path.count("M") == 2
    assert "L" not in path
    assert svg.count("<circle") == 2 + 1  # two points, plus the legend's sample
    assert "no value" in svg  # the description says so


def test_a_single_date_draws_its_points_in_the_middle() -> None:
    svg = _chart({"dates": DATES[:1], "series": {"EG1": [3], "EG2": [None]}})

    assert svg.count("<path") == 2
    assert 'cx="336.0"' in svg  # the centre of the plot area
    assert "1 date" in svg


def test_no_dates_draws_nothing() -> None:
    assert _chart({"dates": [], "series": {}}) == ""


def test_it_escapes_labels_title_and_description() -> None:
    svg = str(
        line_chart(
            {"dates": ["<b>Q1</b>"], "series": {"<script>alert(1)</script>": [2]}},
            title="<script>t</script>",
            desc="<img src=x>",
        )
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;script&gt;t&lt;/script&gt;" in svg
    assert "&lt;img src=x&gt;" in svg
    assert "&lt;b&gt;Q1&lt;/b&gt;" in svg


def test_the_default_description_escapes_when_rendered() -> None:
    data = {"dates": DATES[:1], "series": {"<i>x</i>": [1]}}
    assert "<i>x</i>: 1." in default_description(data)
    assert "<i>" not in _chart(data)


def test_it_works_as_a_template_tag() -> None:
    template = Template(
        '{% load charts %}{% line_chart data title="Trend" y_min=1 y_max=5 chart_id="t" %}'
    )
    html = template.render(Context({"data": {"dates": DATES, "series": {"EG1": [1, 3, 5]}}}))
    assert '<figure class="chart">' in html
    assert '<title id="t-title">Trend</title>' in html
    assert "style=" not in html


def test_many_dates_get_few_axis_labels_and_the_latest_is_one() -> None:
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=30 * n) for n in range(20)]
    svg = _chart({"dates": dates, "series": {"EG1": [3] * 20}})

    labels = re.findall(r'<text x="[\d.]+" y="270" text-anchor="(\w+)">([^<]*)</text>', svg)
    assert 2 <= len(labels) <= 6
    latest = date_format(dates[-1], "SHORT_DATE_FORMAT")
    assert labels[-1] == ("end", latest)  # the latest date, aligned inwards
    assert labels[0][0] == "middle"  # the 4th date: labels step back from the latest
    assert svg.count("<circle") == 20 + 1
