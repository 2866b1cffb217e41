"""Indexing speed of this checkout beside another one, alternating runs in one session.

    .venv/bin/python -m bench.index_ab --other /work/main/.venv/bin/search --limit 5000 --rounds 3

Both run the real ``search index`` command on the same Reuters JSONL (``--rebuild``, then
an incremental run that finds nothing changed), one after the other in each round, so a
noisy shared machine slows both alike; medians and the ratio ours/other are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from .corpus import write_reuters


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


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
        times: dict[str, dict[str, list[float]]] = {n: {"rebuild": [], "unchanged": []} for n in ("ours", "other")}
        for round_ in range(args.rounds):
            order = [("ours", ours), ("other", args.other)]
            for name, exe in order if round_ % 2 == 0 else reversed(order):
                index = os.path.join(work, f"ix-{name}")
                times[name]["rebuild"].append(timed([exe, "index", corpus, "--index", index, "--rebuild"]))
                times[name]["unchanged"].append(timed([exe, "index", corpus, "--index", index]))
                print(f"round {round_ + 1} {name}: rebuild {times[name]['rebuild'][-1]:.1f} s, "
                      f"unchanged {times[name]['unchanged'][-1]:.2f} s", flush=True)
    rate = {n: docs / statistics.median(t["rebuild"]) for n, t in times.items()}
    again = {n: statistics.median(t["unchanged"]) for n, t in times.items()}
    print(f"{docs:,} docs, {args.rounds} rounds, medians (wall time of the command, start-up included)")
    print(f"  rebuild docs/s: ours {rate['ours']:.0f}, other {rate['other']:.0f}, "
          f"ours/other {rate['ours'] / rate['other']:.3f}")
    print(f"  incremental, nothing changed, s: ours {again['ours']:.2f}, other {again['other']:.2f}, "
          f"ours/other {again['ours'] / again['other']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
