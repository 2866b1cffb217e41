"""The web workbench's figures (issue 19), printed, on one Reuters index:

- trends over 5 queries, top terms, an entity page's data, export rate (in-process);
- the 8-client load test on the HTML search page (``/search?q=...``), this checkout against
  another (``--against /work/main``), alternating runs, so the two are compared within one
  run on the same machine and index.

    .venv/bin/python -m bench.web_pages --index /tmp/web-bench/index-x5 --against /work/main

A checkout whose code cannot read this one's index (one from before a format change) serves
an index it built itself from the same corpus: ``--other-index DIR`` (``bench.tree_ab``
leaves such a pair in its work folder, ``ix-this`` and ``ix-other``).

The index is built beforehand (``bench.corpus.write_reuters`` + ``search index``); the other
checkout is only read (its own ``.venv/bin/python`` serves from it, or this interpreter run
in its folder, e.g. ``git archive <commit> | tar -x -C /tmp/base``)."""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .corpus import read_jsonl
from .metrics import percentile
from .queries import make_queries

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREND_QUERIES = ["oil", "coffee OR cocoa", "bank rate", "trade deficit", "wheat"]


def _python(checkout: str) -> str:
    """The checkout's own interpreter, or this one (run in the checkout's folder, which then
    comes first on the import path: a plain ``git archive`` of a commit works)."""
    own = os.path.join(checkout, ".venv", "bin", "python")
    return own if os.path.exists(own) else sys.executable


def timed(fn, repeat: int = 7) -> tuple[float, float]:
    """Median and max wall time of ``fn()`` in ms, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def library_figures(index_dir: str) -> None:
    from search.engine import SearchEngine
    from search.entity_views import entity_detail
    from search.models import SearchRequest
    from search.terms import top_terms
    from search.trends import attention

    engine = SearchEngine(index_dir)
    engine.warm_up()
    for interval in ("month", "week", "day"):
        med, worst = timed(lambda: attention(engine, TREND_QUERIES, interval=interval))
        print(f"trends, 5 queries by {interval}: median {med:.1f} ms, max {worst:.1f} ms")
    for text in ("oil", "coffee", ""):
        med, worst = timed(lambda: top_terms(engine, SearchRequest(text=text), 20))
        print(f"top terms of {text or 'all articles'!r}: median {med:.1f} ms, max {worst:.1f} ms")
    for kind, name in (("place", "United States"), ("org", "OPEC")):
        try:
            med, worst = timed(lambda: entity_detail(engine, name, kind, articles=20), repeat=3)
            print(f"entity page data {kind} {name}: median {med:.1f} ms, max {worst:.1f} ms")
        except Exception as error:  # an index without that entity
            print(f"entity page data {kind} {name}: {error}")
    t = time.perf_counter()
    count = sum(1 for _ in engine.iter_articles(SearchRequest(text="oil")))
    took = time.perf_counter() - t
    print(f"export of 'oil': {count:,} articles in {took:.2f} s ({count / took:,.0f}/s)")


def load_test(python: str, checkout: str, index_dir: str, queries: list[str], port: int,
              clients: int = 8, requests: int = 400) -> dict:
    code = ("from web.server import serve, default_processes; "
            f"serve({index_dir!r}, '127.0.0.1', {port}, processes=default_processes())")
    server = subprocess.Popen([python, "-c", code], cwd=checkout, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=oil", timeout=30).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start")
                time.sleep(0.3)
        local = threading.local()

        def one(i: int) -> tuple[float, int]:
            path = "/search?" + urllib.parse.urlencode({"q": queries[i % len(queries)]})
            t = time.perf_counter()
            for attempt in (1, 2):
                conn = getattr(local, "conn", None)
                if conn is None:
                    conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    local.conn = None
                    if attempt == 2:
                        raise
            return (time.perf_counter() - t) * 1000, response.status

        server_cpu, client_cpu = _tree_cpu(server.pid), time.process_time()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(one, range(requests)))
        server_cpu = _tree_cpu(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        times = [t for t, _ in results]
        return {"p50": percentile(times, 50), "p95": percentile(times, 95),
                "errors": sum(s != 200 for _, s in results),
                "server_cpu": server_cpu * 1000 / requests, "client_cpu": client_cpu * 1000 / requests}
    finally:
        server.terminate()
        server.wait(15)


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live child processes (the
    server's workers), from /proc; 0 where there is none. On a machine shared with other
    work, a request's CPU moves much less than its latency."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return 0.0
    for one in (pid, *children):
        try:
            with open(f"/proc/{one}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


RENDER = """
import json, sys, time
from web import create_app
queries = json.loads(sys.argv[2])
client = create_app({"SEARCH_INDEX": sys.argv[1]}).test_client()
for q in queries[:20]:
    client.get("/search", query_string={"q": q}).close()
