"""Dump what ingest reads from files: one TSV row per article (origin, date, source, title,
body length), and a Problem count, so that two checkouts can be compared field by field.

    python -m bench.ingest_fields OUT.tsv PATH...           # with this checkout
    PYTHONPATH=/work/main python -m bench.ingest_fields ...  # with another (read-only)

``diff`` two outputs, or pass ``--compare A.tsv B.tsv`` for counts of what changed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter


def dump(out: str, paths: list[str]) -> None:
    from search.ingest.formats import Problem, input_files, read_path

    started, articles, problems = time.perf_counter(), 0, Counter()
    with open(out, "w", encoding="utf-8") as f:
        for path in input_files(paths):
            if isinstance(path, Problem):
                problems[path.reason] += 1
                continue
            for record in read_path(path):
                if isinstance(record, Problem):
                    problems[record.reason.split(" (")[0]] += 1
                    continue
                articles += 1
                title = record.title.replace("\t", " ").replace("\n", " ")[:120]
                f.write(f"{record.origin}\t{record.date}\t{record.source}\t{title}\t{len(record.body)}\n")
    print(f"{articles} articles, {sum(problems.values())} problems in "
          f"{time.perf_counter() - started:.1f} s: {dict(problems.most_common(8))}")


def compare(a: str, b: str) -> None:
    def rows(name: str) -> dict[str, list[str]]:
        with open(name, encoding="utf-8") as f:
            return {r[0]: r[1:] for r in (line.rstrip("\n").split("\t") for line in f)}
    before, after = rows(a), rows(b)
    changed = Counter()
    for key in before.keys() & after.keys():
        for name, x, y in zip(("date", "source", "title", "body chars"), before[key], after[key]):
            if x != y:
                changed[name] += 1
    dated = lambda rs: sum(r[0] != "None" for r in rs.values())  # noqa: E731
    print(f"before {len(before)} articles ({dated(before)} dated), after {len(after)} "
          f"({dated(after)} dated); only before {len(before.keys() - after.keys())}, only after "
          f"{len(after.keys() - before.keys())}; changed among common: {dict(changed)}")
    for name, rs in (("before", before), ("after", after)):
        print(f"  sources {name}: {dict(Counter(r[1] for r in rs.values()).most_common(6))}")


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        dump(sys.argv[1], sys.argv[2:])
