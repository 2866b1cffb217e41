"""Lenient parsing of the dates news files carry, to day precision."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import InvalidParameterError

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR_RE = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def _make(year: str, month: str | int, day: str) -> dt.date | None:
    if isinstance(month, str):
        month = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date if 1800 <= date.year <= 2200 else None


def parse_date(text: str | None) -> dt.date | None:
    """``2022-02-24T06:24:27Z``, ``2022/3/2``, ``Wednesday, 23 February 2022``,
    ``February 23, 2022``, ``20220223``... -> a date; anything else -> None."""
    if not text:
        return None
    text = text.strip()
    for regex, order in ((_ISO_RE, (0, 1, 2)), (_COMPACT_RE, (0, 1, 2)),
                         (_DAY_MONTH_YEAR_RE, (2, 1, 0)), (_MONTH_DAY_YEAR_RE, (2, 0, 1))):
        match = regex.search(text)
        if match:
            groups = match.groups()
            date = _make(*(groups[i] for i in order))
            if date:
                return date
    return None


def parse_date_param(text: str, name: str, *, end: bool = False) -> dt.date:
    """A user-supplied ``--since``/``--until`` value: ``YYYY``, ``YYYY-MM`` or a full date.

    ``end=True`` takes the last day of a year or month (``--until 2023`` means through 2023-12-31).
    """
    value = text.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if match:
        year, month = int(match.group(1)), match.group(2)
        if year < dt.MINYEAR:  # (9999 is the largest four digits can say)
            raise InvalidParameterError(
                f"{name}: {text!r} is not a date: years run from 0001 to 9999, e.g. 2023-04-21.")
        if match.group(3) is not None:  # any year a user asks for, not only those news carry
            try:
                return dt.date(year, int(month), int(match.group(3)))
            except ValueError:
                raise InvalidParameterError(
                    f"{name}: {text!r} is not a date: no such day. Use YYYY-MM-DD, e.g. 2023-04-21."
                ) from None
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(month)
        if 1 <= month <= 12:
            if not end:
                return dt.date(year, month, 1)
            if month == 12:
                return dt.date(year, 12, 31)
            return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    date = parse_date(value)
    if date is None:
        raise InvalidParameterError(
            f"{name}: {text!r} is not a date. Use YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2023-04-21.")
    return date
