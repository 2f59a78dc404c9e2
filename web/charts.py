"""Charts drawn on the server as SVG: no script, printable, readable without JavaScript.

These functions only place marks (coordinates in a fixed viewBox); the templates in
``partials/_charts.html`` draw them. Every chart is shown with its figures as a table too.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH = 360  # viewBox width: one viewBox unit is about one CSS pixel on a phone
BAR_ROW = 34
LABEL_ROW = 14
PLOT_LEFT = 46
PLOT_RIGHT = 12
PLOT_TOP = 16
PLOT_BOTTOM = 26
COLUMN_HEIGHT = 180


def nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5, 5 × 10^n), at least ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        bound = step * 10**exponent
        if bound >= value:
            return float(bound)
    return float(10 ** (exponent + 1))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    y: float
    width: float
    series: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per label, each row with a label line above its bar."""

    bars: list[Bar]
    height: float
    plot_width: float
    width: int = WIDTH


def bar_chart(
    rows: Sequence[tuple[str, float | None, str]], *, maximum: float | None = None
) -> BarChart:
    """``rows``: (label, value, text shown at the bar's end); ``None`` is "no data"."""
    plot_width = WIDTH - PLOT_RIGHT - 60
    values = [value for _, value, _ in rows if value is not None]
    top = nice_max(maximum if maximum is not None else max(values, default=0.0))
    bars = []
    for index, (label, value, text) in enumerate(rows):
        width = 0.0 if value is None else max(plot_width * value / top, 1.0 if value else 0.0)
        bars.append(Bar(label=label, value=value, text=text, y=index * BAR_ROW, width=width))
    return BarChart(bars=bars, height=max(len(bars) * BAR_ROW, BAR_ROW), plot_width=plot_width)


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    text: str


@dataclass(frozen=True)
class TrendChart:
    """A line through yearly values, with an optional target line."""

    points: list[Point]
    ticks: list[Tick]
    path: str
    target_y: float | None
    target_text: str
    height: int = COLUMN_HEIGHT + PLOT_TOP + PLOT_BOTTOM
    width: int = WIDTH
    left: int = PLOT_LEFT
    right: int = WIDTH - PLOT_RIGHT
    bottom: int = PLOT_TOP + COLUMN_HEIGHT


def _y(value: float, top: float) -> float:
    return round(PLOT_TOP + COLUMN_HEIGHT * (1 - value / top), 1)


def _ticks(top: float, shown: Callable[[float], str]) -> list[Tick]:
    return [Tick(y=_y(top * i / 4, top), text=shown(top * i / 4)) for i in range(5)]


def _whole_top(value: float) -> float:
    """An axis top for counts whose quarter ticks are whole numbers."""
    top = nice_max(value)
    return top if top % 4 == 0 else float(math.ceil(max(value, 1) / 4) * 4)


def trend_chart(
    series: Sequence[tuple[str, float | None]],
    *,
    target: float | None = None,
    target_text: str = "",
    shown: Callable[[float], str] = lambda value: f"{value:g}%",
) -> TrendChart:
    """``series``: (label, value) in order; a missing value leaves a gap in the line."""
    values = [value for _, value in series if value is not None]
    top = nice_max(max([*values, target or 0.0], default=0.0))
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT
    step = span / max(len(series), 1)
    points, commands, pen_down = [], [], False
    for index, (label, value) in enumerate(series):
        x = round(PLOT_LEFT + step * (index + 0.5), 1)
        if value is None:
            points.append(Point(x=x, y=PLOT_TOP + COLUMN_HEIGHT, label=label, text=""))
            pen_down = False
            continue
        y = _y(value, top)
        points.append(Point(x=x, y=y, label=label, text=shown(value)))
        commands.append(f"{'L' if pen_down else 'M'}{x},{y}")
        pen_down = True
    return TrendChart(
        points=points,
        ticks=_ticks(top, shown),
        path=" ".join(commands),
        target_y=_y(target, top) if target is not None else None,
        target_text=target_text,
    )


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    width: float
    value: int
    series: str


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    x: float
    columns: list[Column] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnChart:
    """Columns grouped by label (a year), one colour per series."""

    groups: list[ColumnGroup]
    ticks: list[Tick]
    series: list[str]
    height: int = COLUMN_HEIGHT + PLOT_TOP + PLOT_BOTTOM
    width: int = WIDTH
    left: int = PLOT_LEFT
    right: int = WIDTH - PLOT_RIGHT
    bottom: int = PLOT_TOP + COLUMN_HEIGHT


def column_chart(groups: Sequence[tuple[str, dict[str, int]]], series: list[str]) -> ColumnChart:
    """``groups``: (label, {series: count}); the series order sets the colours."""
    top = _whole_top(max((v for _, values in groups for v in values.values()), default=0))
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT
    slot = span / max(len(groups), 1)
    width = min(slot * 0.8 / max(len(series), 1), 18)
    drawn = []
    for index, (label, values) in enumerate(groups):
        start = PLOT_LEFT + slot * index + (slot - width * len(series)) / 2
        columns = []
        for position, name in enumerate(series):
            value = int(values.get(name, 0))
            y = _y(value, top)
            columns.append(
                Column(
                    x=round(start + position * width, 1),
                    y=y,
                    height=round(PLOT_TOP + COLUMN_HEIGHT - y, 1),
                    width=round(width - 1, 1),
                    value=value,
                    series=name,
                )
            )
        drawn.append(
            ColumnGroup(label=label, x=round(PLOT_LEFT + slot * (index + 0.5), 1), columns=columns)
        )
    return ColumnChart(groups=drawn, ticks=_ticks(top, lambda value: f"{value:g}"), series=series)
