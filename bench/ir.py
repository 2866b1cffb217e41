"""Relevance on the five development collections: our engine and four peers, the same text.

    python -m bench.ir                                  # all five, all engines (~10 min)
    python -m bench.ir --collections news,cacm --engines ours,bm25s
    python -m bench.ir --workdir /tmp/ir                # keep indexes and peer runs for next time

Each collection (``bench.collections``: Cranfield, MED, CACM, NPL, news-queries) is indexed
by every engine; each engine answers every query with the query's text exactly as the
collection gives it, cut at ``DEPTH`` results. Ours runs through ``SearchEngine.search`` with
its defaults, like a user. The peers: SQLite FTS5 (``bench.fts5``), stock Whoosh
(``bench.stock_whoosh``), bm25s and tantivy (``bench.peers``). The table gives MAP, nDCG@10,
P@10 and R@100 per collection (over its judged queries) and the mean of the collections,
with a paired randomisation test of ours against the best peer (by MAP) on MAP and nDCG@10,
and counts the queries where we return nothing but a peer returns a relevant document.

Other code calls :func:`evaluate` (one collection, any engine factory), e.g.::

    from bench import ir
    result = ir.evaluate("news", lambda index_dir: SearchEngine(index_dir))
    result.means["ndcg@10"], result.per_query["q17"]

With ``--workdir`` the indexes of ours (rebuilt with ``--rebuild`` after an analysis change)
and the peers' runs (which do not change) are kept, so a second run costs only our queries.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import collections as colls
from .metrics import MEASURES, per_query, randomisation_test
from .relevance import DEPTH, ours_run, ranking_run

PEERS = ("fts5", "bm25s", "tantivy", "stock")
ENGINES = ("ours",) + PEERS
EngineFactory = Callable[[str], Any]  # index folder -> an object with .search(SearchRequest)


@dataclass
class Result:
    """One engine on one collection."""

    engine: str
    collection: str
    run: dict[str, dict[str, float]] = field(repr=False)
    per_query: dict[str, dict[str, float]] = field(repr=False)
    seconds: float = 0.0

    @property
    def means(self) -> dict[str, float]:
        return {m: statistics.fmean(v[m] for v in self.per_query.values()) for m in MEASURES}

    def empty(self) -> set[str]:
        """Judged queries this engine answered with nothing."""
        return {q for q in self.per_query if not self.run.get(q)}


def _workdir(workdir: str | None, name: str) -> str:
    folder = os.path.join(workdir or tempfile.gettempdir(), name)
    os.makedirs(folder, exist_ok=True)
    return folder


def index_ours(collection: colls.Collection, folder: str, rebuild: bool = False) -> str:
    """Our index of ``collection`` in ``folder/ours`` (reused if built before)."""
    from search.backends.embedded.indexer import index_paths

    index_dir = os.path.join(folder, "ours")
    marker = os.path.join(index_dir, ".bench-complete")
    if rebuild or not os.path.exists(marker):
        shutil.rmtree(index_dir, ignore_errors=True)
        path = os.path.join(folder, f"{collection.name}.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            for doc in collection.docs:
                out.write(json.dumps(doc) + "\n")
        index_paths([path], index_dir, rebuild=True, workers=1)
        open(marker, "w").close()
    return index_dir


def evaluate(collection: colls.Collection | str, engine_factory: EngineFactory | None = None, *,
             workdir: str | None = None, depth: int = DEPTH, rebuild: bool = False) -> Result:
    """Our engine (``engine_factory(index_dir)``, default ``SearchEngine``) on one collection:
    its run, per-query figures and means. The index is built in ``workdir`` (a folder per
    collection, kept; default the system's temporary folder) unless it is there already."""
    if isinstance(collection, str):
        collection = colls.load(collection)
    index_dir = index_ours(collection, _workdir(workdir, collection.name), rebuild)
    started = time.perf_counter()
    run = ours_run(index_dir, collection.judged(), depth, engine_factory=engine_factory)
    return Result("ours", collection.name, run, per_query(run, collection.qrels),
                  time.perf_counter() - started)


def _peer_searcher(name: str, collection: colls.Collection, folder: str):
    from . import fts5, peers, stock_whoosh

    if name == "fts5":
        path = os.path.join(folder, "fts5.db")
        if os.path.exists(path):
            os.remove(path)
        fts5.build(collection.docs, path, entities={})
        return fts5.FtsSearcher(path)
    if name == "stock":
        index_dir = os.path.join(folder, "stock")
        shutil.rmtree(index_dir, ignore_errors=True)
        stock_whoosh.build(collection.docs, index_dir, entities={})
        return stock_whoosh.StockSearcher(index_dir, facets=False)
    if name == "bm25s":
        return peers.Bm25sSearcher(collection.docs)
    if name == "tantivy":
        return peers.TantivySearcher(collection.docs)
    raise ValueError(f"unknown peer {name!r}; choose from {', '.join(PEERS)}")


def evaluate_peer(name: str, collection: colls.Collection | str, *, workdir: str | None = None,
                  depth: int = DEPTH) -> Result:
    """A peer on one collection; its run is kept in the collection's folder and reused."""
    if isinstance(collection, str):
        collection = colls.load(collection)
    folder = _workdir(workdir, collection.name)
    saved = os.path.join(folder, f"run-{name}-{depth}.json")
    started = time.perf_counter()
    if os.path.exists(saved):
        with open(saved, encoding="utf-8") as f:
            run = json.load(f)
    else:
        searcher = _peer_searcher(name, collection, folder)
        run = ranking_run(searcher, collection.judged(), depth)
        searcher.close()
        with open(saved, "w", encoding="utf-8") as f:
            json.dump(run, f)
    return Result(name, collection.name, run, per_query(run, collection.qrels),
                  time.perf_counter() - started)


def compare(results: dict[str, dict[str, Result]], collection: colls.Collection) -> dict[str, Any]:
    """The best peer on ``collection`` (by MAP), the randomisation test of ours against it, and
    the queries where ours returns nothing but some peer returns a relevant document."""
    mine = results["ours"][collection.name]
    peers = {name: r[collection.name] for name, r in results.items() if name != "ours"}
    out: dict[str, Any] = {"best_peer": None, "p": {}, "lost_empty": []}
    if peers:
        best = max(peers.values(), key=lambda r: r.means["map"])
        queries = sorted(mine.per_query)
        out["best_peer"] = best.engine
        for m in ("map", "ndcg@10"):
            out["p"][m] = randomisation_test([mine.per_query[q][m] for q in queries],
                                             [best.per_query[q][m] for q in queries])
    for q in sorted(mine.empty()):
        relevant = {d for d, g in collection.qrels.get(q, {}).items() if g > 0}
        if any(relevant & set(r.run.get(q, {})) for r in peers.values()):
            out["lost_empty"].append(q)
    story = _story_of(collection)
    out["fewer_in_top10"] = {
        by: {peer.engine: [[q, ours, theirs] for q in sorted(mine.per_query)
                           if (ours := relevant_in_top(mine, collection, q, key))
                           < (theirs := relevant_in_top(peer, collection, q, key))]
             for peer in peers.values()}
        for by, key in (("article", None), ("story", story))}
    return out


def _story_of(collection: colls.Collection) -> dict[str, str]:
    """Each document's text (title and body, case and spacing folded): two ids with the same
    text are one story, which our engine lists once (issue 16, "one story once")."""
    return {d["id"]: " ".join(f"{d.get('title', '')} {d.get('body', '')}".lower().split())
            for d in collection.docs}


def relevant_in_top(result: Result, collection: colls.Collection, query: str,
                    story: dict[str, str] | None = None, k: int = 10) -> int:
    """Relevant documents in ``result``'s top ``k`` for ``query``; with ``story``, documents
    of one text count once."""
    ranked = sorted(result.run.get(query, {}).items(), key=lambda item: -item[1])[:k]
    judged = collection.qrels.get(query, {})
    hits = [d for d, _ in ranked if judged.get(d, 0) > 0]
    return len({story.get(d, d) for d in hits}) if story is not None else len(hits)


def table(results: dict[str, dict[str, Result]], names: list[str],
          comparisons: dict[str, dict[str, Any]]) -> str:
    lines = []
    engines = list(results)
    for name in names:
        c = comparisons[name]
        lines.append(f"\n{name} ({len(results['ours'][name].per_query)} judged queries)" if "ours" in results
                     else f"\n{name}")
        lines.append(f"| engine | {' | '.join(MEASURES)} | empty |")
        lines.append("|---" * (len(MEASURES) + 2) + "|")
        for engine in engines:
            r = results[engine][name]
            mark = " (best peer)" if engine == c.get("best_peer") else ""
            lines.append(f"| {engine}{mark} | " + " | ".join(f"{r.means[m]:.3f}" for m in MEASURES)
                         + f" | {len(r.empty())} |")
        if c.get("p"):
            lines.append(f"ours - {c['best_peer']}: " + ", ".join(
                f"{m} {results['ours'][name].means[m] - results[c['best_peer']][name].means[m]:+.3f} "
                f"(p = {p:.3f})" for m, p in c["p"].items()))
        if "ours" in results:
            lines.append(f"ours returns nothing where a peer finds a relevant document: "
                         f"{len(c['lost_empty'])} {c['lost_empty'] or ''}")
            for by, label in (("article", "by article id"), ("story", "a duplicated text counted once")):
                short = {peer: rows for peer, rows in c["fewer_in_top10"][by].items() if rows}
                lines.append(f"queries where ours' top 10 holds fewer relevant documents than a peer's "
                             f"({label}): " + ("; ".join(
                                 f"{peer} {len(rows)}" + (": " + ", ".join(f"{q} {a} < {b}" for q, a, b in rows)
                                                          if len(rows) <= 5 else "")
                                 for peer, rows in short.items()) or "none"))
    lines.append(f"\nmean of {len(names)} collections")
    lines.append(f"| engine | {' | '.join(MEASURES)} |")
    lines.append("|---" * (len(MEASURES) + 1) + "|")
    for engine in engines:
        means = {m: statistics.fmean(results[engine][n].means[m] for n in names) for m in MEASURES}
        lines.append(f"| {engine} | " + " | ".join(f"{means[m]:.3f}" for m in MEASURES) + " |")
    lines.append("\nMAP / nDCG@10 by collection")
    lines.append("| engine | " + " | ".join(names) + " | mean |")
    lines.append("|---" * (len(names) + 2) + "|")
    for engine in engines:
        cells = [f"{results[engine][n].means['map']:.3f} / {results[engine][n].means['ndcg@10']:.3f}"
                 for n in names]
        mean = [statistics.fmean(results[engine][n].means[m] for n in names) for m in ("map", "ndcg@10")]
        lines.append(f"| {engine} | " + " | ".join(cells) + f" | {mean[0]:.3f} / {mean[1]:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ir", description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", default=",".join(colls.NAMES), help="comma-separated, from "
                        + ", ".join(colls.NAMES))
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from "
                        + ", ".join(ENGINES))
    parser.add_argument("--depth", type=int, default=DEPTH, help="results per query (default 1000)")
    parser.add_argument("--workdir", default=None,
                        help="keep indexes and peer runs here and reuse them (default: a temporary folder)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild our indexes in --workdir")
    parser.add_argument("--out", default="bench/results/ir.json", help="per-query figures as JSON")
    args = parser.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    engines = [e for e in args.engines.split(",") if e]
    for n in names:
        if n not in colls.NAMES:
            parser.error(f"unknown collection {n!r}; choose from {', '.join(colls.NAMES)}")
    for e in engines:
        if e not in ENGINES:
            parser.error(f"unknown engine {e!r}; choose from {', '.join(ENGINES)}")
    work = args.workdir or tempfile.mkdtemp(prefix="bench-ir-")
    results: dict[str, dict[str, Result]] = {e: {} for e in engines}
    try:
        for name in names:
            collection = colls.load(name)
            for engine in engines:
                if engine == "ours":
                    r = evaluate(collection, workdir=work, depth=args.depth, rebuild=args.rebuild)
                else:
                    r = evaluate_peer(engine, collection, workdir=work, depth=args.depth)
                results[engine][name] = r
                print(f"{name:10} {engine:8} MAP {r.means['map']:.4f}  nDCG@10 {r.means['ndcg@10']:.4f}"
                      f"  ({r.seconds:.1f} s)", file=sys.stderr, flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    comparisons = {n: compare(results, colls.load(n)) if "ours" in results else {} for n in names}
    print(table(results, names, comparisons))
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"depth": args.depth, "comparisons": comparisons,
                       "results": {e: {n: {"means": r.means, "per_query": r.per_query}
                                       for n, r in by.items()} for e, by in results.items()}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
