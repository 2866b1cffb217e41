"""Indexing and query speed of this checkout beside another one, at one scale, in one run.

    .venv/bin/python -m bench.tree_ab --other /path/to/other/checkout [--scale 5] [--rounds 4]

Each tree indexes the same Reuters x``scale`` JSONL with its own code (``bench.child index
ours``: an index written by one tree's code need not open with the other's), then the trees take
turns (ABBA: the first of a pair runs slower) at ``bench/query_cpu.py`` over the 200 bench
queries, each on its own index. The other checkout needs its own ``.venv``. Prints a line per
step and a table of seconds to index, docs/s, and query p50/p95 (wall and CPU) per pass.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from .corpus import read_jsonl, write_reuters
from .run import make_queries

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUERY_SCRIPT = os.path.join(HERE, "bench", "query_cpu.py")


def _last_json(out: subprocess.CompletedProcess) -> dict:
    if out.returncode != 0:
        return {"error": out.stderr[-400:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, help="the other checkout (with its own .venv)")
    parser.add_argument("--scale", type=int, default=5, help="Reuters copies (default 5)")
    parser.add_argument("--rounds", type=int, default=4, help="query passes per tree (default 4)")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="news-search-ab-", dir=args.workdir)
    trees = {"this": (sys.executable, HERE),
             "other": (os.path.join(args.other, ".venv", "bin", "python"), args.other)}
    corpus = write_reuters(os.path.join(work, "corpus"), args.scale, None)
    queries = os.path.join(work, "queries.json")
    with open(queries, "w", encoding="utf-8") as f:
        json.dump(make_queries(read_jsonl(write_reuters(os.path.join(work, "one"), 1, None)), 200), f)
    built: dict[str, dict] = {}
    for name in ("other", "this"):
        python, cwd = trees[name]
        built[name] = _last_json(subprocess.run(
            [python, "-m", "bench.child", "index", "ours", corpus, os.path.join(work, f"ix-{name}")],
            cwd=cwd, capture_output=True, text=True))
        print(f"index {name}: {built[name]}", flush=True)
    passes: dict[str, list[dict]] = {name: [] for name in trees}
    for round_ in range(args.rounds):
        order = ("this", "other") if round_ % 2 == 0 else ("other", "this")
        for name in order:
            python, cwd = trees[name]
            q = _last_json(subprocess.run([python, QUERY_SCRIPT, os.path.join(work, f"ix-{name}"),
                                           queries, "1"], cwd=cwd, capture_output=True, text=True))
            passes[name].append(q)
            print(f"query pass {round_ + 1}, {name}: {q}", flush=True)
    print("\n| tree | index s | docs/s | query p50 ms (passes) | query p95 ms (passes) | CPU p95 ms |")
    print("|---|---|---|---|---|---|")
    for name in trees:
        b = built[name]
        docs_s = f"{b['docs'] / b['seconds']:.0f}" if "seconds" in b else "?"
        fmt = lambda key: " / ".join(f"{q[key]:.1f}" for q in passes[name] if key in q)  # noqa: E731
        print(f"| {name} | {b.get('seconds', 0):.1f} | {docs_s} | {fmt('p50')} | {fmt('p95')} | "
              f"{fmt('cpu_p95')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
