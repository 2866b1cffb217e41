"""Ingest speed: articles per second read by ``read_path`` (parsing only) and by a full
``search index --rebuild``, for this checkout and another one (e.g. /work/main, read-only),
alternating in one run so that the machine's noise hits both alike. Also makes real-shaped
HTML pages and a WARC crawl from the CSV articles and reports their throughput.

    python -m bench.ingest_speed --other /work/main [--rounds 3]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import io
import json
import os
import subprocess
import sys
import tempfile
import time

CORPUS = os.environ.get("UKRAINE_NEWS", next(
    (c for c in (os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * up, "shared", "corpora",
                              "ukraine-war-news") for up in (2, 3)) if os.path.isdir(c)), ""))
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Guardian</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="The Guardian">
<meta property="article:published_time" content="{date}">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}","datePublished":"{date}"}}</script>
</head><body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/uk">UK</a>
<a href="/sport">Sport</a></nav></header><main><article><h1>{title}</h1>
<p class="byline">By Staff Reporter</p>{paragraphs}</article></main>
<aside><h2>Most viewed</h2><ul><li>Other story one</li><li>Other story two</li></ul></aside>
<footer>Sign up to our newsletter. &copy; 2022 Guardian News &amp; Media Limited</footer></body></html>
"""

PARSE = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from search.ingest.formats import Problem, input_files, read_path
paths = sys.argv[2:]
t = time.perf_counter(); n = 0
for path in input_files(paths):
    if not isinstance(path, Problem):
        n += sum(1 for r in read_path(path) if not isinstance(r, Problem))
print(n, time.perf_counter() - t)
"""


def make_inputs(folder: str, pages: int) -> dict[str, list[str]]:
    """JSONL and CSV copies of the Guardian/NYT articles, and HTML pages and a WARC of them."""
    rows = []
    for name in ("kaggle-nyt-guardian/Guardians_Russia_Ukraine.csv.gz",
                 "kaggle-nyt-guardian/NYT_Russia_Ukraine.csv.gz",
                 "guardian-132dow/guard-articles-nato.csv.gz"):
        with gzip.open(os.path.join(CORPUS, name), "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                low = {k.lower(): v for k, v in row.items() if k}
                title = low.get("headlines") or low.get("heading") or low.get("title") or ""
                body = low.get("articles") or low.get("text") or low.get("body") or ""
                date = low.get("published") or low.get("date formatted") or low.get("date") or ""
                if title and len(body) > 500:
                    rows.append({"title": title, "body": body, "date": date})
    os.makedirs(os.path.join(folder, "jsonl"))
    os.makedirs(os.path.join(folder, "csv"))
    os.makedirs(os.path.join(folder, "html"))
    with open(os.path.join(folder, "jsonl", "articles.jsonl"), "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    with open(os.path.join(folder, "csv", "articles.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["date", "title", "body"])
        writer.writeheader()
        writer.writerows(rows)
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(os.path.join(folder, "crawl.warc.gz"), "wb") as out:
        warc = WARCWriter(out, gzip=True)
        for i, row in enumerate(rows[:pages]):
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in row["body"].split("\n") if p.strip())
            page = PAGE.format(title=html.escape(row["title"]), date=row["date"][:10],
                               paragraphs=paragraphs).encode()
            with open(os.path.join(folder, "html", f"{i:04d}.html"), "wb") as f:
                f.write(page)
            url = f"https://www.theguardian.com/world/story-{i}"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            warc.write_record(warc.create_warc_record(url, "response", payload=io.BytesIO(page),
                                                      length=len(page), http_headers=headers))
    return {"jsonl": [os.path.join(folder, "jsonl")], "csv": [os.path.join(folder, "csv")],
            "html": [os.path.join(folder, "html")], "warc": [os.path.join(folder, "crawl.warc.gz")]}


def parse_rate(checkout: str, paths: list[str]) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", PARSE, checkout, *paths], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), float(out[1])


def index_rate(checkout: str, paths: list[str], index: str) -> tuple[int, float]:
    code = (f"import sys; sys.path.insert(0, {checkout!r}); sys.argv = ['search', 'index', "
            f"*{paths!r}, '--index', {index!r}, '--rebuild', '--workers', '1']; "
            "from search.cli import main; main()")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    count = int(done.stdout.split("Indexed ")[1].split()[0].replace(",", "")) if "Indexed " in done.stdout else 0
    return count, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", help="another checkout to compare with (read-only)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--index-rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=["jsonl", "csv", "html", "warc"])
    args = parser.parse_args()
    here = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    checkouts = [("this", here)] + ([("other", os.path.abspath(args.other))] if args.other else [])
    with tempfile.TemporaryDirectory() as folder:
        inputs = make_inputs(folder, args.pages)
        for kind in [k for k in ("jsonl", "csv") if k in args.only]:
            best: dict[str, float] = {}
            for _ in range(args.rounds):
                for name, checkout in checkouts:
                    n, s = parse_rate(checkout, inputs[kind])
                    best[name] = max(best.get(name, 0), n / s)
            print(f"parse {kind}: " + ", ".join(f"{name} {rate:,.0f} articles/s" for name, rate in best.items())
                  + (f"; this/other {best['this'] / best['other']:.2f}" if "other" in best else ""))
            rates: dict[str, float] = {}
            for _ in range(args.index_rounds):
                for name, checkout in checkouts:
                    n, s = index_rate(checkout, inputs[kind], os.path.join(folder, f"ix-{name}-{kind}"))
                    rates[name] = max(rates.get(name, 0), n / s)
            print(f"index {kind} ({n} articles, 1 worker, with start-up, best of {args.index_rounds}): "
                  + ", ".join(f"{name} {rate:,.1f} articles/s" for name, rate in rates.items())
                  + (f"; this/other {rates['this'] / rates['other']:.2f}" if "other" in rates else ""))
        for kind in [k for k in ("html", "warc") if k in args.only]:
            n, s = parse_rate(here, inputs[kind])
            print(f"parse {kind}: {n} pages in {s:.1f} s, {n / s:,.1f} pages/s")
            n, s = index_rate(here, inputs[kind], os.path.join(folder, f"ix-{kind}"))
            print(f"index {kind}: {n} pages in {s:.1f} s, {n / s:,.1f} pages/s (1 worker, with start-up)")


if __name__ == "__main__":
    main()
