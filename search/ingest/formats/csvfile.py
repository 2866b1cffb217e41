"""CSV with a header row; columns are matched by their common names."""

from __future__ import annotations

import csv
import sys
from typing import BinaryIO, Iterator

from .base import Format, Problem, Record, decoded_lines
from .fields import BODY_KEYS, TITLE_KEYS, article_from_fields, normal_key

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class CsvFormat(Format):
    name = "csv"
    suffixes = (".csv", ".tsv")

    def read(self, path: str, stream: BinaryIO) -> Iterator[Record]:
        bad_lines: list[int] = []

        def lines() -> Iterator[str]:
            for number, line in decoded_lines(stream):
                if line is None:
                    bad_lines.append(number)
                    yield "\n"
                else:
                    yield line

        delimiter = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","
        reader = csv.reader(lines(), delimiter=delimiter)
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
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Problem(path, start, f"malformed CSV ({exc})")
                start = reader.line_num + 1
                continue
            end, first = reader.line_num, start
            start = end + 1
            if any(first <= n <= end for n in bad_lines):
                yield Problem(path, first, "not valid UTF-8")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Problem(path, first, f"{len(row)} fields where the header has {len(header)}")
                continue
            result = article_from_fields(dict(zip(header, row)), path, first)
            yield Problem(path, first, result) if isinstance(result, str) else result
