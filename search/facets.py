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

import datetime as dt
from collections import Counter
from itertools import chain
from typing import Iterable

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.times import datetime_to_long

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
        self._columns: dict[str, _Column] = {}
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
            self._columns[name] = _Column.of(postings)
        self.newest_first = self._newest_first(reader)
        self._newest_array = np.asarray(self.newest_first, dtype=np.int64)
        self.live_mask = np.zeros(self.doc_count_all, dtype=bool)
        self.live_mask[self._newest_array] = True

    def _newest_first(self, reader: IndexReader) -> list[int]:
        """Live docnums by date, newest first, undated last (Whoosh would put them first)."""
        column = reader.column_reader("date", translate=False)
        undated = self.values["year"]
        self._dated = np.fromiter((v != (UNDATED,) for v in undated), dtype=bool,
                                  count=self.doc_count_all)
        self._dates = np.fromiter((column[d] if self._dated[d] else 0  # (undated: no value)
                                   for d in range(self.doc_count_all)),
                                  dtype=np.int64, count=self.doc_count_all)
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

    def by_date_mask(self, mask: np.ndarray, first: int, count: int) -> list[int]:
        """:meth:`by_date` for a mask over docnums."""
        order = self._newest_array
        return order[mask[order]][first:first + count].tolist()

    def date_mask(self, start: dt.datetime | None, end: dt.datetime | None) -> np.ndarray:
        """Dated documents from ``start`` to ``end`` (inclusive; None: unbounded)."""
        mask = self._dated.copy()
        if start is not None:
            mask &= self._dates >= datetime_to_long(start)
        if end is not None:
            mask &= self._dates <= datetime_to_long(end)
        return mask

    def mask_with(self, name: str, values: Iterable[str]) -> np.ndarray:
        """:meth:`docs_with` as a mask over docnums."""
        mask = np.zeros(self.doc_count_all, dtype=bool)
        for value in values:
            docs = self._columns[name].docs_of(value)
            if docs is not None:
                mask[docs] = True
        return mask

    def count_mask(self, name: str, mask: np.ndarray | None) -> Counter[str]:
        """:meth:`count` for a mask over docnums: one ``bincount`` over the facet column."""
        if mask is None:
            return self.totals[name]
        return self._columns[name].count(mask)

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


class _Column:
    """One facet's (document, value) pairs as two parallel arrays, and each value's docs."""

    def __init__(self, names: list[str], docs: np.ndarray, values: np.ndarray, starts: np.ndarray):
        self.names = names
        self.docs = docs
        self.values = values
        self._starts = starts  # pairs are grouped by value: value i is docs[starts[i]:starts[i+1]]
        self._number = {name: i for i, name in enumerate(names)}

    @classmethod
    def of(cls, postings: dict[str, list[int]]) -> "_Column":
        names = list(postings)
        sizes = np.fromiter((len(postings[n]) for n in names), dtype=np.int64, count=len(names))
        docs = np.fromiter(chain.from_iterable(postings[n] for n in names), dtype=np.int64,
                           count=int(sizes.sum()))
        values = np.repeat(np.arange(len(names), dtype=np.int32), sizes)
        starts = np.concatenate(([0], np.cumsum(sizes)))
        return cls(names, docs, values, starts)

    def docs_of(self, name: str) -> np.ndarray | None:
        i = self._number.get(name)
        return None if i is None else self.docs[self._starts[i]:self._starts[i + 1]]

    def count(self, mask: np.ndarray) -> Counter[str]:
        counts = np.bincount(self.values[mask[self.docs]], minlength=len(self.names))
        found = np.flatnonzero(counts)
        return Counter(dict(zip((self.names[i] for i in found), counts[found].tolist())))
