"""Our parsed query (a Whoosh query tree of analysed terms) as the OpenSearch query DSL.

The query is parsed, repaired and resolved by ``search/understanding/query.py`` exactly as for the
embedded index (same syntax, same leniency, same errors); this module only rewrites the
tree. Text terms are already analysed (stemmed, folded, spelling-folded), and the index
template analyses article text into the same terms, so they are sent as ``term`` queries:
the cluster does not analyse them again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from ...errors import InvalidQueryError
from ...understanding.parsed_query import AllFirst

MATCH_ALL: dict[str, Any] = {"match_all": {}}
TEXT_FIELDS = ("title", "body")
MATCH_NONE: dict[str, Any] = {"match_none": {}}


def to_dsl(node: wq.Query | None) -> dict[str, Any]:
    """The DSL query for a parsed query (None: every article)."""
    if node is None:
        return MATCH_ALL
    return _convert(node)


def _boosted(body: dict[str, Any], boost: float) -> dict[str, Any]:
    if boost != 1.0:
        body["boost"] = boost
    return body


def _convert(node: wq.Query) -> dict[str, Any]:
    if isinstance(node, type(wq.NullQuery)):
        return MATCH_NONE
    if isinstance(node, wq.Every):
        return MATCH_ALL
    if isinstance(node, wq.Term) and node.fieldname not in TEXT_FIELDS:
        # a facet value (an entity named in the query: system:Patriot^5.56) scores its
        # boost, as the embedded scorer scores it, not BM25 over a keyword field
        return {"constant_score": {"filter": {"term": {node.fieldname: str(node.text)}},
                                   "boost": node.boost}}
    if isinstance(node, wq.Term):
        return {"term": {node.fieldname: _boosted({"value": str(node.text)}, node.boost)}}
    if isinstance(node, wq.Phrase):
        clauses = [{"span_term": {node.fieldname: str(w)}} for w in node.words]
        if len(clauses) == 1:
            return {"term": {node.fieldname: _boosted({"value": str(node.words[0])}, node.boost)}}
        return {"span_near": _boosted({"clauses": clauses, "slop": max(0, node.slop - 1),
                                       "in_order": True}, node.boost)}
    if isinstance(node, wq.Prefix):
        return {"prefix": {node.fieldname: _boosted({"value": str(node.text)}, node.boost)}}
    if isinstance(node, wq.Wildcard):
        return {"wildcard": {node.fieldname: _boosted({"value": str(node.text)}, node.boost)}}
    if isinstance(node, wq.NumericRange) and node.fieldname == "date":
        return {"range": {"date": _date_bounds(node)}}
    if isinstance(node, wq.TermRange):
        bounds: dict[str, Any] = {}
        if node.start is not None:
            bounds["gt" if node.startexcl else "gte"] = str(node.start)
        if node.end is not None:
            bounds["lt" if node.endexcl else "lte"] = str(node.end)
        return {"range": {node.fieldname: bounds}}
    if isinstance(node, wq.And):
        return _bool(must=[_convert(c) for c in node.subqueries], boost=node.boost)
    if isinstance(node, AllFirst) and len(node.subqueries) > 1:
        return _all_first(node)
    if isinstance(node, wq.Or):
        return _bool(should=[_convert(c) for c in node.subqueries], boost=node.boost,
                     minimum_should_match=max(1, getattr(node, "minmatch", 0) or 1))
    if isinstance(node, wq.Not):
        return _bool(must=[MATCH_ALL], must_not=[_convert(node.query)])
    if isinstance(node, wq.AndNot):
        return _bool(must=[_convert(node.a)], must_not=[_convert(node.b)])
    if isinstance(node, wq.AndMaybe):
        return _bool(must=[_convert(node.a)], should=[_convert(node.b)])
    if isinstance(node, wq.Require):
        return _bool(must=[_convert(node.a)], filter=[_convert(node.b)])
    raise InvalidQueryError(f"Cannot run this part of the query on a cluster: {node}")


#: Added to the score of an article matching every word of a relaxed query: above any
#: partial match's score (the embedded scorer lifts by the best partial score, which a
#: query cannot know in advance; BM25 scores of a few words stay far below this).
ALL_WORDS_LIFT = 1000.0


def _all_first(node: AllFirst) -> dict[str, Any]:
    """Any word may match; articles with every word first (``query.AllFirst``)."""
    words = [_convert(c) for c in node.subqueries]
    every = {"constant_score": {"filter": {"bool": {"must": words}}, "boost": ALL_WORDS_LIFT}}
    return {"bool": _boosted({"should": words + [every], "minimum_should_match": 1}, node.boost)}


def _bool(boost: float = 1.0, **clauses: Any) -> dict[str, Any]:
    body = {k: v for k, v in clauses.items() if v}
    if set(body) <= {"minimum_should_match"}:
        return MATCH_NONE
    if "should" not in body:
        body.pop("minimum_should_match", None)
    return {"bool": _boosted(body, boost)}


def _date_bounds(node: wq.NumericRange) -> dict[str, str]:
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = _day(node.start)
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = _day(node.end)
    bounds["format"] = "strict_date"
    return bounds


def _day(value: Any) -> str:
    if isinstance(value, int):
        value = long_to_datetime(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def date_filter(since: dt.date | None, until: dt.date | None) -> dict[str, Any] | None:
    """The ``--since``/``--until`` range (inclusive days), or None."""
    if since is None and until is None:
        return None
    bounds: dict[str, str] = {"format": "strict_date"}
    if since:
        bounds["gte"] = since.isoformat()
    if until:
        bounds["lte"] = until.isoformat()
    return {"range": {"date": bounds}}
