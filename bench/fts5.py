"""The SQLite FTS5 anchor: porter tokenizer, ``bm25()`` ranking, ``snippet()`` highlights,
facet counts by ``GROUP BY`` over a (docid, name, value) table."""

from __future__ import annotations

import re
import sqlite3
import time
from typing import Iterable

from .corpus import FACETS, facet_values

_WORD_RE = re.compile(r"\w+")


def build(records: Iterable[dict], path: str, entities: dict[str, dict] | None = None) -> dict:
    import search.entities  # noqa: F401  (imported before the clock starts, as before)

    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61');
        CREATE TABLE facet(docid INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL);
    """)
    count = 0
    rows = []
    with db:
        for rec in records:
            cur = db.execute("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)",
                             (rec["id"], rec.get("title", ""), rec.get("body", "")))
            docid = cur.lastrowid
            values = facet_values(rec, entities)
            rows += [(docid, name, v) for name, vs in values.items() for v in dict.fromkeys(vs)]
            if len(rows) > 10_000:
                db.executemany("INSERT INTO facet VALUES (?, ?, ?)", rows)
                rows = []
            count += 1
        db.executemany("INSERT INTO facet VALUES (?, ?, ?)", rows)
        db.execute("CREATE INDEX facet_doc ON facet(docid)")
    db.close()
    return {"docs": count, "seconds": time.perf_counter() - started}


def match_expression(text: str, natural: bool) -> str:
    words = _WORD_RE.findall(text)
    return (" OR " if natural else " ").join(f'"{w}"' for w in words)


class FtsSearcher:
    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def search(self, text: str, limit: int = 10, natural: bool | None = None) -> dict:
        if natural is None:
            natural = len(text.split()) >= 5
        expr = match_expression(text, natural)
        if not expr:
            return {"total": 0, "hits": [], "facets": {}}
        hits = self.db.execute(
            "SELECT id, bm25(docs), snippet(docs, 2, '[', ']', '...', 24) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (expr, limit)).fetchall()
        total = self.db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expr,)).fetchone()[0]
        counts: dict[str, list] = {name: [] for name in FACETS}
        for name, value, n in self.db.execute(
                "SELECT name, value, count(*) FROM facet WHERE docid IN "
                "(SELECT rowid FROM docs WHERE docs MATCH ?) GROUP BY name, value", (expr,)):
            counts[name].append((value, n))
        facets = {k: sorted(v, key=lambda kv: (-kv[1], kv[0]))[:10] for k, v in counts.items()}
        return {"total": total, "hits": hits, "facets": facets}

    def ranking(self, text: str, depth: int) -> list[tuple[str, float]]:
        expr = match_expression(text, True)
        rows = self.db.execute("SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? "
                               "ORDER BY bm25(docs) LIMIT ?", (expr, depth)).fetchall()
        return [(i, -s) for i, s in rows]

    def close(self) -> None:
        self.db.close()
