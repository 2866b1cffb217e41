"""JSON Lines: one article object per line."""

from __future__ import annotations

import json
from typing import BinaryIO, Iterator

from .base import Format, Problem, Record, decoded_lines
from .fields import article_from_fields


class JsonLinesFormat(Format):
    name = "jsonl"
    suffixes = (".jsonl", ".ndjson", ".json")

    def read(self, path: str, stream: BinaryIO) -> Iterator[Record]:
        for number, line in decoded_lines(stream):
            if line is None:
                yield Problem(path, number, "not valid UTF-8")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError) as exc:
                yield Problem(path, number, f"not valid JSON ({exc})"[:200])
                continue
            if not isinstance(obj, dict):
                yield Problem(path, number, "not a JSON object")
                continue
            result = article_from_fields(obj, path, number)
            yield Problem(path, number, result) if isinstance(result, str) else result
