"""Facet values per document, read once per index generation from the inverted index.

Counting facets by loading the stored fields of every match is what makes stock Whoosh
slow on broad queries. Instead, for each facet field we walk its terms' posting lists once
(when a searcher is opened) into a docnum -> values table; counting a result set is then a
loop over integers. Disjunctive counts (each facet counted without its own selection) are
set operations on top.

The table is built once per generation and then only read, by every thread at once: so it
keeps no reader (Whoosh readers are not thread-safe) and holds what it needs in memory,
including each value's documents and the date order.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Iterable

from whoosh.reading import IndexReader

from .analysis import fold_accents
from .models import UNDATED
from .schema import FACET_NAMES


def value_key(text: str) -> str:
    """Case-, accent- and spacing-insensitive key for matching user text to facet values."""
    return " ".join(fold_accents(text).casefold().replace(".", " ").split())


class FacetTable:
    def __init__(self, reader: IndexReader):
        self.doc_count_all = reader.doc_count_all()
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())
        self.values: dict[str, list[tuple[str, ...]]] = {}
        self.by_key: dict[str, dict[str, list[str]]] = {}
        self.totals: dict[str, Counter[str]] = {}
        self.postings: dict[str, dict[str, list[int]]] = {}
        has_deletions = reader.has_deletions()
        for name in FACET_NAMES:
            per_doc: list[list[str]] = [[] for _ in range(self.doc_count_all)]
            keys: dict[str, list[str]] = {}
            totals: Counter[str] = Counter()
            postings: dict[str, list[int]] = {}
            for term in reader.lexicon(name):
                value = term.decode("utf-8")
                keys.setdefault(value_key(value), []).append(value)
                docs = [d for d in reader.postings(name, term).all_ids()
                        if not has_deletions or d in self.live]
                for docnum in docs:
                    per_doc[docnum].append(value)
                postings[value] = docs
                if docs:
                    totals[value] = len(docs)
            self.values[name] = [tuple(v) for v in per_doc]
            self.by_key[name] = keys
            self.totals[name] = totals
            self.postings[name] = postings
        self.newest_first = self._newest_first(reader)

    def _newest_first(self, reader: IndexReader) -> list[int]:
        """Live docnums by date, newest first, undated last (Whoosh would put them first)."""
        column = reader.column_reader("date", translate=False)
        undated = self.values["year"]
        return sorted(self.live, key=lambda d: (undated[d] == (UNDATED,),
                                                 0 if undated[d] == (UNDATED,) else -column[d], d))

    def by_date(self, docs: set[int], first: int, count: int) -> list[int]:
        """A page of ``docs`` in date order, newest first."""
        page: list[int] = []
        for d in self.newest_first:
            if d in docs:
                page.append(d)
                if len(page) >= first + count:
                    break
        return page[first:]

    def docs_with(self, name: str, values: Iterable[str]) -> set[int]:
        """Documents having any of ``values`` (an OR within one facet)."""
        docs: set[int] = set()
        postings = self.postings[name]
        for value in values:
            docs.update(postings.get(value, ()))
        return docs

    def count(self, name: str, docs: Iterable[int] | None) -> Counter[str]:
        """Counts of each value of facet ``name`` over ``docs`` (None: the whole index)."""
        if docs is None:
            return self.totals[name]
        # One C-level pass over all the values of all the documents.
        return Counter(chain.from_iterable(map(self.values[name].__getitem__, docs)))

    def lookup(self, name: str, text: str) -> list[str]:
        """Indexed values of ``name`` equal to ``text`` up to case, accents, dots and spaces."""
        return list(self.by_key[name].get(value_key(text), []))

    def by_last_word(self, name: str, text: str) -> list[str]:
        """``Reznikov`` -> every indexed value whose last word is Reznikov (people)."""
        key = value_key(text)
        if not key or " " in key:
            return []
        return [v for k, vs in self.by_key[name].items() if k.rsplit(" ", 1)[-1] == key for v in vs]
