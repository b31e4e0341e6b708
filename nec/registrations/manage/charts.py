"""The figures' charts, drawn on the server as SVG by pygal: no script, no external file, readable
without JavaScript. The page shows each chart beside its data table (stats.Figure), which is what a
screen reader reads: the image's text alternative points to it."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from nec.registrations.stats import Figure

# The house's colours, dark enough on white for text and bars (WCAG contrast ≥ 4.5:1 for the labels).
HOUSE_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    opacity="1",
    opacity_hover="1",
    transition="0s",
    colors=("#1d5b8f", "#b4451f", "#2f7d32", "#6b3fa0"),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=13,
    value_label_font_size=13,
    title_font_size=18,
    legend_font_size=14,
    tooltip_font_size=13,
)

SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)

COMMON = {
    "style": HOUSE_STYLE,
    "js": [],  # no script from a CDN, and none at all: the SVG is an image
    "width": 720,
    "height": 400,
    "explicit_size": True,  # width and height on the <svg>: the image keeps its proportions
    "print_values": False,
    "show_legend": False,
    "truncate_label": 40,
    "truncate_legend": 40,
    "no_data_text": "",
}


def _values(figure: Figure, index: int) -> list[float]:
    values = []
    for row in figure.rows:
        value = row[index]
        values.append(float(value) if isinstance(value, int | float) else 0.0)
    return values


def chart_svg(figure: Figure) -> bytes:
    """The figure as a standalone SVG document."""
    labels = [str(row[0]) for row in figure.rows]
    if figure.name == "over-time":
        chart = pygal.Line(
            **COMMON, show_dots=len(labels) <= 40, fill=False, stroke_style={"width": 3}, x_label_rotation=30
        )
        chart.x_labels = [_short_day(label) for label in labels]
        chart.x_labels_major_every = max(1, len(labels) // 8)
        chart.show_minor_x_labels = len(labels) <= 12
    elif figure.name == "fill-rates":
        chart = pygal.HorizontalBar(
            **_sized(COMMON, len(labels)), range=(0, 100), value_formatter=lambda v: f"{v:.0f} %"
        )
        chart.y_labels = [0, 25, 50, 75, 100]
        chart.x_labels = labels
    elif figure.name == "no-shows":
        chart = pygal.HorizontalStackedBar(
            **{**_sized(COMMON, len(labels)), "show_legend": True}, legend_at_bottom=True
        )
        chart.x_labels = labels
    else:
        chart = pygal.HorizontalBar(**_sized(COMMON, len(labels)))
        chart.x_labels = labels
    chart.title = figure.title
    for index in figure.series:
        chart.add(str(figure.columns[index]), _values(figure, index))
    # pygal writes its settings in a <script> for its tooltips: an image runs none, so none is sent.
    return SCRIPT.sub(b"", chart.render())


def _sized(options: dict, bars: int) -> dict:
    """Horizontal bars: the chart grows with their number, so that each label keeps its line."""
    return {**options, "height": max(300, 120 + 40 * bars)}


def _short_day(iso: str) -> str:
    """2026-03-04 → 04/03."""
    return f"{iso[8:10]}/{iso[5:7]}" if len(iso) == 10 else iso
