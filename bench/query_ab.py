"""Query CPU of this checkout beside another one, query by query, on a busy machine:

    .venv/bin/python -m bench.query_ab --other ../base INDEX [OTHER_INDEX] [--passes 3]

Two long-lived processes, one per checkout (each runs ``bench/query_ab.py --serve`` with its
own code: its working folder first on ``sys.path``, its own ``.venv`` if it has one), open
their index, warm up as ``search serve`` does, and then answer the 200 bench queries
(``bench/queries.py``, or ``--queries FILE``) in turn: each query goes to both, in alternating order, before the
next is sent. A load that comes and goes on a shared machine then slows both alike, where
separate runs minutes apart can differ by half. Each answer's thread CPU time is measured;
printed per pass: p50 and p95 of each, their ratios (this / other) and the ratio of the sums,
and the median pass's p95 (what ``bench.run`` reports: with 3 passes, a warm one).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def serve(index: str) -> None:
    """Answer queries read as JSON lines from stdin with their thread CPU ms."""
    sys.path.insert(0, os.getcwd())
    from search.engine import SearchEngine
    from search.models import SearchRequest

    engine = SearchEngine(index)
    engine.warm_up()
    engine.search(SearchRequest(text="oil"))
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.thread_time()
        engine.search(SearchRequest(text=json.loads(line)))
        print((time.thread_time() - started) * 1000, flush=True)


class _Side:
    def __init__(self, tree: str, index: str):
        venv = os.path.join(tree, ".venv", "bin", "python")
        python = venv if os.path.exists(venv) else sys.executable
        here = os.path.abspath(__file__)
        self.proc = subprocess.Popen([python, here, "--serve", index], cwd=tree, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{tree}: the engine did not start")

    def ask(self, query: str) -> float:
        self.proc.stdin.write(json.dumps(query) + "\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query_ab",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--other", help="the other checkout's folder")
    parser.add_argument("index", help="this checkout's index")
    parser.add_argument("other_index", nargs="?", help="the other's index (default: the same)")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--queries", help="a JSON list of queries (default: the 200 bench queries, "
                                          "made from Reuters-21578 as bench.run makes them)")
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.index)
        return 0
    if not args.other:
        parser.error("--other is required")
    from .metrics import percentile  # (here: --serve runs as a plain script)
    if args.queries:
        with open(args.queries, encoding="utf-8") as f:
            queries = json.load(f)
    else:
        import tempfile

        from .corpus import read_jsonl, write_reuters
        from .queries import make_queries

        with tempfile.TemporaryDirectory() as work:
            queries = make_queries(read_jsonl(write_reuters(work, 1, None)), 200)
    sides = {"this": _Side(os.getcwd(), os.path.abspath(args.index)),
             "other": _Side(os.path.abspath(args.other),
                            os.path.abspath(args.other_index or args.index))}
    times = {name: [[] for _ in range(args.passes)] for name in sides}
    for p in range(args.passes):
        for i, query in enumerate(queries):
            order = ("this", "other") if (p + i) % 2 == 0 else ("other", "this")
            for name in order:
                times[name][p].append(sides[name].ask(query))
    for side in sides.values():
        side.close()
    for p in range(args.passes):
        a, b = times["this"][p], times["other"][p]
        print(f"pass {p + 1}: this p50 {percentile(a, 50):.2f} p95 {percentile(a, 95):.2f} ms | "
              f"other p50 {percentile(b, 50):.2f} p95 {percentile(b, 95):.2f} ms | "
              f"ratio p50 {percentile(a, 50) / percentile(b, 50):.3f} "
              f"p95 {percentile(a, 95) / percentile(b, 95):.3f} sum {sum(a) / sum(b):.3f}")
    mid = args.passes // 2
    a = sorted(percentile(t, 95) for t in times["this"])[mid]
    b = sorted(percentile(t, 95) for t in times["other"])[mid]
    print(f"median pass p95: this {a:.2f} ms, other {b:.2f} ms, ratio {a / b:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
