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


_NUMERIC_RE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d])")
#: ``/2022/03/14/``, ``/2022-03-14-``, ``/20220314/`` in a URL path.
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})([/-]?)(\d{2}|[a-z]{3})\2(\d{2})(?=[/_.-]|$)", re.I)
#: ``20220125T090000Z_GB_en_...``, ``2022-01-25 report``, ``bbc_2022_01_25``: a date not
#: glued to other digits (a hash or an id).
_NAME_DATE_RE = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})([-_.]?)(\d{2})\2(\d{2})(?![0-9])")
DATE_ORDERS = ("dayfirst", "monthfirst")


def parse_numeric_date(text: str | None, order: str = "") -> tuple[dt.date | None, bool]:
    """``12/03/2022`` -> ``(date, ambiguous)``. A day above 12 settles the order; otherwise
    the date is ambiguous and read only with ``order`` ("dayfirst" or "monthfirst"):
    (None, True) without one, rather than a guess."""
    match = _NUMERIC_RE.search(text or "")
    if not match:
        return None, False
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    if first > 12 or second > 12 or first == second:
        day, month = (first, second) if first > 12 or (first == second) else (second, first)
        return _make(year, month, str(day)), False
    if order == "dayfirst":
        return _make(year, second, str(first)), True
    if order == "monthfirst":
        return _make(year, first, str(second)), True
    return None, True


def date_from_url(url: str) -> dt.date | None:
    """``https://site/2022/03/14/slug`` -> 2022-03-14: many sites put the date in the path."""
    from urllib.parse import urlsplit
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    match = _URL_DATE_RE.search(path)
    return _make(match.group(1), match.group(3), match.group(4)) if match else None


def date_from_name(path: str) -> dt.date | None:
    """A date in a file name (crawlers name files by timestamp), not in its folders."""
    import os
    match = _NAME_DATE_RE.search(os.path.basename(path))
    return _make(match.group(1), match.group(3), match.group(4)) if match else None


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
