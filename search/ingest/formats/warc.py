"""Web archives (``.warc``, ``.warc.gz``): every HTML page a crawl fetched is an article,
read with warcio one record at a time (memory stays bounded by one page).

The URL is the record's target; the date is the page's own, else its URL's, else the
day it was crawled (``search show`` says which). Records that are not HTML pages
(requests, metadata, images, PDFs, redirects) are counted and reported, not indexed.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import BinaryIO, Iterator

from ..dates import parse_date
from .base import Format, Problem, ReadOptions, Record, decode, notice
from .html import article_from_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET_RE = re.compile(r"charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def _page_text(payload: bytes, content_type: str) -> str:
    declared = _CHARSET_RE.search(content_type)
    if declared:
        try:
            return payload.decode(declared.group(1), errors="replace")
        except LookupError:
            pass
    return decode(payload)[0]


class WarcFormat(Format):
    name = "warc"
    suffixes = (".warc", ".arc")

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        max_bytes = options.limits.max_record_bytes
        not_pages: Counter[str] = Counter()
        number = 0
        try:
            for record in ArchiveIterator(stream, arc2warc=True):
                number += 1
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                content_type = (http.get_header("Content-Type") or "") if http else ""
                status = http.get_statuscode() if http else ""
                if status != "200" or not content_type.lower().startswith(_HTML_TYPES):
                    kind = content_type.split(";")[0].strip() or "no content type"
                    not_pages[kind if status == "200" else f"HTTP {status or '(no status)'}"] += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                payload = record.content_stream().read(max_bytes + 1)
                if len(payload) > max_bytes:
                    yield Problem(path, number, f"page larger than {max_bytes / 1e6:,.0f} MB: "
                                  f"skipped ({url[:100]})")
                    continue
                article = article_from_html(_page_text(payload, content_type),
                                            f"{path}:{number}", url)
                if isinstance(article, str):
                    yield Problem(path, number, f"{article} ({url[:100]})")
                    continue
                if article.date is None:
                    crawled = parse_date(record.rec_headers.get_header("WARC-Date") or "")
                    if crawled:
                        article = dataclasses.replace(article, date=crawled,
                                                  extra={**article.extra, "date from": "crawl date"})
                yield article
        except ArchiveLoadFailed as exc:
            yield Problem(path, number + 1 if number else None, f"not a WARC record ({exc})"[:200])
        if not_pages:
            kinds = ", ".join(f"{count} {kind}" for kind, count in not_pages.most_common(5))
            yield notice(path, None, f"{sum(not_pages.values())} responses are not HTML pages, "
                         f"not indexed: {kinds}")
