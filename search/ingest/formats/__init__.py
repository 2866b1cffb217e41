"""Input formats: plain-text pages, JSON Lines, CSV, HTML pages, RSS/Atom feeds, WARC web
archives; any of them gzipped.

``read_path`` is the one entry point: it picks the format from the file name, reports
files it cannot read as :class:`Problem` records, and never raises for bad input. What
every format shares is done here once: the byte budget of a file, the length of an
article, the collection, and dates from a URL or file name when the content gives none.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import zlib
from typing import Iterator

from ...models import UNKNOWN_SOURCE, Article
from ..dates import date_from_name, date_from_url
from ..sources import canonical_source, is_known_outlet
from .base import (DEFAULT_OPTIONS, SNIFF_BYTES, Format, Problem, ReadOptions, Record, notice,
                   open_binary)
from .csvfile import CsvFormat
from .feeds import FeedFormat
from .html import HtmlFormat
from .jsonl import JsonLinesFormat
from .text import PlainTextFormat
from .warc import WarcFormat

FORMATS: tuple[Format, ...] = (PlainTextFormat(), JsonLinesFormat(), CsvFormat(), HtmlFormat(),
                               FeedFormat(), WarcFormat())
SUFFIXES = ", ".join(s for f in FORMATS for s in f.suffixes)
#: An article's date, and where it came from (shown by ``search show``).
DATE_FROM = "date from"

__all__ = ["FORMATS", "Format", "Problem", "ReadOptions", "Record", "format_for", "read_path",
           "input_files"]


def format_for(path: str) -> Format | None:
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return next((f for f in FORMATS if f.accepts(name)), None)


def input_files(paths: list[str]) -> Iterator[str | Problem]:
    """Files under ``paths`` (folders recursively, sorted), or a Problem for what is missing."""
    for path in paths:
        if os.path.isdir(path):
            errors: list[OSError] = []  # folders that cannot be listed: reported, not skipped silently
            for folder, dirs, files in os.walk(path, onerror=errors.append):
                yield from _unlisted(errors)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(folder, name)
            yield from _unlisted(errors)
        elif os.path.exists(path):
            yield path
        else:
            yield Problem(path, None, "no such file or folder")


def _unlisted(errors: list[OSError]) -> Iterator[Problem]:
    while errors:
        exc = errors.pop(0)
        yield Problem(exc.filename or "?", None, f"cannot read folder: {exc.strerror}")


def collection_of(path: str, options: ReadOptions) -> str:
    """``--collection``, else the file's folder relative to the folder it was found under
    (``sport`` for ``bbc/sport/001.txt`` under ``bbc``), else that folder's own name."""
    if options.collection:
        return options.collection
    folder = os.path.dirname(os.path.abspath(path))
    roots = [os.path.abspath(r) for r in options.roots]
    under = [r for r in roots if folder == r or folder.startswith(r.rstrip(os.sep) + os.sep)]
    if not under:
        return os.path.basename(folder)
    root = max(under, key=len)
    relative = os.path.relpath(folder, root)
    return os.path.basename(root) if relative == "." else relative.replace(os.sep, "/")


def _folders(path: str, options: ReadOptions) -> list[str]:
    """The file's folders, nearest first, up to the indexed folder it was found under."""
    folder = os.path.dirname(os.path.abspath(path))
    roots = [os.path.abspath(r) for r in options.roots]
    root = max((r for r in roots if folder == r or folder.startswith(r.rstrip(os.sep) + os.sep)),
               key=len, default=folder)
    names = os.path.relpath(folder, os.path.dirname(root)).split(os.sep)
    return [n for n in reversed(names) if n not in (".", "..")]


def source_from_folder(path: str, options: ReadOptions) -> str | None:
    """``bbc/sport/095.txt`` -> BBC: a folder named after an outlet is how users file them."""
    return next((canonical_source(n) for n in _folders(path, options) if is_known_outlet(n)), None)


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a paragraph, else a word, boundary."""
    head = text[:limit]
    for separator in ("\n\n", "\n", " "):
        at = head.rfind(separator)
        if at > limit * 0.8:
            return head[:at].rstrip()
    return head


def _finish(article: Article, path: str, fmt: Format, options: ReadOptions,
            collection: str) -> Iterator[Record]:
    """The article within the limits, with its collection, and a date from its URL or file
    name when its content gave none (saying where each date came from)."""
    changes: dict = {"collection": collection}
    extra = article.extra
    # A folder named after an outlet outranks credits read in a page's text (which may be a
    # quoted agency), and fills in what other formats left unknown.
    if fmt.name == "text" or article.source == UNKNOWN_SOURCE:
        folder_source = source_from_folder(path, options)
        if folder_source:
            changes["source"] = folder_source
    if article.date is None:
        date, origin = date_from_url(article.url) if article.url else None, "URL"
        if date is None and fmt.one_per_file:
            date, origin = date_from_name(path), "file name"
        if date is not None:
            changes["date"] = date
            extra = {**extra, DATE_FROM: origin}
    limit = options.limits.max_article_chars
    if len(article.body) > limit:
        yield notice(path, _line(article), f"article of {len(article.body):,} characters cut to "
                     f"{limit:,} (--max-article-chars)")
        changes["body"] = _cut(article.body, limit)
    if len(article.title) > 1000:
        changes["title"] = _cut(article.title, 1000) + "\u2026"
    if extra is not article.extra:
        changes["extra"] = extra
    yield dataclasses.replace(article, **changes)


def _line(article: Article) -> int | None:
    tail = article.origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def read_path(path: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    """Every article in one file, and a Problem for each file or line that was skipped (or,
    not skipped, for each assumption made: an encoding, an article cut to the limit)."""
    fmt = format_for(path)
    if fmt is None:
        yield Problem(path, None, f"unknown format (expected {SUFFIXES}, optionally .gz)")
        return
    collection = collection_of(path, options)
    limit = options.limits.max_file_bytes
    try:
        with open_binary(path, limit) as stream:
            head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
            if not head.strip():
                yield Problem(path, None, "empty file")
                return
            if b"\x00" in head and fmt.name != "warc":
                yield Problem(path, None, "binary file, not text")
                return
            for record in fmt.read(path, stream, options):
                if isinstance(record, Article):
                    yield from _finish(record, path, fmt, options, collection)
                else:
                    yield record
            if stream.raw.cut:  # type: ignore[attr-defined]
                yield Problem(path, None, f"larger than {limit / 1e6:,.0f} MB unpacked: the rest "
                              "of the file was skipped (--max-file-mb)")
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Problem(path, None, f"cannot read: {exc}")
