"""The five development collections of issue 14, each as documents, queries and judgments.

    c = load("cacm")            # Collection(name, docs=[{id, title, body, ...}], queries, qrels)

Every engine indexes ``c.docs`` and is given ``c.queries`` verbatim (the same text for all).
``qrels`` is ``{query: {doc: gain}}``; gain 0 marks a judged non-relevant document. Each
loader handles its collection's quirks (the PROVENANCE.md beside the data) so that no
caller can get them wrong:

* **cranfield**: :mod:`bench.cranfield` (queries keyed by position, inverted codes).
* **med**: no titles (``.W`` only); CRLF and space-padded lines; ``MED.REL`` (binary).
* **cacm**: title ``.T``, body ``.W`` abstract (half the documents have none) plus the
  ``.K`` keywords; never ``.X`` (citations) or ``.B/.N`` (dates, record notes). Query text is
  ``.W`` only (``.A`` and ``.N`` are requester data); the ``.I 0`` sentinel is dropped;
  12 of 64 queries have no judgments and are left out of the means.
* **npl**: records end at a line that is ``/`` once stripped; no titles; documents are
  lower-case, queries upper-case, and both are given as they are (case-folding is each
  engine's job: this is what a user typing in capitals does).
* **news**: ``news-queries`` over the Guardian/NYT CSVs and the seeds, with ids
  ``<file stem>:<record number>`` (records counted after the header, RFC 4180 quoting) and
  seed file names, as ``docids.md`` defines; graded 0-2.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
import tarfile
from dataclasses import dataclass, field
from functools import lru_cache

from . import cranfield
from .cranfield import _records

NAMES = ("cranfield", "med", "cacm", "npl", "news")


def corpora_folder() -> str:
    """``$CORPORA``, else the nearest ``shared/corpora`` above the project (``../shared`` for
    the main checkout, further up for a worktree)."""
    if os.environ.get("CORPORA"):
        return os.environ["CORPORA"]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    while os.path.dirname(here) != here:
        here = os.path.dirname(here)
        if os.path.isdir(os.path.join(here, "shared", "corpora")):
            return os.path.join(here, "shared", "corpora")
    raise FileNotFoundError("no shared/corpora above the project; set $CORPORA")


@dataclass(frozen=True)
class Collection:
    name: str
    docs: list[dict] = field(repr=False)
    queries: dict[str, str] = field(repr=False)
    qrels: dict[str, dict[str, int]] = field(repr=False)

    def judged(self) -> dict[str, str]:
        """The queries with at least one relevant document (the ones the means are over)."""
        return {q: t for q, t in self.queries.items()
                if any(g > 0 for g in self.qrels.get(q, {}).values())}


def _tar_members(path: str) -> dict[str, str]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read().decode("ascii").replace("\r", "")
                for m in tar.getmembers() if m.isfile()}


def _clean(text: str) -> str:
    return " ".join(text.split())


def load_cranfield(folder: str | None = None) -> Collection:
    folder = folder or os.path.join(corpora_folder(), "cranfield")
    docs = [{"id": d.id, "title": d.title, "body": d.body} for d in cranfield.load_docs(folder)]
    return Collection("cranfield", docs, cranfield.load_queries(folder), cranfield.load_qrels(folder))


def load_med(folder: str | None = None) -> Collection:
    files = _tar_members(os.path.join(folder or os.path.join(corpora_folder(), "med"), "med.tar.gz"))
    docs = [{"id": i, "title": "", "body": f.get("W", "")} for i, f in _records(files["MED.ALL"])]
    queries = {i: f.get("W", "") for i, f in _records(files["MED.QRY"])}
    qrels: dict[str, dict[str, int]] = {}
    for line in files["MED.REL"].splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return Collection("med", docs, queries, qrels)


def load_cacm(folder: str | None = None) -> Collection:
    files = _tar_members(os.path.join(folder or os.path.join(corpora_folder(), "cacm"), "cacm.tar.gz"))
    docs = [{"id": i, "title": f.get("T", ""), "body": _clean(f.get("W", "") + " " + f.get("K", ""))}
            for i, f in _records(files["cacm.all"])]
    queries = {i: f.get("W", "") for i, f in _records(files["query.text"]) if i != "0"}
    qrels: dict[str, dict[str, int]] = {}
    for line in files["qrels.text"].splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(str(int(parts[0])), {})[str(int(parts[1]))] = 1
    return Collection("cacm", docs, queries, qrels)


def _slash_records(text: str) -> list[list[str]]:
    """NPL's records: lines up to one whose stripped content is ``/``."""
    out, current = [], []
    for line in text.split("\0", 1)[0].splitlines():
        if line.strip() == "/":
            out.append(current)
            current = []
        else:
            current.append(line)
    return [r for r in out if any(line.strip() for line in r)]


