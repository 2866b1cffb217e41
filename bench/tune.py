"""Grid over the general ranking settings on Cranfield (not part of the benchmark run).

    python -m bench.tune

Builds the product's index of Cranfield once, then for each ``Ranking`` runs the same
parse (``search.query.parse_query``) and BM25F scorer the engine uses, so one setting costs seconds instead of minutes. ``bench.relevance`` then confirms
the chosen defaults end to end through ``SearchEngine``.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import os
import sys
import tempfile

from whoosh import scoring

from . import cranfield
from .corpus import write_cranfield
from .metrics import evaluate


def run_config(ix, ranking, queries, depth=1000):
    """Ranked ids per query, parsed and scored exactly as the engine does with ``ranking``."""
    from search.backends.embedded.feedback import top_documents
    from search.backends.embedded.impacts import load
    from search.query import parse_query
    from search.backends.embedded.scorer import Scorer

    run = {}
    with ix.searcher(weighting=scoring.BM25F(B=ranking.b, K1=ranking.k1)) as s:
        scorer = Scorer(load(ix.storage.folder, s.reader()), s, ranking)
        for qid, text in queries.items():
            parsed = parse_query(text, ranking=ranking)
            if parsed.query is None:
                run[qid] = {}
                continue
            top = top_documents(s, parsed.query, parsed, limit=depth, ranking=ranking,
                                scorer=scorer)
            run[qid] = {s.stored_fields(d)["id"]: -(i + 1.0) for i, (_, d) in enumerate(top)}
    return run


def main(argv=None):
    from search.backends.embedded import storage
    from search.backends.embedded.indexer import index_paths
    from search.settings import RANKING

    queries, qrels = cranfield.load_queries(), cranfield.load_qrels()
    tmp = tempfile.mkdtemp(prefix="bench-tune-")
    path = write_cranfield(os.path.join(tmp, "corpus"))
    index_paths([path], os.path.join(tmp, "ix"), rebuild=True, workers=1)
    ix = storage.open_live(os.path.join(tmp, "ix"))
    grid = ast.literal_eval(argv[0]) if argv else {}
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)) if keys else [()]:
        r = dataclasses.replace(RANKING, **dict(zip(keys, values)))
        m = evaluate(run_config(ix, r, queries), qrels)
        print(f"{dict(zip(keys, values))}  MAP {m['map']:.4f}  nDCG@10 {m['ndcg@10']:.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
