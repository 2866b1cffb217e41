"""Saved web pages (``.html``, ``.htm``): the article text, title, date, authors and site
from the page, with trafilatura (main-text extraction with boilerplate removal, and the
page's metadata: Open Graph, JSON-LD, ``<meta>``, ``<time>``, bylines).

The title loses what sites append to it (`` | Reuters``, `` - BBC News``); the source is
the site the page names (``og:site_name``, JSON-LD publisher) or its domain, never a name
the text quotes. WARC archives (``warc.py``) reuse :func:`article_from_html`.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from ...models import UNKNOWN_SOURCE, Article
from ..dates import date_from_url, parse_date
from ..sources import canonical_source, source_from_url, is_known_outlet
from .base import Format, Problem, ReadOptions, Record
from .text import lead_sentence, read_page_text

#: Only dates the page states: no guessing from its text ("© 2023" is no publication date).
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_CHARSET_RE = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)
_SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_TITLE_SEPARATORS_RE = re.compile(r"\s+(?:[|\u2013\u2014\u00b7:]{1,2}|-{1,2}|::)\s+")


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _host_words(host: str) -> set[str]:
    host = re.sub(r"^(www|m|amp|edition|eu|uk|us)\.", "", host.lower())
    return {_squash(part) for part in host.split(".")[:-1] if len(part) > 1}


def clean_title(title: str, site: str = "", host: str = "") -> str:
    """The headline without the site name sites add before or after it: a part, split on
    `` | `` `` - `` `` — ``, that is the site name, its domain, or a known outlet."""
    parts = _TITLE_SEPARATORS_RE.split(title.strip())
    if len(parts) < 2:
        return title.strip()
    names = {_squash(site)} | _host_words(host) if site or host else set()
    names.discard("")

    def is_site(part: str) -> bool:
        key = _squash(part)
        return bool(key) and (key in names or any(n and (key.startswith(n) or n.startswith(key))
                                                    for n in names if len(n) > 2)
                              or (len(part.split()) <= 4 and is_known_outlet(part)))
    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    return " - ".join(parts) if len(parts) > 1 else parts[0]


_TITLE_TAG_RE = re.compile(r"<title[^>]*>([^<]{1,500})</title>", re.I)


def _site_from_title_tag(html: str, headline: str) -> str:
    """``<title>Headline - Kyiv Independent</title>`` and the headline known from the page:
    what the ``<title>`` adds is the site's name (when short, as names are)."""
    import html as html_lib
    match = _TITLE_TAG_RE.search(html[:65536])
    if not match or not headline:
        return ""
    parts = _TITLE_SEPARATORS_RE.split(html_lib.unescape(match.group(1)).strip())
    if len(parts) < 2:
        return ""
    if _squash(parts[0]) == _squash(headline) and len(parts[-1].split()) <= 5:
        return parts[-1].strip()
    if _squash(parts[-1]) == _squash(headline) and len(parts[0].split()) <= 5:
        return parts[0].strip()
    return ""


def _paragraphs(text: str) -> str:
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def article_from_html(html: str, origin: str, url: str = "") -> Article | str:
    """An Article from one HTML page, or the reason it holds none."""
    import trafilatura  # imported here: only HTML and WARC inputs pay for it

    if not url:
        saved = _SAVED_FROM_RE.search(html[:4096])
        url = saved.group(1) if saved else ""
    try:
        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True,
                                          include_comments=False, include_tables=True,
                                          date_extraction_params=_DATE_PARAMS)
    except (ValueError, TypeError, AttributeError) as exc:  # lxml on broken markup
        return f"cannot extract the page ({exc})"[:200]
    if doc is None or not (doc.text or "").strip():
        return "no article text found in the page"
    page_url = doc.url or url
    host = doc.hostname or ""
    site = (doc.sitename or "").strip() or _site_from_title_tag(html, doc.title or "")
    body = _paragraphs(doc.text)
    title = clean_title(doc.title or "", site, host) or lead_sentence(body)
    if body.startswith(title + "\n\n"):  # the page's <h1>, kept by the extractor
        body = body[len(title) + 2:]
    date = parse_date(doc.date) if doc.date else None
    extra = {}
    if date:
        extra["date from"] = "URL" if date == date_from_url(page_url or "") else "page metadata"
    source = (canonical_source(site) if site and not site.startswith(("http", "www.")) else
              source_from_url(page_url) or re.sub(r"^www\.", "", host) or UNKNOWN_SOURCE)
    authors = tuple(a.strip() for a in re.split(r";|\band\b", doc.author or "") if a.strip())
    return Article(title=title, body=body, date=date, source=source, url=page_url or "",
                   authors=authors[:20], extra=extra, origin=origin)


class HtmlFormat(Format):
    name = "html"
    suffixes = (".html", ".htm", ".xhtml", ".shtml")
    one_per_file = True

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        declared = _CHARSET_RE.search(stream.peek(4096)[:4096])  # type: ignore[attr-defined]
        charset = declared.group(1).decode("ascii").lower() if declared else ""
        if charset in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
            charset = "cp1252"  # as browsers read them
        text, notes = read_page_text(path, stream, options.limits.max_record_bytes,
                                     "" if charset in ("utf-8", "utf8") else charset)
        yield from notes
        article = article_from_html(text, path)
        yield article if isinstance(article, Article) else Problem(path, None, article)
