"""The set of documents a query matches, from posting lists, without scoring.

Facet counts need every matching docnum, not just the top page. Whoosh's
``docs_for_query`` walks its matcher tree one document at a time in Python (an OR of
twelve common terms steps through every union node for each of ~20k documents); here
terms become Python sets read straight from their posting lists and the boolean
structure becomes C-level set operations. Anything else (phrases, prefixes, ranges)
falls back to Whoosh for that sub-query only, so the result is always the same set.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.searching import Searcher

from ...budget import UNLIMITED, Budget

#: Fields whose query terms are plain strings in the index (no numeric or date encoding).
_STRING_FIELDS = frozenset({"title", "body", "person", "system", "source", "org", "place",
                            "year", "month", "words", "id"})


def matching_docs(q: wq.Query, searcher: Searcher, live: frozenset[int],
                  budget: Budget = UNLIMITED) -> set[int]:
    """Live docnums matching ``q`` (equal to ``set(searcher.docs_for_query(q))``); stops
    with QueryTimeoutError once ``budget`` is spent."""
    return _docs(q, searcher, live, budget)


def _docs(q: wq.Query, searcher: Searcher, live: frozenset[int],
          budget: Budget = UNLIMITED) -> set[int]:
    budget.check()
    if isinstance(q, wq.Term) and q.fieldname in _STRING_FIELDS and isinstance(q.text, str):
        return _term_docs(searcher, q.fieldname, q.text, live)
    if isinstance(q, wq.And):
        return _intersection([_docs(sub, searcher, live, budget) for sub in q.subqueries], live)
    if isinstance(q, wq.Or) and not q.minmatch:
        out: set[int] = set()
        for sub in q.subqueries:
            out |= _docs(sub, searcher, live, budget)
        return out
    if isinstance(q, wq.AndNot):
        return _docs(q.a, searcher, live, budget) - _docs(q.b, searcher, live, budget)
    if isinstance(q, wq.AndMaybe):
        return _docs(q.a, searcher, live, budget)
    if isinstance(q, wq.Not):
        return set(live) - _docs(q.query, searcher, live, budget)
    if isinstance(q, wq.Every) and not q.fieldname:
        return set(live)
    if isinstance(q, type(wq.NullQuery)):
        return set()
    out = set()
    for i, docnum in enumerate(searcher.docs_for_query(q)):
        out.add(docnum)
        if i % 1024 == 1023:
            budget.check()
    return out


def _term_docs(searcher: Searcher, field: str, text: str, live: frozenset[int]) -> set[int]:
    reader = searcher.reader()
    if (field, text) not in reader:
        return set()
    docs = set(reader.postings(field, text).all_ids())
    return docs & live if reader.has_deletions() else docs


def _intersection(sets: list[set[int]], live: frozenset[int]) -> set[int]:
    if not sets:
        return set()  # Whoosh normalises an empty And to a query matching nothing
    sets.sort(key=len)
    out = sets[0]
    for other in sets[1:]:
        if not out:
            break
        out &= other
    return out
