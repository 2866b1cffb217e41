"""What every input format shares: opening (gzip or not) within a byte budget, sniffing
binary and empty files, decoding line by line so that one bad line costs one record, not
the file, and the options a run gives every format."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Union

from ...models import Article
from ...settings import INGEST_LIMITS, IngestLimits

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
UTF8_BOM = b"\xef\xbb\xbf"
#: Tried in this order on bytes that are not UTF-8: cp1252 (Windows "ANSI", a superset of
#: Latin-1's printable range) and then Latin-1, which decodes any byte.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True)
class Problem:
    """A file or a line that could not be indexed, and why; or, with ``skipped=False``, a
    notice about one that was indexed with an assumption (an encoding, a cut)."""

    path: str
    line: int | None
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


def notice(path: str, line: int | None, reason: str) -> Problem:
    return Problem(path, line, reason, skipped=False)


Record = Union[Article, Problem]


@dataclass(frozen=True)
class ReadOptions:
    """What one indexing run tells every format."""

    limits: IngestLimits = INGEST_LIMITS
    #: How to read numeric dates like 12/03/2022: "dayfirst", "monthfirst", or "" (only
    #: unambiguous ones; ambiguous ones are reported and left undated).
    date_order: str = ""
    #: The collection of every article of this run (``--collection``); empty: the folder
    #: the file is in, relative to the root folder it was found under.
    collection: str = ""
    #: The folders given to the run, for the collection of each file.
    roots: tuple[str, ...] = ()


DEFAULT_OPTIONS = ReadOptions()


class Format:
    """An input format. Subclasses read a decompressed byte stream into records."""

    name = ""
    suffixes: tuple[str, ...] = ()
    #: One article a file (a page): its file name may carry its date.
    one_per_file = False

    def accepts(self, name: str) -> bool:
        """``name`` is the file name without a ``.gz`` suffix, lower-cased."""
        return name.endswith(self.suffixes)

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        raise NotImplementedError


class _Capped(io.RawIOBase):
    """A stream that ends after ``limit`` bytes, and knows whether there was more."""

    def __init__(self, inner: BinaryIO, limit: int):
        self.inner, self.remaining, self.cut = inner, limit, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.remaining <= 0:
            self.cut = self.cut or bool(self.inner.read(1))
            return 0
        data = self.inner.read(min(len(buffer), self.remaining))
        buffer[:len(data)] = data
        self.remaining -= len(data)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_binary(path: str, limit: int | None = None) -> BinaryIO:
    """The file's bytes, transparently gunzipped when it starts with the gzip magic, ending
    after ``limit`` unpacked bytes (``stream.raw.cut`` tells whether there was more)."""
    raw: BinaryIO = open(path, "rb")
    if raw.peek(2)[:2] == GZIP_MAGIC:  # type: ignore[attr-defined]
        raw.close()
        raw = gzip.open(path, "rb")  # type: ignore[assignment]
    return io.BufferedReader(_Capped(raw, limit if limit is not None else 1 << 62))  # type: ignore[return-value]


def decode(raw: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 when the bytes are UTF-8, else the first fallback that
    decodes them (the last one decodes anything)."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


class Lines:
    """The decoded lines of a stream, each read with a bounded buffer: a line longer than
    ``max_bytes`` is skipped (read through, never held) and yields None. Lines that are not
    UTF-8 are decoded with a fallback; :meth:`notices` reports both afterwards."""

    def __init__(self, stream: BinaryIO, max_bytes: int):
        self.stream, self.max_bytes = stream, max_bytes
        self.too_long: list[int] = []
        self.fallback: dict[str, list[int]] = {}

    def __iter__(self) -> Iterator[tuple[int, str | None]]:
        number = 0
        while True:
            raw = self.stream.readline(self.max_bytes + 1)
            if not raw:
                return
            number += 1
            if len(raw) > self.max_bytes and not raw.endswith(b"\n"):
                while True:  # read through the rest of the line in bounded chunks
                    chunk = self.stream.readline(1 << 20)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                self.too_long.append(number)
                yield number, None
                continue
            if number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[3:]
            text, encoding = decode(raw)
            if encoding != "utf-8":
                self.fallback.setdefault(encoding, []).append(number)
            yield number, text

    def too_long_reason(self) -> str:
        return f"line longer than {self.max_bytes / 1e6:,.0f} MB: skipped (--max-article-chars)"

    def notices(self, path: str) -> Iterator[Problem]:
        for encoding, numbers in self.fallback.items():
            yield notice(path, numbers[0], encoding_note(encoding, len(numbers)))


def encoding_note(encoding: str, lines: int | None = None) -> str:
    what = f"{lines:,} lines are" if lines is not None else "the file is"
    return f"{what} not valid UTF-8: read as {encoding}"
