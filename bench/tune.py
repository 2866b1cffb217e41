"""Grid over the general ranking settings on Cranfield (not part of the benchmark run).

    python -m bench.tune

Builds the product's index of Cranfield once, then for each ``Ranking`` runs the same
parse (``search.query._parser`` + ``is_natural_language``) and BM25F scorer the engine
uses, so one setting costs seconds instead of minutes. ``bench.relevance`` then confirms
the chosen defaults end to end through ``SearchEngine``.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import sys
import tempfile

from whoosh import scoring

from . import cranfield
from .corpus import write_cranfield
from .metrics import evaluate


def run_config(ix, ranking, queries, depth=1000):
    from search import query as q

    parsers = {n: q._parser(ranking, n) for n in (False, True)}
    run = {}
    with ix.searcher(weighting=scoring.BM25F(B=ranking.b, K1=ranking.k1)) as s:
        for qid, text in queries.items():
            parsed = q.parse_query(text)  # repairs, as the engine does
            t = parsed.text
            if not t:
                run[qid] = {}
                continue
            try:
                natural = q.is_natural_language(t, ranking)
                if os.environ.get("TUNE_PLAIN_WORDS"):  # experiment: read every query as plain words
                    t = " ".join(re.findall(r"\w+", t))
                    natural = len(t.split()) >= ranking.long_query_words
                pq = parsers[natural].parse(q._rewrite_dates(t))
            except Exception:
                pq = parsed.query
            res = s.search(pq, limit=depth)
            run[qid] = {s_["id"]: -(i + 1.0) for i, s_ in enumerate(res)}
    return run


def main(argv=None):
    from search import storage
    from search.indexer import index_paths
    from search.settings import RANKING

    queries, qrels = cranfield.load_queries(), cranfield.load_qrels()
    tmp = tempfile.mkdtemp(prefix="bench-tune-")
    path = write_cranfield(os.path.join(tmp, "corpus"))
    index_paths([path], os.path.join(tmp, "ix"), rebuild=True, workers=1)
    ix = storage.open_live(os.path.join(tmp, "ix"))
    grid = eval(argv[0]) if argv else {}
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)) if keys else [()]:
        r = dataclasses.replace(RANKING, **dict(zip(keys, values)))
        m = evaluate(run_config(ix, r, queries), qrels)
        print(f"{dict(zip(keys, values))}  MAP {m['map']:.4f}  nDCG@10 {m['ndcg@10']:.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