def load_npl(folder: str | None = None) -> Collection:
    folder = folder or os.path.join(corpora_folder(), "npl")

    def read(name: str) -> str:
        with gzip.open(os.path.join(folder, name + ".gz"), "rt", encoding="ascii") as f:
            return f.read()

    def split(record: list[str]) -> tuple[str, str]:
        lines = [line for line in record if line.strip()]
        return lines[0].strip(), _clean(" ".join(lines[1:]))

    docs = [{"id": i, "title": "", "body": text}
            for i, text in map(split, _slash_records(read("doc-text")))]
    queries = dict(map(split, _slash_records(read("query-text"))))
    qrels = {}
    for record in _slash_records(read("rlv-ass")):
        qid, ids = split(record)
        qrels[qid] = {d: 1 for d in ids.split()}
    return Collection("npl", docs, queries, qrels)


NEWS_FILES = {
    "Guardians_Russia_Ukraine": "ukraine-war-news/kaggle-nyt-guardian/Guardians_Russia_Ukraine.csv.gz",
    "NYT_Russia_Ukraine": "ukraine-war-news/kaggle-nyt-guardian/NYT_Russia_Ukraine.csv.gz",
    "guard-articles-nato": "ukraine-war-news/guardian-132dow/guard-articles-nato.csv.gz",
}
#: title, body and date columns of each file (docids.md, "Fields used for indexing and judging").
_NEWS_COLUMNS = {
    "Guardians_Russia_Ukraine": ("headlines", "articles", "published", "The Guardian"),
    "NYT_Russia_Ukraine": ("headlines", "articles", "published", "The New York Times"),
    "guard-articles-nato": ("Heading", "Text", "Date Formatted", "The Guardian"),
}


def _news_date(value: str) -> str:
    value = value[:10].replace("/", "-")
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""


def load_news(folder: str | None = None, seeds: str | None = None) -> Collection:
    from search.ingest.formats.text import parse_page

    base = folder or corpora_folder()
    docs = []
    csv.field_size_limit(10**9)
    for stem, relative in NEWS_FILES.items():
        title, body, date, source = _NEWS_COLUMNS[stem]
        with gzip.open(os.path.join(base, relative), "rt", encoding="utf-8", newline="") as f:
            for row, rec in enumerate(csv.DictReader(f), 1):
                docs.append({"id": f"{stem}:{row}", "title": _clean(rec.get(title) or ""),
                             "body": (rec.get(body) or "").strip(), "date": _news_date(rec.get(date) or ""),
                             "source": source})
    seeds = seeds or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds")
    for name in sorted(os.listdir(seeds)):
        with open(os.path.join(seeds, name), encoding="utf-8") as f:
            article = parse_page(f.read(), name)
        if isinstance(article, str):
            raise ValueError(f"seed {name}: {article}")
        docs.append({"id": name, "title": article.title, "body": article.body,
                     "date": article.date.isoformat() if article.date else "", "source": article.source})
    judgments = os.path.join(base, "news-queries")
    with open(os.path.join(judgments, "queries.tsv"), encoding="utf-8", newline="") as f:
        queries = {r["qid"]: r["query"] for r in csv.DictReader(f, delimiter="\t")}
    qrels: dict[str, dict[str, int]] = {}
    with open(os.path.join(judgments, "qrels.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return Collection("news", docs, queries, qrels)


LOADERS = {"cranfield": load_cranfield, "med": load_med, "cacm": load_cacm, "npl": load_npl,
           "news": load_news}


@lru_cache(maxsize=None)
def load(name: str) -> Collection:
    """One development collection by name (``NAMES``), read once per process."""
    if name not in LOADERS:
        raise ValueError(f"unknown collection {name!r}; choose from {', '.join(NAMES)}")
    return LOADERS[name]()
