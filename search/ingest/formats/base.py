"""What every input format shares: opening (gzip or not), sniffing binary and empty
files, decoding line by line so that one bad line costs one record, not the file."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Union

from ...models import Article

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Problem:
    """A file or a line that could not be indexed, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


Record = Union[Article, Problem]


class Format:
    """An input format. Subclasses read a decompressed byte stream into records."""

    name = ""
    suffixes: tuple[str, ...] = ()

    def accepts(self, name: str) -> bool:
        """``name`` is the file name without a ``.gz`` suffix, lower-cased."""
        return name.endswith(self.suffixes)

    def read(self, path: str, stream: BinaryIO) -> Iterator[Record]:
        raise NotImplementedError


def open_binary(path: str) -> BinaryIO:
    """The file's bytes, transparently gunzipped when it starts with the gzip magic."""
    raw = open(path, "rb")
    if raw.peek(2)[:2] != GZIP_MAGIC:
        return raw
    raw.close()
    return io.BufferedReader(gzip.open(path, "rb"))  # type: ignore[arg-type]


def decoded_lines(stream: BinaryIO) -> Iterator[tuple[int, str | None]]:
    """``(line number, text)`` for each line; text is None where the bytes are not UTF-8."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None
