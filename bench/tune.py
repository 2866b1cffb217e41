"""Grid over the general ranking settings on the five development collections (not part of
the benchmark run).

    python -m bench.tune "{'title_boost': [1.0, 1.2]}" [--collections cranfield,news] [--workdir DIR]

Builds (or reuses, in ``--workdir``) the product's index of each collection (``bench.ir``),
then for each ``Ranking`` reads and scores every query as ``SearchEngine.search`` does (the
same parse with the query's entities, the sentence fallback of a query that finds nothing,
one article per story, the scorer and feedback), without facets, highlights or paging, so one setting costs seconds instead of minutes.
Prints MAP and nDCG@10 per collection and their mean; a setting is worth keeping only if it
raises the mean and lowers no collection's MAP by more than 0.005. ``python -m bench.ir``
then confirms the chosen defaults end to end.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import itertools
import statistics
import sys

from . import collections as colls
from .metrics import evaluate


def run_config(index_dir, ranking, queries, depth=1000):
    """Ranked ids per query, read and scored exactly as ``SearchEngine.search`` does with
    ``ranking``: its parse (entities in the query, bounded prefixes), the sentence fallback
    of a query that finds nothing, one article per story, the scorer and feedback."""
    import numpy as np

    from search.backends.embedded.feedback import top_documents
    from search.budget import UNLIMITED
    from search.engine import SearchEngine
    from search.models import SearchRequest

    engine = SearchEngine(index_dir, ranking)
    snap = engine._snapshot()
    searcher, live = snap.searcher, snap.facets.live_mask
    scorer = engine._scorer(snap, ranking)
    stories = snap.source.stories()
    run = {}
    for qid, text in queries.items():
        request = SearchRequest(text=text)
        parsed = engine._parse_bounded(snap, text, False, UNLIMITED)
        if parsed.query is None:
            run[qid] = {}
            continue
        parsed, base, matches = engine._answered(snap, scorer, parsed, request)
        allowed = base & live if base is not None else live
        if stories is not None:
            allowed = stories.collapse(allowed)
        if not np.any(allowed):
            run[qid] = {}
            continue
        top = top_documents(searcher, parsed.query, parsed, limit=depth, allowed=allowed,
                            ranking=ranking, scorer=scorer, matches=matches)
        run[qid] = {searcher.stored_fields(d)["id"]: -(i + 1.0) for i, (_, d) in enumerate(top)}
    engine.close()
    return run


def main(argv=None):
    from search.settings import RANKING

    from .ir import _workdir, index_ours

    parser = argparse.ArgumentParser(prog="python -m bench.tune")
    parser.add_argument("grid", nargs="?", default="{}", help="{'setting': [values], ...}")
    parser.add_argument("--collections", default=",".join(colls.NAMES))
    parser.add_argument("--workdir", default=None, help="indexes kept here (bench.ir's layout)")
    args = parser.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    indexes = {}
    for name in names:
        c = colls.load(name)
        indexes[name] = (c, index_ours(c, _workdir(args.workdir, name)))
    grid = ast.literal_eval(args.grid)
    keys = list(grid)
    print("setting | " + " | ".join(names) + " | mean  (MAP / nDCG@10)")
    for values in itertools.product(*(grid[k] for k in keys)) if keys else [()]:
        r = dataclasses.replace(RANKING, **dict(zip(keys, values)))
        found = {n: evaluate(run_config(ix, r, c.judged()), c.qrels) for n, (c, ix) in indexes.items()}
        cells = [f"{found[n]['map']:.4f} / {found[n]['ndcg@10']:.4f}" for n in names]
        mean = [statistics.fmean(found[n][m] for n in names) for m in ("map", "ndcg@10")]
        print(f"{dict(zip(keys, values))} | " + " | ".join(cells) + f" | {mean[0]:.4f} / {mean[1]:.4f}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
