"""Export and follow a search: CSV and JSON Lines of every matching article (streamed, so
memory stays flat however many match), an Atom feed and a JSON Feed of the newest. Shared
by the pages (/export.csv, /feed) and the API (/api/export, /api/feed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import replace
from typing import Any, Iterator
from xml.etree import ElementTree as ET

from flask import Response, stream_with_context

from search.engine import SearchEngine
from search.errors import InvalidParameterError
from search.models import SearchRequest, StoredArticle

FORMATS = ("csv", "jsonl")
CSV_COLUMNS = ("id", "date", "source", "title", "url", "authors", "persons", "systems", "orgs",
               "places", "body")
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _record(article: StoredArticle) -> dict[str, Any]:
    d = article.to_dict()
    return {"id": d["id"], "date": d["date"], "source": d["source"], "title": d["title"],
            "url": d["url"], "authors": d["authors"], "persons": d["persons"],
            "systems": d["systems"], "orgs": d["orgs"], "places": d["places"],
            "roles": d["roles"], "body": d["body"]}


def _cell(value: Any) -> str:
    """A spreadsheet cell: lists joined with "; ", and text that a spreadsheet would run as a
    formula (=, +, -, @) prefixed with ' (article text is untrusted)."""
    text = "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _csv_lines(articles: Iterator[StoredArticle]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so a spreadsheet reads UTF-8
    writer.writerow(CSV_COLUMNS)
    for i, article in enumerate(articles):
        record = _record(article)
        writer.writerow([_cell(record[c]) for c in CSV_COLUMNS])
        if i % 50 == 49:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(articles: Iterator[StoredArticle]) -> Iterator[str]:
    for article in articles:
        yield json.dumps(_record(article), ensure_ascii=False) + "\n"


def export_response(engine: SearchEngine, request: SearchRequest, fmt: str) -> Response:
    """Every article the request matches (not just a page), streamed."""
    if fmt not in FORMATS:
        raise InvalidParameterError(f"format must be one of {', '.join(FORMATS)}, not {fmt[:20]!r}.")
    articles = engine.iter_articles(request)
    stamp = dt.date.today().isoformat()
    if fmt == "csv":
        body, mimetype = _csv_lines(articles), "text/csv; charset=utf-8"
    else:
        body, mimetype = _jsonl_lines(articles), "application/x-ndjson; charset=utf-8"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="news-search-{stamp}.{fmt}"'
    return response


def newest(engine: SearchEngine, request: SearchRequest):
    """The newest matching articles (a feed reader wants the latest, not the best)."""
    return engine.search(replace(request, sort="date", page=1, per_page=FEED_SIZE, highlights=1))


def _clean(text: str) -> str:
    return _XML_BAD.sub("", text or "")


def _timestamp(date: str | None, fallback: str) -> str:
    return f"{date}T00:00:00Z" if date else fallback


def atom_feed(results, *, title: str, self_url: str, html_url: str, article_url) -> bytes:
    """An Atom 1.0 document (RFC 4287) built with ElementTree: every text is escaped, and
    characters XML cannot carry are dropped."""
    ET.register_namespace("", ATOM)
    updated_fallback = "1970-01-01T00:00:00Z"
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _clean(title)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _clean(self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=_clean(self_url))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=_clean(html_url))
    newest_date = next((h.date for h in results.hits if h.date), None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _timestamp(newest_date, updated_fallback)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "News search"
    for hit in results.hits:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = article_url(hit.id)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _clean(url)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _clean(hit.title or "(untitled)")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=_clean(url))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(hit.date, updated_fallback)
        source = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(source, f"{{{ATOM}}}name").text = _clean(hit.source or "unknown")
        summary = " … ".join(h.text for h in hit.highlights)
        if summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _clean(summary)
        for kind, names in (("person", hit.persons), ("system", hit.systems),
                            ("org", hit.orgs), ("place", hit.places)):
            for name in names:
                ET.SubElement(entry, f"{{{ATOM}}}category", term=_clean(name), label=kind)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                     xml_declaration=False)


def json_feed(results, *, title: str, self_url: str, html_url: str, article_url) -> dict[str, Any]:
    """The same feed as JSON Feed 1.1 (jsonfeed.org), for scripts."""
    return {"version": "https://jsonfeed.org/version/1.1", "title": title,
            "home_page_url": html_url, "feed_url": self_url,
            "items": [{"id": hit.id, "url": article_url(hit.id), "title": hit.title,
                       "date_published": _timestamp(hit.date, "") or None,
                       "authors": [{"name": hit.source}],
                       "summary": " … ".join(h.text for h in hit.highlights),
                       "tags": [*hit.persons, *hit.systems, *hit.orgs, *hit.places]}
                      for hit in results.hits]}
