"""The timeline above the results: bar geometry for an inline SVG, computed server-side so
the chart needs no JavaScript (each bar is a link selecting its month; JS adds brushing)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace

from search.models import UNDATED, Facet, FacetValue

HEIGHT = 64  # bar area, px; x positions and widths are percentages (no viewBox: nothing stretches)
LABEL_HEIGHT = 18
MAX_TICKS = 12
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bar:
    month: str  # YYYY-MM
    count: int
    x: float
    y: float
    width: float
    height: float
    label: str  # "Mar 2022"
    selected: bool = True  # inside the selected date range (or no range selected)

    @property
    def last_day(self) -> str:
        year, month = map(int, self.month.split("-"))
        return f"{self.month}-{calendar.monthrange(year, month)[1]:02d}"


@dataclass(frozen=True)
class Tick:
    x: float  # percent
    text: str
    minor: bool = False  # hidden on narrow screens
    anchor: str = "middle"


@dataclass(frozen=True)
class Timeline:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    undated: int
    peak: int
    height: int = HEIGHT
    total_height: int = HEIGHT + LABEL_HEIGHT
    ranged: bool = False  # a date range is selected: bars outside it are context

    @property
    def first(self) -> str:
        return self.bars[0].month if self.bars else ""

    @property
    def last(self) -> str:
        return self.bars[-1].month if self.bars else ""


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (year, month) <= end and len(out) < 1200:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def overall_timeline(engine, request) -> Timeline:
    """The timeline of ``request`` without its date range, the range's bars marked: brushing
    a range keeps the whole period in view (the backend's counts per day, no second search)."""
    import numpy as np

    from search.trends import _period_numbers

    [found] = engine.day_counts([replace(request, since=None, until=None)])
    numbers = _period_numbers(np.array(found.days, dtype=np.int64), "month")
    months: dict[int, int] = {}
    for n, c in zip(numbers.tolist(), found.counts):
        months[n] = months.get(n, 0) + c
    values = [FacetValue(f"{n // 12:04d}-{n % 12 + 1:02d}", c) for n, c in sorted(months.items())]
    if found.undated:
        values.append(FacetValue(UNDATED, found.undated))
    low = request.since.strftime("%Y-%m") if request.since else "0000-00"
    high = request.until.strftime("%Y-%m") if request.until else "9999-99"
    return build_timeline(Facet("month", tuple(values)), (low, high))


def build_timeline(month_facet: Facet | None, selected: tuple[str, str] | None = None) -> Timeline:
    """Bars for every month between the first and last dated match (empty months included);
    with ``selected`` (first and last month), the bars outside it are marked as context."""
    counts = {v.value: v.count for v in (month_facet.values if month_facet else ())}
    undated = counts.pop(UNDATED, 0)
    dated = sorted(m for m in counts if len(m) == 7 and m[4] == "-" and m[:4].isdigit())
    if not dated:
        return Timeline((), (), undated, 0)
    months = _months(dated[0], dated[-1])
    peak = max(counts.get(m, 0) for m in months) or 1
    step = 100 / len(months)
    width = step * (0.84 if len(months) <= 80 else 1.0)
    every = max(1, -(-len(months) // MAX_TICKS))
    bars, ticks = [], []
    last_year = ""
    for i, month in enumerate(months):
        count = counts.get(month, 0)
        height = 0 if count == 0 else max(2.0, HEIGHT * count / peak)
        year, number = month.split("-")
        label = f"{MONTH_NAMES[int(number) - 1]} {year}"
        inside = selected is None or selected[0] <= month <= selected[1]
        bars.append(Bar(month, count, round(i * step + (step - width) / 2, 3), round(HEIGHT - height, 2),
                        round(width, 3), round(height, 2), label, inside))
        if i % every == 0 and len(months) > 1:
            text = label if year != last_year else MONTH_NAMES[int(number) - 1]
            last_year = year
            ticks.append(Tick(round(i * step + step / 2, 3), text, minor=(i // every) % 2 == 1))
    if len(months) == 1:
        ticks.append(Tick(50.0, bars[0].label))
    return Timeline(tuple(bars), tuple(ticks), undated, peak, ranged=selected is not None)
