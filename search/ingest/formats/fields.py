"""Turning a record with named fields (a JSON object, a CSV row) into an Article."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from ..dates import parse_date, parse_numeric_date
from ...models import UNKNOWN_SOURCE, Article
from ..sources import canonical_source, source_from_filename, source_from_text, source_from_url
from .base import Problem, ReadOptions, notice

TITLE_KEYS = ("title", "headline", "headlines", "heading", "head")
BODY_KEYS = ("body", "text", "article", "articles", "content", "story")
DATE_KEYS = ("date", "published", "date formatted", "published date", "publish date",
             "pubdate", "publication date", "published at", "datetime", "created at")
SOURCE_KEYS = ("source", "publisher", "outlet", "site", "source name")
URL_KEYS = ("url", "link", "article url", "web url", "href")
AUTHOR_KEYS = ("authors", "author", "byline", "by")
ID_KEYS = ("id", "article id", "doc id", "docid", "uuid")
_ALL_KNOWN = set(TITLE_KEYS + BODY_KEYS + DATE_KEYS + SOURCE_KEYS + URL_KEYS + AUTHOR_KEYS + ID_KEYS)
MAX_EXTRA_CHARS = 1000


def normal_key(key: str) -> str:
    """``Date Formatted`` -> ``date formatted``; ``published_date`` -> ``published date``."""
    return re.sub(r"[^a-z0-9]+", " ", str(key).lower()).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n\n".join(_text(v) for v in value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _first(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = _text(fields.get(key))
        if value:
            return value
    return ""


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        names = [_text(v) for v in value]
    else:
        text = re.sub(r"^\s*by\s+", "", _text(value), flags=re.I)
        names = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return tuple(n for n in names if n)


def _date(fields: Mapping[str, Any], order: str) -> tuple[Any, str, str]:
    """``(date, the field it came from, an ambiguous value seen)``."""
    ambiguous = ""
    for key in DATE_KEYS:
        value = _text(fields.get(key))
        if not value:
            continue
        date = parse_date(value)
        if date is None:
            date, unsure = parse_numeric_date(value, order)
            if unsure and not order:
                ambiguous = ambiguous or value
        if date:
            return date, key, ambiguous
    return None, "", ambiguous


def article_from_fields(raw: Mapping[str, Any], path: str, line: int,
                        date_order: str = "") -> Article | str:
    """An Article, or the reason (a str) the record cannot be one."""
    article, _ = _article(raw, path, line, date_order)
    return article


def _article(raw: Mapping[str, Any], path: str, line: int, date_order: str) -> tuple[Article | str, str]:
    fields = {normal_key(k): v for k, v in raw.items() if k is not None}
    title = _first(fields, TITLE_KEYS)
    body = _first(fields, BODY_KEYS)
    if not title and not body:
        return "no title and no body text", ""
    date, date_key, ambiguous = _date(fields, date_order)
    url = _first(fields, URL_KEYS)
    given_source = _first(fields, SOURCE_KEYS)
    source = (canonical_source(given_source) if given_source else
              source_from_url(url) or source_from_filename(path) or source_from_text(body)
              or UNKNOWN_SOURCE)
    author_value = next((fields[k] for k in AUTHOR_KEYS if fields.get(k)), "")
    extra = {k: _text(v) for k, v in fields.items()
             if k and k not in _ALL_KNOWN and isinstance(v, (str, int, float, bool))
             and 0 < len(_text(v)) <= MAX_EXTRA_CHARS}
    if date_key:
        extra["date from"] = f"the {date_key!r} field"
    return Article(title=title, body=body, date=date, source=source, url=url,
                   authors=_authors(author_value), extra=extra, origin=f"{path}:{line}",
                   key=_first(fields, ID_KEYS)), ambiguous


class FieldReader:
    """Records of one file (JSON objects, CSV rows) into Articles, remembering what to
    report once for the whole file: dates that could be read day- or month-first."""

    def __init__(self, path: str, options: ReadOptions):
        self.path, self.order = path, options.date_order
        self.ambiguous: list[tuple[int, str]] = []

    def article(self, raw: Mapping[str, Any], line: int) -> Article | str:
        article, ambiguous = _article(raw, self.path, line, self.order)
        if ambiguous and isinstance(article, Article) and article.date is None:
            self.ambiguous.append((line, ambiguous))
        return article

    def notices(self) -> Iterator[Problem]:
        if self.ambiguous:
            line, value = self.ambiguous[0]
            yield notice(self.path, line, f"{len(self.ambiguous):,} dates like {value!r} could be "
                         "day/month or month/day: left undated (use --dayfirst or --monthfirst)")
