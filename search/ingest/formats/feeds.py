"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml``): each entry an article, with
feedparser (every RSS and Atom version, and the broken feeds real sites serve).

The source is the feed's publisher: a known outlet in the feed's title or in its link's
domain, else the feed title as written, else the domain.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any, BinaryIO, Iterator

from ...models import UNKNOWN_SOURCE, Article
from ..dates import parse_date
from ..sources import canonical_source, is_known_outlet, source_from_url
from .base import Format, Problem, ReadOptions, Record
from .html import clean_title

_BLOCK_END_RE = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|tr|section|article)\s*>|<br\s*/?>", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
_TITLE_SPLIT_RE = re.compile(r"\s+[|\u2013\u2014:-]\s+")
#: The link feeds put after a summary: "Continue reading...", "Read more »".
_READ_MORE_RE = re.compile(r"\s*(?:continue reading|read more|read the full (?:article|story))\W*$", re.I)


def html_to_text(markup: str) -> str:
    """Paragraphs of an entry's HTML (feedparser has already removed scripts and styles)."""
    text = _TAG_RE.sub("", _BLOCK_END_RE.sub("\n\n", markup))
    paragraphs = (re.sub(r"\s+", " ", html.unescape(p)).strip() for p in text.split("\n\n"))
    return _READ_MORE_RE.sub("", "\n\n".join(p for p in paragraphs if p)).strip()


def feed_source(feed: Any) -> str:
    title = (feed.get("title") or "").strip()
    for part in [title, *_TITLE_SPLIT_RE.split(title)]:
        if part and is_known_outlet(part):
            return canonical_source(part)
    link = feed.get("link") or ""
    known = source_from_url(link)
    if known:
        return known
    if title:
        return title[:100]
    host = re.sub(r"^https?://(www\.)?", "", link).split("/")[0]
    return host or UNKNOWN_SOURCE


def _entry_date(entry: Any) -> tuple[dt.date | None, str]:
    """The day the entry gives (its own time zone's, not UTC's), published before updated."""
    for key in ("published", "updated"):
        date = parse_date(entry.get(key))
        if date:
            return date, f"the feed's {key} date"
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday), f"the feed's {key[:-7]} date"
            except ValueError:
                continue
    return None, ""


def _entry_body(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content") or []]
    best = max(contents + [entry.get("summary") or ""], key=len)
    return html_to_text(best)


class FeedFormat(Format):
    name = "feed"
    suffixes = (".rss", ".atom", ".xml")

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        import feedparser  # only feeds pay for it

        limit = options.limits.max_file_bytes
        data = stream.read(limit + 1)
        if len(data) > limit:
            yield Problem(path, None, f"feed larger than {limit / 1e6:,.0f} MB (--max-file-mb)")
            return
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        if not parsed.entries:
            why = f" ({parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
            yield Problem(path, None, f"no RSS or Atom entries{why}"[:200])
            return
        source = feed_source(parsed.feed)
        site = parsed.feed.get("title") or ""
        for number, entry in enumerate(parsed.entries, start=1):
            link = entry.get("link") or ""
            body = _entry_body(entry)
            title = clean_title(html_to_text(entry.get("title") or ""), site, "")
            if not title and not body:
                yield Problem(path, number, "feed entry without title or text")
                continue
            date, date_from = _entry_date(entry)
            authors = tuple(a.get("name", "").strip() for a in entry.get("authors") or []
                            if a.get("name", "").strip())
            extra = {"date from": date_from} if date else {}
            guid = entry.get("id") or ""
            if guid and guid != link and len(guid) <= 300:
                extra["guid"] = guid
            yield Article(title=title, body=body, date=date, source=source, url=link,
                          authors=authors[:20], extra=extra, origin=f"{path}:{number}")
