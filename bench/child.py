"""One measured step, in its own process (so RSS and cold start belong to that step only).

    python -m bench.child index ENGINE CORPUS OUT [ENTITIES]
    python -m bench.child query ENGINE OUT QUERIES.json REPEATS
    python -m bench.child cold ENGINE OUT
    python -m bench.child entities CORPUS SIDECAR

ENGINE is ``ours``, ``stock`` or ``fts5``. Each prints one JSON object on its last line.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

QUERY_BUDGET_S = 240  # the query set stops here for slow engines (figures cover those answered)


class EntityTable:
    """Entities per story from the sidecar; copies (``r3-17``) share story 17's entities."""

    def __init__(self, path: str):
        self.by_key: dict[str, dict] = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                self.by_key[rec.pop("key")] = rec

    def get(self, doc_id: str, default=None):
        return self.by_key.get(doc_id.split("-", 1)[-1], default)


def _extract(rec: dict) -> dict:
    from .corpus import entity_values

    return {"key": rec["id"].split("-", 1)[-1], **entity_values(rec)}


def entities(corpus: str, sidecar: str) -> dict:
    """Entities of each distinct story, with 2 processes (for the no-extraction variants)."""
    import multiprocessing

    from .corpus import read_jsonl

    seen, todo = set(), []
    for rec in read_jsonl(corpus):
        key = rec["id"].split("-", 1)[-1]
        if key not in seen:
            seen.add(key)
            todo.append(rec)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool, \
            open(sidecar, "w", encoding="utf-8") as out:
        for rec in pool.imap(_extract, todo, chunksize=64):
            out.write(json.dumps(rec) + "\n")
    return {"docs": len(todo), "seconds": time.perf_counter() - started}


def index(engine: str, corpus: str, out: str, sidecar: str | None = None) -> dict:
    from .corpus import read_jsonl

    ents = EntityTable(sidecar) if sidecar else None
    if engine == "ours":
        from search.backends.embedded.indexer import index_paths

        report = index_paths([corpus], out, rebuild=True)
        return {"docs": report.added, "seconds": report.seconds, "problems": len(report.problems)}
    if engine == "stock":
        from . import stock_whoosh
        return stock_whoosh.build(read_jsonl(corpus), out, entities=ents)
    if engine == "fts5":
        from . import fts5
        return fts5.build(read_jsonl(corpus), out, entities=ents)
    raise SystemExit(f"unknown engine {engine}")


def open_engine(engine: str, out: str):
    """A ``search(text) -> (total, hits)`` callable: top 10, highlights, all facet counts."""
    if engine == "ours":
        from search.engine import SearchEngine
        from search.models import SearchRequest

        e = SearchEngine(out)

        def search(text):
            r = e.search(SearchRequest(text=text, per_page=10))
            return r.total, len(r.hits)
        return search
    if engine == "stock":
        from .stock_whoosh import StockSearcher
        s = StockSearcher(out)
    else:
        from .fts5 import FtsSearcher
        s = FtsSearcher(out)

    def search(text):
        r = s.search(text, limit=10)
        return r["total"], len(r["hits"])
    return search


def query(engine: str, out: str, queries_path: str, repeats: int) -> dict:
    from .metrics import percentile
    from .queries import BROAD

    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    search = open_engine(engine, out)
    search("oil")  # open and warm, as a server would be
    passes, slowest = [], []
    deadline = time.perf_counter() + QUERY_BUDGET_S
    for _ in range(repeats):
        times = []
        for text in queries:
            if time.perf_counter() > deadline:
                break  # a slow anchor answers only the first queries (alternating short, long)
            t = time.perf_counter()
            search(text)
            times.append((time.perf_counter() - t) * 1000)
        if not times:
            break
        passes.append({"answered": len(times), "p50": percentile(times, 50), "p95": percentile(times, 95),
                       "max": max(times), "mean": statistics.fmean(times)})
        slowest = sorted(zip(times, queries), reverse=True)[:5]
    broad = {}
    for text in BROAD:
        times, total = [], 0
        for _ in range(max(3, repeats)):
            t = time.perf_counter()
            total, _n = search(text)
            times.append((time.perf_counter() - t) * 1000)
        broad[text] = {"ms": statistics.median(times), "matches": total}
    return {"passes": passes,
            "p50": statistics.median(p["p50"] for p in passes),
            "p95": statistics.median(p["p95"] for p in passes),
            "broad": broad, "slowest": [(round(t, 1), q) for t, q in slowest]}


def cold(engine: str, out: str) -> dict:
    search = open_engine(engine, out)
    total, _ = search("oil")
    return {"seconds_in_process": time.perf_counter() - STARTED, "matches": total}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "index":
        result = index(*args)
    elif command == "query":
        result = query(args[0], args[1], args[2], int(args[3]))
    elif command == "cold":
        result = cold(*args)
    elif command == "entities":
        result = entities(*args)
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
