"""The workbench's questions (``search/trends.py``, ``search/terms.py``, entity pages, facet
exclusion) answered by the cluster, with the same data the embedded engine returns.

- counts per day: one ``filter`` aggregation per request (its query, filters and
  exclusions) holding a daily ``date_histogram`` and a ``missing`` count, all in one search;
- top terms: ``significant_text`` over the body of a ``sampler`` of the matches (document
  counts in the sample against document counts in the index), and the surface words of
  the same sample (``words.kw``) to show each stem as a word;
- an entity's articles: an opaque :class:`FacetDocs` (a facet value and its count) rather
  than a list of ids, so that co-mentions, months and pages are term queries of any size;
- ``not_<facet>=`` exclusions: ``must_not`` terms on the keyword fields.

``OpenSearchEngine`` calls these through thin methods of the ``SearchBackend`` interface.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...models import FACET_FIELDS, Hit, SearchRequest
from ..base import DayCounts, TermSample
from .aggregations import selection_filters

if TYPE_CHECKING:
    from .engine import OpenSearchEngine

SIGNIFICANT_TERMS = 200  # candidates scored again by terms.py's keyness
SURFACE_WORDS = 5000  # surface words of the sample, to show stems as words
MIN_COUNT = 3


@dataclass(frozen=True)
class FacetDocs:
    """The articles with one facet value (what ``docs_for`` returns on a cluster): a query,
    not a list of ids, so an entity in 100,000 articles costs what one in ten does."""

    name: str
    value: str
    count: int

    def __len__(self) -> int:
        return self.count

    def query(self) -> dict[str, Any]:
        return {"term": {self.name: self.value}}


def docs_query(docs: Any) -> dict[str, Any] | None:
    """The query of a ``docs_for`` answer (or of a collection of ids); None: no documents."""
    if isinstance(docs, FacetDocs):
        return docs.query() if docs.count else None
    return {"ids": {"values": sorted(docs)}} if docs else None


def exclusions(engine: OpenSearchEngine, request: SearchRequest) -> list[dict[str, Any]]:
    """``must_not`` clauses for the request's excluded facet values (any alias resolved, as
    a selection is)."""
    names: dict[str, list[str]] = {}
    for name, value in request.excluded:
        if name in FACET_FIELDS:
            names.setdefault(name, []).extend(engine.resolve(name, value) or [value])
    return [{"terms": {name: list(dict.fromkeys(values))}} for name, values in names.items()]


def request_query(engine: OpenSearchEngine, request: SearchRequest) -> dict[str, Any]:
    """Everything a request selects (text, dates, facet selections, exclusions) as one query."""
    parsed = engine.parse(request.text)
    filters = list(selection_filters(engine._selected(request)).values())
    return {"bool": {"must": [engine._base_query(parsed, request)], "filter": filters}}


def day_counts(engine: OpenSearchEngine, requests: list[SearchRequest]) -> list[DayCounts]:
    if not requests:
        return []
    aggs = {f"r{i}": {"filter": request_query(engine, r), "aggs": {
        "days": {"date_histogram": {"field": "date", "calendar_interval": "day",
                                    "format": "yyyy-MM-dd", "min_doc_count": 1}},
        "undated": {"missing": {"field": "date"}}}} for i, r in enumerate(requests)}
    answer = engine._search({"size": 0, "query": {"match_all": {}}, "aggs": aggs})["aggregations"]
    out = []
    for i in range(len(requests)):
        found = answer[f"r{i}"]
        pairs = sorted((dt.date.fromisoformat(b["key_as_string"]).toordinal(), b["doc_count"])
                       for b in found["days"]["buckets"] if b["doc_count"])
        out.append(DayCounts(tuple(d for d, _ in pairs), tuple(c for _, c in pairs),
                             found["undated"]["doc_count"]))
    return out


def term_sample(engine: OpenSearchEngine, request: SearchRequest, size: int) -> TermSample:
    shards = max(1, getattr(engine.address, "shards", 1) or 1)
    body = {"size": 0, "track_total_hits": True, "query": request_query(engine, request),
            "aggs": {"sample": {"sampler": {"shard_size": max(1, -(-size // shards))}, "aggs": {
                "terms": {"significant_text": {"field": "body", "size": SIGNIFICANT_TERMS,
                                               "min_doc_count": MIN_COUNT}},
                "words": {"terms": {"field": "words.kw", "size": SURFACE_WORDS}}}}}}
    answer = engine._search(body)
    matched = answer["hits"]["total"]["value"]
    sample = answer["aggregations"]["sample"]
    significant = sample["terms"]
    buckets = significant.get("buckets", [])
    if not matched or not buckets:
        return TermSample(matched, sample["doc_count"])
    return TermSample(
        matched, sample["doc_count"],
        counts={b["key"]: float(b["doc_count"]) for b in buckets},
        total=float(significant.get("doc_count", sample["doc_count"])),
        index={b["key"]: float(b["bg_count"]) for b in buckets},
        index_total=float(significant.get("bg_count") or 1),
        words={b["key"]: b["doc_count"] for b in sample["words"]["buckets"]})


def facet_values_of(engine: OpenSearchEngine, name: str, docs: Any) -> Counter[str]:
    query = docs_query(docs)
    return engine._terms(name, query) if query is not None else Counter()


def newest(engine: OpenSearchEngine, docs: Any, limit: int, first: int = 0) -> list[Hit]:
    from .engine import HIT_FIELDS, _hit

    query = docs_query(docs)
    if query is None or limit <= 0:
        return []
    answer = engine._search({"size": limit, "from": first, "_source": HIT_FIELDS, "query": query,
                             "sort": [{"date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]})
    return [_hit(h, score=0.0) for h in answer["hits"]["hits"]]


def docs_for(engine: OpenSearchEngine, name: str, value: str) -> FacetDocs:
    count = engine._call("count", index=engine.index, body={"query": {"term": {name: value}}})["count"]
    return FacetDocs(name, value, int(count))
