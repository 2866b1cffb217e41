"""The stock Whoosh anchor: what a developer gets from the Whoosh docs with no tuning.

``StemmingAnalyzer`` on title and body, KEYWORD facet fields, the default single-process
writer with one commit, ``groupedby`` facet counts, default highlighting
(``hit.highlights("body")``), ``MultifieldParser`` over title and body (BM25F defaults).
Facet values are our extracted entities, so the facet work equals ours: either extracted
in the indexing loop (``extract=True``, the fair comparison) or read from a sidecar file.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Iterable

from whoosh import fields, index, sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.qparser import MultifieldParser, OrGroup

from .corpus import FACETS, facet_values



def schema() -> fields.Schema:
    keyword = dict(stored=True, commas=True, lowercase=False, scorable=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=fields.DATETIME(stored=True),
        **{name: fields.KEYWORD(**keyword) for name in FACETS},
    )


def _keywords(values: Iterable[str]) -> str:
    return ",".join(v.replace(",", " ") for v in values if v)


def document(rec: dict, values: dict[str, list[str]]) -> dict:
    doc = {"id": rec["id"], "title": rec.get("title", ""), "body": rec.get("body", "")}
    if rec.get("date"):
        doc["date"] = dt.datetime.combine(dt.date.fromisoformat(rec["date"]), dt.time.min)
    doc.update({name: _keywords(vs) for name, vs in values.items()})
    return doc


def build(records: Iterable[dict], index_dir: str, entities: dict[str, dict] | None = None) -> dict:
    """Index ``records``; entities are extracted here unless a sidecar mapping is given."""
    import search.entities  # noqa: F401  (imported before the clock starts, as before)

    started = time.perf_counter()
    os.makedirs(index_dir, exist_ok=True)
    ix = index.create_in(index_dir, schema())
    writer = ix.writer()
    count = 0
    for rec in records:
        writer.add_document(**document(rec, facet_values(rec, entities)))
        count += 1
    writer.commit()
    return {"docs": count, "seconds": time.perf_counter() - started}


class StockSearcher:
    def __init__(self, index_dir: str, facets: bool = True):
        self.ix = index.open_dir(index_dir)
        self.searcher = self.ix.searcher()
        self.parsers = {
            False: MultifieldParser(["title", "body"], self.ix.schema),
            True: MultifieldParser(["title", "body"], self.ix.schema, group=OrGroup),
        }
        self.groups = {name: sorting.FieldFacet(name, allow_overlap=True, maptype=sorting.Count)
                       for name in FACETS} if facets else None

    def search(self, text: str, limit: int = 10, natural: bool | None = None, highlight: bool = True,
               facets: bool = True) -> dict:
        if natural is None:
            natural = len(text.split()) >= 5
        q = self.parsers[natural].parse(text)
        results = self.searcher.search(q, limit=limit, groupedby=self.groups if facets else None)
        hits = []
        for hit in results:
            hits.append((hit["id"], hit.score, hit.highlights("body") if highlight else ""))
        counts = {}
        if facets:
            for name in FACETS:
                groups = results.groups(name)
                counts[name] = sorted(((k, n) for k, n in groups.items() if k is not None),
                                      key=lambda kv: (-kv[1], kv[0]))[:10]
        return {"total": len(results), "hits": hits, "facets": counts}

    def ranking(self, text: str, depth: int) -> list[tuple[str, float]]:
        """Ids and scores of the top ``depth`` for relevance evaluation (OR query)."""
        q = self.parsers[True].parse(text)
        return [(hit["id"], hit.score) for hit in self.searcher.search(q, limit=depth)]

    def close(self) -> None:
        self.searcher.close()
