"""Server-rendered bar charts (SVG) drawn from published figures only.

A hidden figure has no bar: its label says `<5` or `[c]`, so the chart gives nothing away that
the data table beside it does not.
"""

from dataclasses import dataclass

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH = 680, 22, 8, 300, 48


@dataclass
class Bar:
    label: str
    value: int | None  # None when the figure is hidden
    text: str
    y: int = 0
    width: int = 0


@dataclass
class BarChart:
    title: str
    bars: list
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    width: int = WIDTH


def bar_chart(title, items):
    """items: (label, shown value or None, text as published)."""
    largest = max([value for _, value, _ in items if value] or [1])
    bars = []
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, (label, value, text) in enumerate(items):
        width = round(plot * value / largest) if value else 0
        bars.append(Bar(label, value, text, y=index * (BAR_HEIGHT + GAP), width=width))
    return BarChart(title, bars, height=max(1, len(bars)) * (BAR_HEIGHT + GAP))


def chart_of(published, column=None):
    """A bar per row of a table: its total, or one column's figures."""
    table = published.table
    j = table.n_cols if column is None else column
    if table.one_dimensional:
        j = 0
    items = [(table.row_label(i), published.shown((i, j)), published.text((i, j)))
             for i in range(table.n_rows)]
    return bar_chart(published.spec.title, items)
