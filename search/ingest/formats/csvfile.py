"""CSV with a header row; columns are matched by their common names, and the delimiter
(``,`` ``;`` tab ``|``) is sniffed from the first lines."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO, Iterator

from .base import SNIFF_BYTES, Format, Lines, Problem, ReadOptions, Record, decode
from .fields import BODY_KEYS, TITLE_KEYS, FieldReader, normal_key

DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(head: str, default: str) -> str:
    """The delimiter that splits the header into the most columns the next rows agree
    with; ``default`` when no candidate splits anything. Counting whole rows (quotes
    respected) rather than characters keeps commas inside quoted text from voting."""
    lines = head.splitlines()[:-1] or head.splitlines()  # the last line may be cut short
    sample = "\n".join(lines[:30])
    best, best_score = default, (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows[1:]) if len(rows) > 1 else 1
        score = (agree, width) if delimiter != default else (agree, width + 0.5)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class CsvFormat(Format):
    name = "csv"
    suffixes = (".csv", ".tsv")

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        max_bytes = options.limits.max_record_bytes
        csv.field_size_limit(max_bytes)
        lines = Lines(stream, max_bytes)
        too_long: list[int] = lines.too_long

        def texts() -> Iterator[str]:
            for _, line in lines:
                yield "\n" if line is None else line

        default = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","
        head = decode(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])[0]  # type: ignore[attr-defined]
        delimiter = sniff_delimiter(head.lstrip("\ufeff"), default)
        reader = csv.reader(texts(), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            yield Problem(path, None, "empty file")
            return
        except csv.Error as exc:
            yield Problem(path, 1, f"malformed CSV header ({exc})")
            return
        keys = {normal_key(h) for h in header}
        if not keys & set(TITLE_KEYS + BODY_KEYS):
            yield Problem(path, 1, "no title or body column in the header "
                          f"(columns: {', '.join(h for h in header if h)[:200]})")
            return
        fields = FieldReader(path, options)
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield Problem(path, start, f"malformed CSV ({exc})"[:300])
                start = reader.line_num + 1
                continue
            end, first = reader.line_num, start
            start = end + 1
            if any(first <= n <= end for n in too_long[-8:]):
                yield Problem(path, first, lines.too_long_reason())
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Problem(path, first, f"{len(row)} fields where the header has {len(header)}")
                continue
            result = fields.article(dict(zip(header, row)), first)
            yield Problem(path, first, result) if isinstance(result, str) else result
        yield from lines.notices(path)
        yield from fields.notices()
