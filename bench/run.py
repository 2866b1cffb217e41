"""The benchmark suite: our engine beside stock Whoosh and SQLite FTS5, on the same documents.

    python -m bench.run [--quick] [--scale 1,5] [--repeat 3] [--out bench/results/latest.json]

Not part of the pytest run. Needs the corpora in ../shared/corpora (read-only; the JSONL
copies and all indexes go to a temporary folder, removed at the end unless --keep).
Every indexing, query pass and cold start runs in a child process (bench/child.py), so
peak memory and start-up time belong to that step alone. Only one heavy step runs at a time.

--quick: 2,000 Reuters stories, scale 1, one repeat, Cranfield at depth 100 (a smoke test).
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psutil

from . import relevance
from .corpus import read_jsonl, write_reuters
from .metrics import percentile
from .queries import BROAD, make_queries

CHILD_TIMEOUT = 480  # seconds: no single step may run longer than 8 minutes
ENGINES = ("ours", "stock", "fts5")


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "platform": platform.platform()}


def run_child(args: list[str], timeout: int = CHILD_TIMEOUT, python: str | None = None,
              cwd: str | None = None) -> dict:
    """Run ``bench.child args`` and watch its memory (the child and its workers);
    ``python``/``cwd``: another checkout's interpreter and tree."""
    started = time.perf_counter()
    proc = subprocess.Popen([python or sys.executable, "-m", "bench.child", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"rss": 0, "pss": 0, "main_rss": 0}
    stop = threading.Event()

    def watch():
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [parent] + parent.children(recursive=True)
                rss = pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info()
                        rss += info.rss
                        pss += info.pss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                peak["rss"] = max(peak["rss"], rss)
                peak["pss"] = max(peak["pss"], pss)
                peak["main_rss"] = max(peak["main_rss"], parent.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        stop.set()
        return {"error": f"timed out after {timeout} s", "wall": time.perf_counter() - started}
    finally:
        stop.set()
        watcher.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}",
                "wall": wall}
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall=wall, peak_tree_rss_mb=peak["rss"] / 2**20, peak_tree_pss_mb=peak["pss"] / 2**20,
                  peak_main_rss_mb=peak["main_rss"] / 2**20)
    return result


def dir_size(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def text_bytes(corpus: str) -> int:
    return sum(len(r.get("title", "").encode()) + len(r.get("body", "").encode()) for r in read_jsonl(corpus))


# -- load test ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Concurrent clients of the load test, each sending its next request as soon as the last
#: is answered, over a kept-alive connection (as a browser does); then 8 such clients while
#: SLOW_CONNECTIONS slowloris connections send a header line every SLOW_EVERY seconds.
LOAD_LEVELS = (8, 50, 200)
SLOW_CONNECTIONS = 500
SLOW_EVERY = 5.0


class _Slowloris:
    """``count`` connections that each send a request's first line and then one header line
    every ``every`` seconds, never finishing it; a connection the server closes is opened
    again (as an attacker would), and counted."""

    def __init__(self, port: int, count: int, every: float = SLOW_EVERY):
        self.port, self.count, self.every = port, count, every
        self.sockets: list[socket.socket | None] = [None] * count
        self.cut = self.opened = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket | None:
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"GET /api/search?q=oil HTTP/1.1\r\nHost: bench\r\n")
            self.opened += 1
            return s
        except OSError:
            return None

    def __enter__(self) -> "_Slowloris":
        for i in range(self.count):
            self.sockets[i] = self._open()
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            for i, s in enumerate(self.sockets):
                try:
                    if s is None:
                        raise OSError
                    s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    if s is not None:
                        s.close()
                        self.cut += 1
                    self.sockets[i] = self._open()

    def __exit__(self, *_) -> None:
        self.stop.set()
        self.thread.join()
        for s in self.sockets:
            if s is not None:
                s.close()


