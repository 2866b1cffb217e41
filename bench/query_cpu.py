"""One query pass timed two ways, for comparing two checkouts on a busy machine:

    <python of a checkout> bench/query_cpu.py INDEX QUERIES.json [PASSES]   (run in that checkout)

The engine of the checkout in the working folder answers each query ``PASSES`` times
(``SearchEngine.search``: top 10, highlights, facets, as ``bench.child query``); it prints
the p50 and p95 of the wall time and of the thread's CPU time as JSON, and the CPU p95 of
each pass (``bench.run`` reports the median pass's p95: a warm pass). Wall time on a
shared machine moves with the other processes' load; CPU time much less, so a change of a
few percent shows in it when it is lost in the wall-time noise.
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())  # the checkout run from, not this file's


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * pct // 100)) - 1]


def main(index: str, queries_path: str, passes: int = 3) -> dict:
    from search.engine import SearchEngine
    from search.models import SearchRequest

    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    engine = SearchEngine(index)
    engine.warm_up()
    engine.search(SearchRequest(text="oil"))
    cpu, wall, per_pass = [], [], []
    for _ in range(passes):
        this_pass = []
        for text in queries:
            c, w = time.thread_time(), time.perf_counter()
            engine.search(SearchRequest(text=text))
            this_pass.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        cpu += this_pass
        per_pass.append(round(_percentile(this_pass, 95), 2))
    return {"queries": len(queries), "passes": passes,
            "cpu_p50": _percentile(cpu, 50), "cpu_p95": _percentile(cpu, 95),
            "p50": _percentile(wall, 50), "p95": _percentile(wall, 95),
            "cpu_p95_per_pass": per_pass}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))))
