"""Cranfield MAP and nDCG@10 for our engine (through its own pipeline), stock Whoosh and FTS5.

Each engine indexes the same ``cranfield.jsonl`` (title + abstract) and answers the 225
queries; runs are cut at ``DEPTH`` results and scored by pytrec_eval over the 225 judged
queries (MAP: any graded judgment is relevant; nDCG@10: gain 5 - code).
"""

from __future__ import annotations

import os
import tempfile

from . import cranfield, fts5, stock_whoosh
from .corpus import read_jsonl, write_cranfield
from .metrics import evaluate

DEPTH = 1000


def ours_run(index_dir: str, queries: dict[str, str], depth: int = DEPTH,
             engine_factory=None) -> dict[str, dict[str, float]]:
    """Ranked ids per query from ``SearchEngine.search`` with the product's defaults (or
    from ``engine_factory(index_dir)``), paging 100 at a time (``SearchRequest`` caps
    ``per_page`` at 100)."""
    from search.engine import SearchEngine
    from search.models import SearchRequest

    engine = (engine_factory or SearchEngine)(index_dir)
    run: dict[str, dict[str, float]] = {}
    for qid, text in queries.items():
        ranked: dict[str, float] = {}
        for page in range(1, depth // 100 + 1):
            res = engine.search(SearchRequest(text=text, per_page=100, page=page, highlights=0))
            for rank, hit in enumerate(res.hits):
                # scores tie-broken by rank, so the evaluator sees the engine's own order
                ranked.setdefault(hit.id, -(len(ranked) + 1))
            if len(res.hits) < 100:
                break
        run[qid] = {d: float(s) for d, s in ranked.items()}
    engine.close()
    return run


def ranking_run(searcher, queries: dict[str, str], depth: int = DEPTH) -> dict[str, dict[str, float]]:
    run = {}
    for qid, text in queries.items():
        ranked = searcher.ranking(text, depth)
        run[qid] = {d: -(i + 1.0) for i, (d, _) in enumerate(ranked)}
    return run


def evaluate_all(workdir: str | None = None, engines=("ours", "stock", "fts5")) -> dict[str, dict]:
    from search.backends.embedded.indexer import index_paths

    queries, qrels = cranfield.load_queries(), cranfield.load_qrels()
    out = {}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = write_cranfield(os.path.join(tmp, "corpus"))
        if "ours" in engines:
            index_paths([path], os.path.join(tmp, "ours"), rebuild=True, workers=1)
            out["ours"] = evaluate(ours_run(os.path.join(tmp, "ours"), queries), qrels)
        if "stock" in engines:
            stock_whoosh.build(read_jsonl(path), os.path.join(tmp, "stock"), entities={})
            s = stock_whoosh.StockSearcher(os.path.join(tmp, "stock"), facets=False)
            out["stock"] = evaluate(ranking_run(s, queries), qrels)
            s.close()
        if "fts5" in engines:
            fts5.build(read_jsonl(path), os.path.join(tmp, "fts5.db"), entities={})
            f = fts5.FtsSearcher(os.path.join(tmp, "fts5.db"))
            out["fts5"] = evaluate(ranking_run(f, queries), qrels)
            f.close()
    return out


if __name__ == "__main__":
    import json
    print(json.dumps(evaluate_all(), indent=1))
