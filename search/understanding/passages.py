"""What a hit's passages and title should highlight: the query's words weighted by how
rare they are, and the names of the entities it names or filters on.

For ``Patriot deliveries to Ukraine`` every passage used to be about "Ukraine" (the
commonest word, in nearly every sentence): weighting each matched term by its idf makes
the sentence naming the Patriot win. A query that names an entity (``MIM-104``) or a
search that only filters on one (``--system Patriot``) highlights the entity's names as
the articles write them (the aliases the index saw, e.g. "Patriots"), so the passage
shown is the one that mentions it rather than the opening paragraph.
"""

from __future__ import annotations

import re
from math import log
from typing import Any, Iterable

from whoosh import query as wq

from ..analysis import query_terms
from .fields import SEP
from .highlight import MatchTerms
from ..models import QueryEntity
from .query import TEXT_FIELDS

def _idf(reader: Any, term: str, doc_count: int) -> float:
    frequency = max(reader.doc_frequency("body", term), reader.doc_frequency("title", term))
    return log(max(doc_count, 1) / (frequency + 1)) + 1


def entity_names(reader: Any, kind: str, value: str) -> set[str]:
    """The surface forms the index saw for an entity (``Patriot`` -> Patriot, Patriots,
    MIM-104), from its ``alias`` terms, and its canonical name."""
    names = {value}
    prefix = f"{value}{SEP}"
    try:
        for term in reader.expand_prefix("alias", prefix):
            names.add((term.decode("utf-8") if isinstance(term, bytes) else term)[len(prefix):])
    except KeyError:  # (an index without the field)
        pass
    return {n for n in names if n}


def _entity_terms(reader: Any, named: dict[tuple[str, str], int], doc_count: int) -> dict[str, float]:
    """The terms of the entities' names, each weighted by the idf of the entity (its
    articles: ``named``), so a rare system outweighs a country named everywhere."""
    terms: dict[str, float] = {}
    for (kind, value), count in named.items():
        weight = log(max(doc_count, 1) / (count + 1)) + 1
        for name in entity_names(reader, kind, value):
            for term in query_terms(name):
                terms[term] = max(terms.get(term, 0.0), weight)
    return terms


#: Filters whose values are names the text may mention (a source or a collection is not).
ENTITY_KINDS = frozenset({"person", "system", "org", "place"})


def wanted_terms(reader: Any, doc_count: int, base: MatchTerms,
                 entities: Iterable[QueryEntity] = (),
                 filters: dict[str, list[str]] | None = None) -> MatchTerms:
    """``base`` (the query's own terms and prefixes) plus the names of the query's
    entities, or of the filtered entities when the query has no text, each term weighted
    by its idf (a name: by its entity's idf when that is higher)."""
    named = {(e.kind, v): e.count for e in entities for v in e.values}
    if not base and filters:
        named.update({(kind, v): 0 for kind, values in filters.items() if kind in ENTITY_KINDS
                      for v in values})
    extra = _entity_terms(reader, named, doc_count) if named else {}
    terms = set(base.terms) | set(extra)
    if not terms and not base.prefixes:
        return base
    weights = {t: max(_idf(reader, t, doc_count), extra.get(t, 0.0)) for t in terms}
    return MatchTerms(frozenset(terms), base.prefixes, weights)


def query_match_terms(q: wq.Query | None) -> MatchTerms:
    """Terms and prefixes of the positive parts of the query, in the text fields."""
    terms: set[str] = set()
    prefixes: list[str] = []

    def walk(node: wq.Query, negated: bool) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a, negated)
            return
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and node.fieldname in TEXT_FIELDS:
            stem = re.split(r"[*?]", str(node.text))[0]
            if len(stem) >= 2:
                prefixes.append(stem)
            return
        if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
            terms.add(str(node.text))
            return
        if isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
            terms.update(str(w) for w in node.words)
            return
        for child in node.children():
            walk(child, negated)

    if q is not None:
        walk(q, False)
    return MatchTerms(frozenset(terms), tuple(prefixes))
