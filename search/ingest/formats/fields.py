"""Turning a record with named fields (a JSON object, a CSV row) into an Article."""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..dates import parse_date
from ...models import UNKNOWN_SOURCE, Article
from ..sources import canonical_source, source_from_filename, source_from_text, source_from_url

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


def article_from_fields(raw: Mapping[str, Any], path: str, line: int) -> Article | str:
    """An Article, or the reason (a str) the record cannot be one."""
    fields = {normal_key(k): v for k, v in raw.items() if k is not None}
    title = _first(fields, TITLE_KEYS)
    body = _first(fields, BODY_KEYS)
    if not title and not body:
        return "no title and no body text"
    date = None
    for key in DATE_KEYS:
        date = parse_date(_text(fields.get(key)))
        if date:
            break
    url = _first(fields, URL_KEYS)
    given_source = _first(fields, SOURCE_KEYS)
    source = (canonical_source(given_source) if given_source else
              source_from_url(url) or source_from_filename(path) or source_from_text(body)
              or UNKNOWN_SOURCE)
    author_value = next((fields[k] for k in AUTHOR_KEYS if fields.get(k)), "")
    extra = {k: _text(v) for k, v in fields.items()
             if k and k not in _ALL_KNOWN and isinstance(v, (str, int, float, bool))
             and 0 < len(_text(v)) <= MAX_EXTRA_CHARS}
    return Article(title=title, body=body, date=date, source=source, url=url,
                   authors=_authors(author_value), extra=extra, origin=f"{path}:{line}",
                   key=_first(fields, ID_KEYS))
