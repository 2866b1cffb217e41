"""Input formats: plain-text pages, JSON Lines, CSV; any of them gzipped.

``read_path`` is the one entry point: it picks the format from the file name, reports
files it cannot read as :class:`Problem` records, and never raises for bad input.
"""

from __future__ import annotations

import gzip
import os
import zlib
from typing import Iterator

from .base import SNIFF_BYTES, Format, Problem, Record, open_binary
from .csvfile import CsvFormat
from .jsonl import JsonLinesFormat
from .text import PlainTextFormat

FORMATS: tuple[Format, ...] = (PlainTextFormat(), JsonLinesFormat(), CsvFormat())

__all__ = ["FORMATS", "Format", "Problem", "Record", "format_for", "read_path", "input_files"]


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


def read_path(path: str) -> Iterator[Record]:
    """Every article in one file, and a Problem for each file or line that was skipped."""
    fmt = format_for(path)
    if fmt is None:
        yield Problem(path, None, "unknown format (expected .txt, .jsonl/.json, .csv, optionally .gz)")
        return
    try:
        with open_binary(path) as stream:
            head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
            if not head.strip():
                yield Problem(path, None, "empty file")
                return
            if b"\x00" in head:
                yield Problem(path, None, "binary file, not text")
                return
            yield from fmt.read(path, stream)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Problem(path, None, f"cannot read: {exc}")