def _drive(port: int, queries: list[str], clients: int, requests: int) -> dict:
    """``requests`` searches from ``clients`` concurrent clients; latencies, statuses, and
    the connections that failed (a reset, or closed without an answer)."""
    connections = threading.local()
    resets = [0]

    def one(i: int) -> tuple[float, int]:
        path = "/api/search?" + urllib.parse.urlencode({"q": queries[i % len(queries)]})
        t = time.perf_counter()
        for attempt in (1, 2):  # a connection that failed: count it, reconnect once
            conn = getattr(connections, "conn", None)
            if conn is None:
                conn = connections.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                return (time.perf_counter() - t) * 1000, response.status
            except (http.client.HTTPException, OSError):
                resets[0] += 1
                conn.close()
                connections.conn = None
        return (time.perf_counter() - t) * 1000, 0

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    times = [t for t, _ in results]
    return {"clients": clients, "requests": requests, "rps": requests / elapsed,
            "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
            "max": max(times), "errors": sum(s != 200 for _, s in results),
            "5xx": sum(s >= 500 for _, s in results), "failed": sum(s == 0 for _, s in results),
            "resets": resets[0]}


def load_test(index_dir: str, queries: list[str], levels: tuple[int, ...] = LOAD_LEVELS,
              slow: int = SLOW_CONNECTIONS, requests: int = 400, log=None,
              python: str | None = None, cwd: str | None = None) -> dict:
    """Our web server (web/server.py: a process per core, as ``search serve`` runs by
    default) under each number of concurrent ``levels`` of clients, then 8 clients beside
    ``slow`` slowloris connections. ``python``/``cwd``: another checkout's interpreter and
    tree (to compare with it in the same run)."""
    from web.server import DEFAULT_THREADS

    port = free_port()
    code = ("import sys; from web.server import serve, default_processes; "
            f"serve({index_dir!r}, '127.0.0.1', {port}, processes=default_processes())")
    server_log = tempfile.TemporaryFile("w+", encoding="utf-8")  # (a pipe nobody reads can fill)
    server = subprocess.Popen([python or sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                              stderr=server_log, text=True, cwd=cwd)
    out: dict = {"server": f"web.server.serve (waitress, {os.cpu_count()} processes x {DEFAULT_THREADS} "
                           f"thread{'s' if DEFAULT_THREADS > 1 else ''})", "levels": {}}
    try:
        base = f"http://127.0.0.1:{port}/api/search?"
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(base + "q=oil", timeout=30).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    server_log.seek(0)
                    return {"error": "server did not start: " + server_log.read()[-500:]}
                time.sleep(0.3)
        for clients in levels:
            out["levels"][str(clients)] = level = _drive(port, queries, clients, max(requests, clients * 8))
            if log:
                log("  " + _load_line(f"{clients} clients", level))
        if slow:
            with _Slowloris(port, slow) as attack:
                time.sleep(1)  # (long enough for the server to cut off slow requests, 10 s)
                level = _drive(port, queries, 8, max(requests, 800))
                level["slow_connections"], level["slow_cut"] = slow, attack.cut
            out["levels"][f"8+{slow}slow"] = level
            if log:
                log("  " + _load_line(f"8 clients + {slow} slow connections", level))
        # the figure earlier runs reported (8 clients)
        first = out["levels"].get(str(levels[0]), {}) if levels else {}
        out.update({k: first[k] for k in ("p50", "p95", "rps", "errors") if k in first})
        return out
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()


def _load_line(name: str, level: dict) -> str:
    return (f"load, {name}: {level['rps']:.1f} req/s, p50 {level['p50']:.1f} / p95 {level['p95']:.1f} / "
            f"p99 {level['p99']:.1f} ms, {level['5xx']} 5xx, {level['resets']} resets, "
            f"{level['failed']} failed" + (f", {level['slow_cut']} slow connections cut off"
                                           if "slow_cut" in level else ""))


# -- one scale point -----------------------------------------------------------------------

def scale_point(work: str, copies: int, limit: int | None, repeat: int, quick: bool,
                engines: tuple[str, ...], log) -> dict:
    corpus = write_reuters(os.path.join(work, "corpus"), copies, limit)
    docs = sum(1 for _ in read_jsonl(corpus))
    mb = text_bytes(corpus) / 1e6
    log(f"scale x{copies}: {docs} docs, {mb:.1f} MB of text")
    point: dict = {"docs": docs, "text_mb": mb, "index": {}, "query": {}, "cold": {}}
    sidecar = os.path.join(work, "corpus", f"entities-x{copies}-{limit}.jsonl")
    ent = run_child(["entities", corpus, sidecar])
    point["entities_only"] = ent
    log(f"  entity extraction alone (2 processes): {ent.get('docs', 0) / max(ent.get('seconds', 1), 1e-9):.0f} stories/s")

    variants = [("ours", None)]
    if "stock" in engines:
        variants += [("stock", None), ("stock", sidecar)]
    if "fts5" in engines:
        variants += [("fts5", None), ("fts5", sidecar)]
    targets = {}
    runs_of: dict[str, list[dict]] = {}
    # Round-robin (ours, stock, ..., ours, stock, ...): a slow spell of this shared machine
    # then falls on every engine alike, not on whichever ran during it.
    for i, (engine, side) in ((i, v) for i in range(repeat) for v in variants):
        name = engine + ("-noext" if side else "")
        runs = runs_of.setdefault(name, [])
        out = os.path.join(work, f"{name}-x{copies}-{i}" + (".db" if engine == "fts5" else ""))
        result = run_child(["index", engine, corpus, out] + ([side] if side else []))
        if "error" not in result:
            result["docs_per_s"] = result["docs"] / result["seconds"]
            result["mb_per_s"] = mb / result["seconds"]
            result["size_mb"] = dir_size(out) / 1e6
        runs.append(result)
        log(f"  index {name:11s} run {i + 1}: " + (result.get("error") or
            f"{result['docs']} docs {result['seconds']:.1f} s = {result['docs_per_s']:.0f} docs/s, "
            f"peak PSS {result['peak_tree_pss_mb']:.0f} MB (RSS {result['peak_tree_rss_mb']:.0f}), "
            f"size {result['size_mb']:.0f} MB"))
        keep = (side is None) == (engine == "ours") or (engine != "ours" and side is not None)
        if keep and engine not in targets and "error" not in result:
            targets[engine] = out
        elif out != targets.get(engine):
            shutil.rmtree(out, ignore_errors=True) if os.path.isdir(out) else os.path.exists(out) and os.remove(out)
    for name, runs in runs_of.items():
        ok = [r for r in runs if "error" not in r]
        point["index"][name] = ({key: statistics.median(r[key] for r in ok) for key in
                                 ("docs", "seconds", "docs_per_s", "mb_per_s", "size_mb", "peak_tree_pss_mb",
                                  "peak_tree_rss_mb", "peak_main_rss_mb")} if ok else {"error": runs[-1]["error"]})
        point["index"][name]["runs"] = len(ok)

    base_records = read_jsonl(write_reuters(os.path.join(work, "corpus"), 1, limit))
    queries = make_queries(base_records, 50 if quick else 200)
    qpath = os.path.join(work, "queries.json")
    with open(qpath, "w", encoding="utf-8") as f:
        json.dump(queries, f)
    point["queries"] = len(queries)
    for engine, out in targets.items():
        q = run_child(["query", engine, out, qpath, str(max(1, repeat))])
        point["query"][engine] = q
        log(f"  query {engine:5s}: " + (q.get("error") or
            f"p50 {q['p50']:.1f} ms p95 {q['p95']:.1f} ms; broad " +
            ", ".join(f"{k} {v['ms']:.0f} ms ({v['matches']})" for k, v in q["broad"].items())))
        colds = [run_child(["cold", engine, out], timeout=120) for _ in range(max(1, repeat))]
        colds = [c for c in colds if "error" not in c]
        if colds:
            point["cold"][engine] = {"wall_s": statistics.median(c["wall"] for c in colds),
                                     "in_process_s": statistics.median(c["seconds_in_process"] for c in colds)}
            log(f"  cold  {engine:5s}: {point['cold'][engine]['wall_s']:.2f} s to first answer")
    if "ours" in targets:
        point["load"] = load_test(targets["ours"], queries, requests=100 if quick else 400, log=log,
                                  levels=(8,) if quick else LOAD_LEVELS, slow=50 if quick else SLOW_CONNECTIONS)
        if "error" in point["load"]:
            log("  load test: " + point["load"]["error"])
    return point


# -- the table -----------------------------------------------------------------------------

def _fmt(v, spec=".0f"):
    return "-" if v is None else format(v, spec)


def _ratio(a, b, spec=".2f"):
    return "-" if a is None or not b else format(a / b, spec) + "x"


def _load_rows(lt: dict) -> list[str]:
    rows = []
    for name, level in lt.get("levels", {}).items():
        label = (f"{level['clients']} clients + {level['slow_connections']} slow connections"
                 if "slow_connections" in level else f"{name} clients")
        rows.append(f"| load, {label}: req/s; p50 / p95 / p99 ms; 5xx, resets | {level['rps']:.1f}; "
                    f"{level['p50']:.1f} / {level['p95']:.1f} / {level['p99']:.1f}; {level['5xx']}, "
                    f"{level['resets']} | | | | 0 5xx, 0 resets |")
    return rows


def load_only(args, log) -> dict:
    """``--load-only``: one index (``--index``, or Reuters x``--scale`` built here), the
    query pass and the load test; with ``--against TREE``, the same query pass and the
    8-client load on that checkout (its ``.venv``), alternating, in the same run."""
    work = tempfile.mkdtemp(prefix="news-search-load-", dir=args.workdir)
    copies = int(args.scale.split(",")[0])
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "scale": copies}
    try:
        index_dir = args.index
        if not index_dir:
            corpus = write_reuters(os.path.join(work, "corpus"), copies, 2000 if args.quick else None)
            index_dir = os.path.join(work, "index")
            built = run_child(["index", "ours", corpus, index_dir])
            log(f"indexed Reuters x{copies}: " + (built.get("error") or f"{built['docs']} docs"))
        queries = make_queries(read_jsonl(write_reuters(os.path.join(work, "corpus"), 1,
                                                        2000 if args.quick else None)), 200)
        qpath = os.path.join(work, "queries.json")
        with open(qpath, "w", encoding="utf-8") as f:
            json.dump(queries, f)
        trees = {"this": (None, None)}
        if args.against:
            trees["against"] = (os.path.join(args.against, ".venv", "bin", "python"), args.against)
        passes: dict[str, list[dict]] = {name: [] for name in trees}
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "query_cpu.py")
        for round_ in range(args.repeat or 2):  # alternating (ABBA: the first of a pair
            # ran measurably slower): a slow spell of the machine falls on both
            for name, (python, cwd) in (list(trees.items()) if round_ % 2 == 0
                                        else list(trees.items())[::-1]):
                done = subprocess.run([python or sys.executable, script, index_dir, qpath, "1"],
                                      cwd=cwd, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
                q = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-300:]}
                passes[name].append(q)
                log(f"query pass {round_ + 1}, {name}: " + (q.get("error") or
                    f"p50 {q['p50']:.2f} ms, p95 {q['p95']:.2f} ms (CPU {q['cpu_p50']:.2f} / "
                    f"{q['cpu_p95']:.2f} ms)"))
        results["query"] = {name: {key: statistics.median(q[key] for q in runs if key in q)
                                   for key in ("p50", "p95", "cpu_p50", "cpu_p95")}
                            for name, runs in passes.items()}
        results["load"] = load_test(index_dir, queries, log=log, slow=SLOW_CONNECTIONS,
                                    levels=(8,) if args.quick else LOAD_LEVELS)
        if args.against:
            python, cwd = trees["against"]
            results["load_against"] = load_test(index_dir, queries, levels=(8,), slow=0, log=log,
                                                python=python, cwd=cwd)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Reuters x{copies}" + (f" (index {args.index})" if args.index else ""),
             "| figure | this tree | " + ("against | this/against |" if args.against else "") ,
             "|---|---|" + ("---|---|" if args.against else "")]
    q = results["query"]
    for key in ("p50", "p95", "cpu_p50", "cpu_p95"):
        row = f"| query {key.replace('_', ' ')} ms (top 10 + highlights + facets) | {q['this'][key]:.2f} |"
        if args.against:
            row += f" {q['against'][key]:.2f} | {q['this'][key] / q['against'][key]:.2f}x |"
        lines.append(row)
    if "error" not in results["load"]:
        lines += [row.rsplit(" | | | |", 1)[0] + " |" + (" | |" if args.against else "")
                  for row in _load_rows(results["load"])]
    other = results.get("load_against", {}).get("levels", {}).get("8")
    if other:
        this = results["load"]["levels"]["8"]
        lines.append(f"| load, 8 clients, p95 ms | {this['p95']:.1f} | {other['p95']:.1f} | "
                     f"{this['p95'] / other['p95']:.2f}x |")
    results["table"] = "\n".join(lines)
    return results


