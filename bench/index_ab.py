"""Indexing speed of this checkout beside another one, alternating runs in one session.

    .venv/bin/python -m bench.index_ab --other /work/main/.venv/bin/search --limit 5000 --rounds 3

Both run the real ``search index`` command on the same Reuters JSONL (``--rebuild``, then
an incremental run that finds nothing changed), one after the other in each round, so a
noisy shared machine slows both alike; medians of wall and CPU time (the command and its
workers) and the ratios ours/other are printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from .corpus import write_reuters


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the command and its workers (user + system): on a
    shared, loaded machine the CPU time varies far less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 3):  # 3: indexed, a bad record skipped (Reuters has one)
        raise subprocess.CalledProcessError(done.returncode, command)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.index_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, help="the other checkout's `search` executable")
    parser.add_argument("--limit", type=int, default=5000, help="Reuters stories (default 5000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    ours = os.path.join(os.path.dirname(sys.executable), "search")
    with tempfile.TemporaryDirectory(dir=args.workdir) as work:
        corpus = write_reuters(work, 1, args.limit)
        docs = sum(1 for _ in open(corpus, encoding="utf-8"))
        steps = ("rebuild", "rebuild cpu", "unchanged", "unchanged cpu")
        times: dict[str, dict[str, list[float]]] = {n: {k: [] for k in steps} for n in ("ours", "other")}
        for round_ in range(args.rounds):
            order = [("ours", ours), ("other", args.other)]
            for name, exe in order if round_ % 2 == 0 else reversed(order):
                index = os.path.join(work, f"ix-{name}")
                for step, command in (("rebuild", [exe, "index", corpus, "--index", index, "--rebuild"]),
                                      ("unchanged", [exe, "index", corpus, "--index", index])):
                    wall, cpu = timed(command)
                    times[name][step].append(wall)
                    times[name][step + " cpu"].append(cpu)
                t = times[name]
                print(f"round {round_ + 1} {name}: rebuild {t['rebuild'][-1]:.1f} s ({t['rebuild cpu'][-1]:.1f} s CPU), "
                      f"unchanged {t['unchanged'][-1]:.2f} s ({t['unchanged cpu'][-1]:.2f} s CPU)", flush=True)
    med = {n: {k: statistics.median(v) for k, v in t.items()} for n, t in times.items()}
    print(f"{docs:,} docs, {args.rounds} rounds, medians (the whole command, start-up included)")
    for step, unit in (("rebuild", "docs/s"), ("rebuild cpu", "docs per CPU s")):
        ours_rate, other_rate = docs / med["ours"][step], docs / med["other"][step]
        print(f"  {step}: {unit} ours {ours_rate:.0f}, other {other_rate:.0f}, ours/other {ours_rate / other_rate:.3f}")
    for step in ("unchanged", "unchanged cpu"):
        print(f"  incremental, nothing changed ({step}), s: ours {med['ours'][step]:.2f}, "
              f"other {med['other'][step]:.2f}, ours/other {med['ours'][step] / med['other'][step]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
