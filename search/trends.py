"""Attention over time: how many articles matched each of a few queries per day, week or
month, and what share of all articles of that period that is (Media Cloud's
"attention over time"). One mask per query and one ``bincount`` per series: no ranking,
no stored fields, so five queries over a large index answer in milliseconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .backends.base import DayCounts, SearchBackend
from .errors import InvalidParameterError
from .models import SearchRequest

INTERVALS = ("day", "week", "month")
MAX_SERIES = 5
MAX_PERIODS = 2000


@dataclass(frozen=True)
class Series:
    query: str
    total: int  # matching dated articles in the range
    counts: tuple[int, ...]  # one per period
    undated: int = 0

    def shares(self, totals: tuple[int, ...]) -> tuple[float, ...]:
        return tuple(c / t if t else 0.0 for c, t in zip(self.counts, totals))


@dataclass(frozen=True)
class Trends:
    interval: str
    periods: tuple[str, ...]  # "2022-03-07" (day, week's Monday) or "2022-03" (month)
    totals: tuple[int, ...]  # all articles per period (the denominator of shares)
    series: tuple[Series, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"interval": self.interval, "periods": list(self.periods),
                "totals": list(self.totals),
                "series": [{"query": s.query, "total": s.total, "undated": s.undated,
                            "counts": list(s.counts),
                            "shares": [round(x, 6) for x in s.shares(self.totals)]}
                           for s in self.series]}

    def rows(self) -> list[dict[str, Any]]:
        """One row per period: the table under the chart and the CSV download."""
        out = []
        for i, period in enumerate(self.periods):
            row: dict[str, Any] = {"period": period, "all": self.totals[i]}
            for s in self.series:
                row[s.query] = s.counts[i]
            out.append(row)
        return out


def _period_numbers(days: np.ndarray, interval: str) -> np.ndarray:
    """Ordinal days to period numbers: the day itself, its week (Mondays: ordinal 1 is a
    Monday) or its month (year * 12 + month - 1)."""
    if interval == "day":
        return days
    if interval == "week":
        return (days - 1) // 7
    as_dates = (days - dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    months = as_dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return months + 1970 * 12


def _label(number: int, interval: str) -> str:
    if interval == "day":
        return dt.date.fromordinal(number).isoformat()
    if interval == "week":
        return dt.date.fromordinal(number * 7 + 1).isoformat()
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _day_bound(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def choose_interval(first_day: int, last_day: int) -> str:
    """Days up to two months, weeks up to a year, months beyond."""
    span = last_day - first_day
    return "day" if span <= 62 else "week" if span <= 366 else "month"


def attention(engine: SearchBackend, queries: list[str], *, interval: str = "",
              since: dt.date | None = None, until: dt.date | None = None,
              base: SearchRequest | None = None) -> Trends:
    """Counts per period of each query (any query syntax: ``person:"Lloyd Austin"`` is an
    entity), with the filters of ``base`` applied to every series and to the totals."""
    queries = [q.strip() for q in queries if q and q.strip()]
    if not queries:
        raise InvalidParameterError("Give at least one query: /trends?q=patriot&q=himars.")
    if len(queries) > MAX_SERIES:
        raise InvalidParameterError(f"At most {MAX_SERIES} queries can be compared at once.")
    if interval and interval not in INTERVALS:
        raise InvalidParameterError(f"interval must be one of {', '.join(INTERVALS)}, not {interval[:20]!r}.")
    base = base or SearchRequest()
    lo, hi = _day_bound(since), _day_bound(until)
    requests = [replace(base, text="", since=None, until=None)]  # all articles (the totals)
    requests += [replace(base, text=text, since=None, until=None) for text in queries]
    context, *matched = [_in_range(c, lo, hi) for c in engine.day_counts(requests)]
    found = [d for d, _, _ in matched if len(d)]
    if lo is None or hi is None:
        pool = np.concatenate(found) if found else context[0]
        if not len(pool):
            return Trends(interval or "month", (), (), tuple(
                Series(q, 0, (), undated) for q, (_, _, undated) in zip(queries, matched)))
        lo = int(pool.min()) if lo is None else lo
        hi = int(pool.max()) if hi is None else hi
    interval = interval or choose_interval(lo, hi)
    first, last = (int(x) for x in _period_numbers(np.array([lo, hi], dtype=np.int64), interval))
    size = last - first + 1
    if size > MAX_PERIODS:
        raise InvalidParameterError(
            f"{size:,} {interval}s is too many to chart (at most {MAX_PERIODS:,}): "
            "choose a longer interval or a shorter range (since, until).")
    periods = tuple(_label(first + i, interval) for i in range(size))

    def histogram(day_values: np.ndarray, counts: np.ndarray) -> tuple[int, ...]:
        numbers = _period_numbers(day_values, interval) - first
        inside = (numbers >= 0) & (numbers < size)  # (all articles span more than the matches)
        return tuple(int(x) for x in np.bincount(numbers[inside], weights=counts[inside],
                                                  minlength=size)[:size])

    totals = histogram(*context[:2])
    series = tuple(Series(q, int(counts.sum()), histogram(d, counts), undated)
                   for q, (d, counts, undated) in zip(queries, matched))
    return Trends(interval, periods, totals, series)


def _in_range(found: DayCounts, lo: int | None, hi: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    """(days, counts, undated) with only the days between ``lo`` and ``hi`` (inclusive)."""
    days = np.array(found.days, dtype=np.int64)
    counts = np.array(found.counts, dtype=np.int64)
    keep = np.ones(len(days), dtype=bool)
    if lo is not None:
        keep &= days >= lo
    if hi is not None:
        keep &= days <= hi
    return days[keep], counts[keep], found.undated