times = []
size = 0
cpu = time.process_time()
for q in queries:
    t = time.perf_counter()
    response = client.get("/search", query_string={"q": q})
    size += len(response.data)
    times.append((time.perf_counter() - t) * 1000)
cpu = (time.process_time() - cpu) * 1000 / len(queries)
times.sort()
print(json.dumps({"mean": sum(times) / len(times), "p50": times[len(times) // 2], "cpu": cpu,
                  "p95": times[int(len(times) * 0.95)], "kb": size / len(times) / 1024}))
"""


def render_cost(checkout: str, index_dir: str, queries: list[str]) -> dict:
    """One process, no network: the server-side time of the HTML search page per query."""
    import json

    python = _python(checkout)
    out = subprocess.run([python, "-c", RENDER, index_dir, json.dumps(queries)], cwd=checkout,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web_pages")
    parser.add_argument("--index", required=True)
    parser.add_argument("--against", default="", help="another checkout with its own .venv")
    parser.add_argument("--other-index", default="",
                        help="the index the other checkout serves (default: --index), built by it")
    parser.add_argument("--corpus", default="/tmp/web-bench/reuters-x5.jsonl",
                        help="JSONL the queries are drawn from (as bench.run draws them)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-library", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="skip the load test")
    args = parser.parse_args(argv)
    if not args.no_library:
        library_figures(args.index)
    if args.against:
        queries = make_queries(read_jsonl(args.corpus), 200)
        index_of = {"this": args.index, "other": args.other_index or args.index}
        cpu: dict[str, list[float]] = {"other": [], "this": []}
        for round_ in range(args.rounds):
            for name, checkout in (("other", args.against), ("this", HERE)):
                r = render_cost(checkout, index_of[name], queries)
                cpu[name].append(r["cpu"])
                print(f"render, HTML search page in-process, {name}, round {round_ + 1}: CPU {r['cpu']:.1f} ms, "
                      f"wall mean {r['mean']:.1f} ms, "
                      f"p50 {r['p50']:.1f}, p95 {r['p95']:.1f}, {r['kb']:.0f} kB a page")
        for name, values in cpu.items():
            print(f"render CPU per page, {name}: min {min(values):.2f} ms, median {statistics.median(values):.2f} ms")
        if args.render_only:
            return 0
        runs = {"this": [], "other": []}
        for round_ in range(args.rounds):
            order = [("other", args.against), ("this", HERE)]
            for name, checkout in (order if round_ % 2 == 0 else order[::-1]):  # no order bias
                python = _python(checkout)
                result = load_test(python, checkout, index_of[name], queries, 8700 + round_ * 2 + (name == "this"))
                runs[name].append(result)
                print(f"load test, HTML search page, 8 clients, {name} ({checkout}), round {round_ + 1}: "
                      f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, errors {result['errors']}; "
                      f"CPU a request: server {result['server_cpu']:.1f} ms, clients {result['client_cpu']:.1f} ms")
        for name, results in runs.items():
            print(f"{name}: p95 per round " + ", ".join(f"{r['p95']:.1f}" for r in results)
                  + f"; median {statistics.median(r['p95'] for r in results):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
