"""JSON Lines: one article object per line."""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

from .base import Format, Lines, Problem, ReadOptions, Record
from .fields import FieldReader

#: Deeper than this, a record is no article: nesting is refused before anything walks it
#: recursively (str(), pickling to the workers), which would overflow the stack.
MAX_JSON_DEPTH = 32


def nesting_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion and
    giving up past ``limit``."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        children = []
        for item in level:
            if isinstance(item, dict):
                children.extend(item.values())
            elif isinstance(item, list):
                children.extend(item)
        level = children
    return depth - 1 if not level else depth


class JsonLinesFormat(Format):
    name = "jsonl"
    suffixes = (".jsonl", ".ndjson", ".json")

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        lines = Lines(stream, options.limits.max_record_bytes)
        fields = FieldReader(path, options)
        for number, line in lines:
            if line is None:
                yield Problem(path, number, lines.too_long_reason())
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except RecursionError:
                yield Problem(path, number, "JSON nested too deeply to read")
                continue
            except ValueError as exc:
                yield Problem(path, number, f"not valid JSON ({exc})"[:200])
                continue
            if not isinstance(obj, dict):
                yield Problem(path, number, "not a JSON object")
                continue
            if nesting_depth(obj) > MAX_JSON_DEPTH:
                yield Problem(path, number, f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
                continue
            result = fields.article(obj, number)
            yield Problem(path, number, result) if isinstance(result, str) else result
        yield from lines.notices(path)
        yield from fields.notices()