def table(results: dict) -> str:
    lines = []
    rel = results.get("relevance", {})
    if rel:
        lines += ["Cranfield (225 queries, depth %d)" % rel.get("depth", 0),
                  "| engine | MAP | nDCG@10 |", "|---|---|---|"]
        for engine in ("ours", "stock", "fts5"):
            if engine in rel:
                lines.append(f"| {engine} | {rel[engine]['map']:.3f} | {rel[engine]['ndcg@10']:.3f} |")
        lines.append("")
    for scale, point in results.get("scales", {}).items():
        idx, q, cold = point["index"], point["query"], point["cold"]

        def get(d, *keys):
            for k in keys:
                if not isinstance(d, dict) or k not in d:
                    return None
                d = d[k]
            return d
        ours_dps = get(idx, "ours", "docs_per_s")
        rows = [
            ("index docs/s (with entity extraction)", "docs_per_s", "", ".0f"),
            ("index MB/s of text (with extraction)", "mb_per_s", "", ".2f"),
            ("peak memory indexing, MB (PSS, process tree)", "peak_tree_pss_mb", "", ".0f"),
            ("peak RSS largest process, MB", "peak_main_rss_mb", "", ".0f"),
            ("index size, MB", "size_mb", "", ".0f"),
        ]
        lines += [f"Reuters x{scale}: {point['docs']:,} docs, {point['text_mb']:.1f} MB text, "
                  f"{point.get('queries', 0)} queries",
                  "| figure | ours | stock Whoosh | ours/stock | FTS5 | target |", "|---|---|---|---|---|---|"]
        targets = {"docs_per_s": ">= 3x stock", "peak_tree_pss_mb": "<= 1024 (x5)"}
        for label, key, _, spec in rows:
            o, s, f = get(idx, "ours", key), get(idx, "stock", key), get(idx, "fts5", key)
            lines.append(f"| {label} | {_fmt(o, spec)} | {_fmt(s, spec)} | {_ratio(o, s)} | {_fmt(f, spec)} | "
                         f"{targets.get(key, '')} |")
        s_no, f_no = get(idx, "stock-noext", "docs_per_s"), get(idx, "fts5-noext", "docs_per_s")
        lines.append(f"| index docs/s, anchors given precomputed entities | {_fmt(ours_dps)} | {_fmt(s_no)} | "
                     f"{_ratio(ours_dps, s_no)} | {_fmt(f_no)} | |")
        for label, keys, target in (("query p50 ms (top 10 + highlights + facets)", ("p50",), ""),
                                    ("query p95 ms", ("p95",), "<= 50 (x5)")):
            o, s, f = get(q, "ours", *keys), get(q, "stock", *keys), get(q, "fts5", *keys)
            lines.append(f"| {label} | {_fmt(o, '.1f')} | {_fmt(s, '.1f')} | {_ratio(o, s)} | {_fmt(f, '.1f')} | {target} |")
        for word in BROAD:
            o, s, f = (get(q, e, "broad", word, "ms") for e in ("ours", "stock", "fts5"))
            m = get(q, "ours", "broad", word, "matches")
            lines.append(f"| broad query `{word}` ms ({m} matches), facets | {_fmt(o, '.1f')} | {_fmt(s, '.1f')} | "
                         f"{_ratio(o, s)} | {_fmt(f, '.1f')} | <= 100 |")
        o, s, f = (get(cold, e, "wall_s") for e in ("ours", "stock", "fts5"))
        lines.append(f"| cold start to first answer, s | {_fmt(o, '.2f')} | {_fmt(s, '.2f')} | {_ratio(o, s)} | "
                     f"{_fmt(f, '.2f')} | |")
        lt = point.get("load")
        if lt and "error" not in lt:
            lines += _load_rows(lt)
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 stories, one repeat: a smoke test")
    parser.add_argument("--scale", default="1,5", help="Reuters copies per scale point, e.g. 1,5")
    parser.add_argument("--repeat", type=int, default=None, help="indexing runs and query passes (default 1 quick, 3 full)")
    parser.add_argument("--engines", default="ours,stock,fts5", help="which engines (ours is always run)")
    parser.add_argument("--no-relevance", action="store_true", help="skip Cranfield")
    parser.add_argument("--out", default="bench/results/latest.json")
    parser.add_argument("--workdir", default=None, help="where the temporary corpora and indexes go")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--load-only", action="store_true",
                        help="only the query pass and the load test (8/50/200 clients, 500 slow connections)")
    parser.add_argument("--index", default=None, help="--load-only: an existing index to use")
    parser.add_argument("--against", default=None, metavar="TREE",
                        help="--load-only: also measure this checkout (e.g. ../main), alternating")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    limit = 2000 if args.quick else None
    engines = tuple(e for e in args.engines.split(",") if e in ENGINES)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.load_only:
        results = load_only(args, log)
        if os.path.dirname(args.out):
            os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, default=str)
        print(results["table"])
        return 0
    work = tempfile.mkdtemp(prefix="news-search-bench-", dir=args.workdir)
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "quick": args.quick, "repeat": repeat, "scales": {}}
    from search.settings import RANKING
    results["ranking"] = vars(RANKING) if hasattr(RANKING, "__dict__") else str(RANKING)
    log(f"work folder {work}; machine {results['machine']}")
    try:
        if not args.no_relevance:
            depth = 100 if args.quick else relevance.DEPTH
            relevance.DEPTH = depth
            rel = relevance.evaluate_all(work, engines=("ours",) + engines)
            rel["depth"] = depth
            results["relevance"] = rel
            log("Cranfield: " + ", ".join(f"{k} MAP {v['map']:.3f} nDCG@10 {v['ndcg@10']:.3f}"
                                          for k, v in rel.items() if isinstance(v, dict)))
        for copies in (int(s) for s in args.scale.split(",")):
            if args.quick and copies > 1:
                continue
            results["scales"][str(copies)] = scale_point(work, copies, limit, repeat if copies == 1 else 1,
                                                          args.quick, engines, log)
            if os.path.dirname(args.out):
                os.makedirs(os.path.dirname(args.out), exist_ok=True)
            with open(args.out, "w", encoding="utf-8") as f:  # after each scale: a partial run still reports
                json.dump(results, f, indent=1, default=str)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["table"] = table(results)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, default=str)
    print(results["table"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
