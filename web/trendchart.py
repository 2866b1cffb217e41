"""Geometry of the trends chart: one polyline per query in an inline SVG, computed on the
server so the chart needs no JavaScript (the table beneath carries the same numbers for
screen readers and copying)."""

from __future__ import annotations

from dataclasses import dataclass

from search.trends import Trends

WIDTH = 1000  # viewBox units; the SVG stretches to the page width
HEIGHT = 240
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00")  # Okabe-Ito, AA on white
DASHES = ("", "8 4", "2 3", "12 4 2 4", "4 4")
MAX_LABELS = 10


@dataclass(frozen=True)
class Line:
    query: str
    colour: str
    dash: str
    points: str  # "x,y x,y ..." in viewBox units
    peak: float


@dataclass(frozen=True)
class Label:
    x: float  # percent
    text: str


@dataclass(frozen=True)
class Chart:
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]
    peak: float
    peak_text: str
    width: int = WIDTH
    height: int = HEIGHT


def build_chart(trends: Trends, measure: str = "count") -> Chart:
    """Lines scaled to the highest value of any series; ``measure`` is count or share."""
    values = [list(s.counts) if measure == "count" else list(s.shares(trends.totals))
              for s in trends.series]
    peak = max((v for vs in values for v in vs), default=0) or 1
    n = len(trends.periods)
    step = WIDTH / max(n - 1, 1)
    lines = []
    for i, (series, vs) in enumerate(zip(trends.series, values)):
        points = " ".join(f"{round(j * step if n > 1 else WIDTH / 2, 2)},"
                          f"{round(HEIGHT - HEIGHT * v / peak * 0.95, 2)}" for j, v in enumerate(vs))
        if n == 1:  # a single period: a short flat line so it shows
            y = round(HEIGHT - HEIGHT * vs[0] / peak * 0.95, 2)
            points = f"{WIDTH / 2 - 20},{y} {WIDTH / 2 + 20},{y}"
        lines.append(Line(series.query, COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)],
                          points, max(vs, default=0)))
    every = max(1, -(-n // MAX_LABELS))
    labels = tuple(Label(round(j * 100 / max(n - 1, 1), 2) if n > 1 else 50.0, trends.periods[j])
                   for j in range(0, n, every))
    peak_text = f"{peak:,}" if measure == "count" else f"{peak * 100:.1f}%"
    return Chart(tuple(lines), labels, peak, peak_text)
