"""Embedded index and a 2-node OpenSearch cluster side by side, in one run.

    python -m bench.opensearch [--copies 5] [--workers 2] [--queries 200]
                               [--backend opensearch://127.0.0.1:9200/bench-reuters]

Reuters-21578 copied ``--copies`` times (x5: ~108k articles) is indexed into both backends
with our ingest and entity extraction in ``--workers`` processes (docs/s, wall clock, index
size), then the same fixed queries (``bench/queries.py``: 100 short, 100 sentences) run
one after another on each with facets and highlights, as the web app asks them (p50/p95
ms, after a warm-up pass). The cluster comes from ``scripts/opensearch-cluster.sh start``
(2 nodes, 512 MB heaps, 2 shards, 1 replica). Both backends show one story once (the
copies of a Reuters story are near-duplicates): the cluster's loading includes linking
each article to its story (``search/backends/opensearch/stories.py``). Figures are printed
and written to ``bench/results/opensearch-x{copies}.json``; compare them as ratios within
one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time

from .corpus import read_jsonl, write_reuters
from .metrics import percentile
from .queries import make_queries


def _dir_size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def _latencies(engine, queries: list[str]) -> dict:
    """Each query once, as the web app asks it (facets, highlights, "did you mean", the
    time budget: a query past it counts as timed out, its time as spent)."""
    from search.errors import QueryTimeoutError
    from search.models import SearchRequest

    for q in queries[:20]:  # warm-up: caches, connections
        try:
            engine.search(SearchRequest(text=q))
        except QueryTimeoutError:
            pass
    times, totals, timed_out, partial = [], [], 0, 0
    for q in queries:
        started = time.perf_counter()
        try:
            results = engine.search(SearchRequest(text=q))
            totals.append(results.total)
            partial += any("may be incomplete" in w for w in results.warnings)
        except QueryTimeoutError:
            totals.append(None)
            timed_out += 1
        times.append((time.perf_counter() - started) * 1000)
    return {"queries": len(queries), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "timed_out": timed_out, "partial": partial, "totals": totals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N Reuters stories.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", default="opensearch://127.0.0.1:9200/bench-reuters")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "news-search-bench"))
    args = parser.parse_args(argv)

    from search.backends.embedded.indexer import index_paths
    from search.backends.opensearch.connection import parse_address
    from search.backends.opensearch.engine import OpenSearchEngine
    from search.backends.opensearch.loader import index_into_cluster
    from search.engine import SearchEngine

    corpus = write_reuters(os.path.join(args.work, "corpus"), args.copies, args.limit)
    queries = make_queries(read_jsonl(corpus), args.queries)
    results: dict = {"copies": args.copies, "workers": args.workers, "cores": os.cpu_count()}
    out = os.path.join(os.path.dirname(__file__), "results", f"opensearch-x{args.copies}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)

    def save() -> None:  # after each phase: a long run that is stopped keeps what it measured
        with open(out, "w") as f:
            json.dump(results, f, indent=2)

    index_dir = os.path.join(args.work, f"embedded-x{args.copies}")
    shutil.rmtree(index_dir, ignore_errors=True)
    report = index_paths([corpus], index_dir, rebuild=True, workers=args.workers)
    results["embedded"] = {"docs": report.total, "seconds": report.seconds,
                           "docs_per_s": report.added / report.seconds, "size_bytes": _dir_size(index_dir)}
    print(f"embedded: {report.total:,} articles in {report.seconds:.0f} s "
          f"({results['embedded']['docs_per_s']:.0f}/s), {results['embedded']['size_bytes'] / 1e6:.0f} MB",
          flush=True)
    save()

    address = parse_address(args.backend)
    shown = [0]

    def progress(p) -> None:
        if p.articles >= shown[0] + 10_000:
            shown[0] = p.articles
            print(f"  opensearch: {p.articles:,} articles loaded", flush=True)

    report = index_into_cluster([corpus], address, rebuild=True, workers=args.workers, on_progress=progress)
    cluster = OpenSearchEngine(address)
    cluster.client.indices.forcemerge(index=address.index, max_num_segments=5, request_timeout=600)
    store = cluster.client.indices.stats(index=address.index, metric="store")["_all"]
    state = cluster._state()
    results["opensearch"] = {"docs": report.total, "seconds": report.seconds, "story_copies": state[1],
                             "docs_per_s": report.added / report.seconds,
                             "size_bytes": store["primaries"]["store"]["size_in_bytes"],
                             "size_bytes_with_replicas": store["total"]["store"]["size_in_bytes"],
                             "shards": address.shards, "replicas": address.replicas}
    print(f"opensearch: {report.total:,} articles in {report.seconds:.0f} s "
          f"({results['opensearch']['docs_per_s']:.0f}/s), {results['opensearch']['size_bytes'] / 1e6:.0f} MB "
          f"of primaries, {state[1]:,} linked to an earlier copy's story", flush=True)
    save()

    for name, engine in (("embedded", SearchEngine(index_dir)), ("opensearch", cluster)):
        results[name].update(_latencies(engine, queries))
        print(f"{name}: p50/p95 {results[name]['p50_ms']:.1f}/{results[name]['p95_ms']:.1f} ms", flush=True)
    pairs = [(a, b) for a, b in zip(results["embedded"].pop("totals"), results["opensearch"].pop("totals"))
             if a is not None and b is not None]
    same = sum(a == b for a, b in pairs)
    # (the cluster's count of stories is a cardinality estimate: off by one or two at times)
    close = sum(abs(a - b) <= max(2, a // 1000) for a, b in pairs)
    results["same_totals"] = f"{same}/{len(queries)}"
    results["totals_within_0.1%"] = f"{close}/{len(queries)}"

    print(f"\nReuters x{args.copies}, {args.workers} worker processes, {os.cpu_count()} cores")
    print(f"{'':12}{'articles':>10}{'docs/s':>9}{'index MB':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for name in ("embedded", "opensearch"):
        r = results[name]
        print(f"{name:12}{r['docs']:>10,}{r['docs_per_s']:>9.0f}{r['size_bytes'] / 1e6:>10.0f}"
              f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    print(f"same totals on {results['same_totals']} queries, within 0.1 % (or 2) on "
          f"{results['totals_within_0.1%']} (facets and highlights on every query)")
    for name in ("embedded", "opensearch"):
        r = results[name]
        print(f"{name}: {r['timed_out']} queries past the time budget, {r['partial']} answered partly")
    print(f"cluster: {results['opensearch']['story_copies']:,} articles linked to an earlier copy's story")
    save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
