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
from typing import Iterable

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.times import datetime_to_long

from .impacts import Impacts, live_mask, mask_of, raw_column
from ...models import UNDATED
from ...understanding.facet_values import value_key
from ...understanding.fields import FACET_NAMES

# A facet value held by at least 1/DENSE_FRACTION of the documents is counted by bitset.
DENSE_FRACTION = 64


class Scope:
    """Documents to count facets over (a mask over docnums), with their docnums and their
    bitset made once for all the facets that need them."""

    def __init__(self, mask: np.ndarray):
        self.mask = mask
        self.size = int(np.count_nonzero(mask))
        self._docs: np.ndarray | None = None
        self._bits: np.ndarray | None = None

    @property
    def docs(self) -> np.ndarray:
        if self._docs is None:
            self._docs = np.flatnonzero(self.mask)
        return self._docs

    @property
    def bits(self) -> np.ndarray:
        """The mask as a bitset (see ``_bitset_of``), for the facets' frequent values."""
        if self._bits is None:
            self._bits = _bitset_of(self.mask)
        return self._bits


class FacetTable:
    def __init__(self, reader: IndexReader, impacts: Impacts | None = None):
        self.doc_count_all = reader.doc_count_all()
        self.live_mask = impacts.live if impacts is not None else live_mask(reader)
        self.by_key: dict[str, dict[str, list[str]]] = {}
        self.totals: dict[str, Counter[str]] = {}
        self._total_arrays: dict[str, np.ndarray] = {}
        self._columns: dict[str, _Column] = {}
        for name in FACET_NAMES:
            column = (_Column.from_impacts(impacts, name, self.live_mask)
                      if impacts is not None and impacts.has_field(name)
                      else _Column.from_reader(reader, name, self.live_mask))
            keys: dict[str, list[str]] = {}
            for value in column.names:
                keys.setdefault(value_key(value), []).append(value)
            self.by_key[name] = keys
            self._total_arrays[name] = column.count_array(None)
            self.totals[name] = column.as_counter(self._total_arrays[name])
            self._columns[name] = column
        self._dated = self.live_mask & ~self.mask_with("year", [UNDATED])
        self._dates = np.where(self._dated, _date_column(reader), 0)
        live = np.flatnonzero(self.live_mask)
        # Newest first, undated last (Whoosh would put them first), then by docnum.
        self._newest_array = live[np.lexsort((live, -self._dates[live], ~self._dated[live]))]

    @property
    def live(self) -> frozenset[int]:
        return frozenset(np.flatnonzero(self.live_mask).tolist())

    def values_of(self, name: str, docnum: int) -> tuple[str, ...]:
        """The values of facet ``name`` that document ``docnum`` has."""
        return self._columns[name].values_of(docnum)

    def docs_of(self, name: str, value: str) -> np.ndarray | None:
        """The (live) documents with this value, or None when it is not indexed."""
        return self._columns[name].docs_of(value)

    def by_date(self, docs: Iterable[int], first: int, count: int) -> list[int]:
        """A page of ``docs`` in date order, newest first."""
        return self.by_date_mask(self.mask_of(docs), first, count)

    def mask_of(self, docs: Iterable[int]) -> np.ndarray:
        return mask_of(docs, self.doc_count_all)

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

    def warm_up(self) -> None:
        """Build each column's document-major order (otherwise built by the first narrow count)."""
        for column in self._columns.values():
            column.doc_major()

    def ranked(self, name: str, scope: Scope | None, limit: int | None = None,
               also: Iterable[str] = ()) -> list[tuple[str, int]]:
        """The ``limit`` most frequent values of ``name`` over ``scope`` (None: the whole index),
        most frequent first and ties in name order, then each value of ``also`` not among
        them with its count (a selection is always shown). ``limit=None``: every value
        present, in name order (years, months)."""
        column = self._columns[name]
        counts = self._total_arrays[name] if scope is None else column.count_array(scope)
        present = np.flatnonzero(counts)
        if limit is not None:
            if len(present) > limit:  # keep the values that reach the limit-th count
                present_counts = counts[present]
                kth = np.partition(present_counts, len(present) - limit)[len(present) - limit]
                present = present[present_counts >= kth]
            # Values are numbered in name order, so a stable sort breaks ties by name.
            present = present[np.argsort(-counts[present], kind="stable")[:limit]]
        out = [(column.names[i], int(counts[i])) for i in present.tolist()]
        shown = {value for value, _ in out}
        for value in also:
            if value not in shown:
                i = column.number(value)
                out.append((value, 0 if i is None else int(counts[i])))
                shown.add(value)
        return out

    def docs_with(self, name: str, values: Iterable[str]) -> set[int]:
        """Documents having any of ``values`` (an OR within one facet)."""
        return set(np.flatnonzero(self.mask_with(name, values)).tolist())

    def count(self, name: str, docs: Iterable[int] | None) -> Counter[str]:
        """Counts of each value of facet ``name`` over ``docs`` (None: the whole index)."""
        return self.count_mask(name, None if docs is None else self.mask_of(docs))

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
    """One facet's (document, value) pairs as two parallel arrays grouped by value (values
    numbered in sorted order), and each value's documents as a slice.

    For counting, a value held by many documents is also kept as a bitset: ANDing it with
    the result set's bitset costs the same whatever the number of matches, while its
    pairs would have to be tested one by one."""

    def __init__(self, names: list[str], docs: np.ndarray, values: np.ndarray, doc_count: int):
        self.names = names
        order = np.lexsort((docs, values))
        self.docs = docs[order].astype(np.intp)  # numpy indexes fastest with its own int
        self.values = values[order].astype(np.int32)
        self._starts = np.searchsorted(self.values, np.arange(len(names) + 1))
        self._number = {name: i for i, name in enumerate(names)}
        self._by_doc: tuple[np.ndarray, np.ndarray] | None = None  # see doc_major
        sizes = np.diff(self._starts)
        self._dense = np.flatnonzero(sizes * DENSE_FRACTION >= doc_count)
        self._dense_bits = np.stack([_bitset(self.docs_of_number(i), doc_count)
                                     for i in self._dense.tolist()]) if len(self._dense) else None
        # The other values' pairs, still grouped by value; np.add.reduceat sums each run
        # from its start (an empty run must read 0, and no start may point past the end).
        sparse = np.ones(len(names), dtype=bool)
        sparse[self._dense] = False
        keep = sparse[self.values]
        # A last, uncounted pair lets the last value's run end before the array does.
        self._sparse_docs = np.append(self.docs[keep], 0)
        self._sum_from = np.concatenate(([0], np.cumsum(np.where(sparse, sizes, 0))))
        self._empty = self._sum_from[:-1] == self._sum_from[1:]
        # What counting costs each way, in units of one pair tested by _count_many (about
        # 1.5 ns); _count_few spends about two units on each document and each pair it
        # gathers (measured at Reuters x5 on the facets of broad queries' results: with
        # five units, person and place counted 10,000 results by their pairs at 1.3-1.5x
        # the cost of gathering the results' values).
        self._cost_per_match = 2 * (1 + len(self.docs) / max(doc_count, 1))
        self._doc_count = doc_count
        self._cost_of_all = len(self._sparse_docs) + 1000 * len(self._dense)

    @classmethod
    def from_impacts(cls, impacts: Impacts, name: str, live: np.ndarray) -> "_Column":
        """From the facet postings the indexer wrote into the impact files (fast)."""
        parts = impacts.field_postings(name)
        names = sorted({word for words, _, _ in parts for word in words})
        number = {word: i for i, word in enumerate(names)}
        docs, values = [], []
        for words, terms, global_docs in parts:
            renumber = np.fromiter((number[w] for w in words), dtype=np.int32, count=len(words))
            docs.append(global_docs)
            values.append(renumber[terms] if len(words) else terms)
        return cls._live(names, docs, values, live)

    @classmethod
    def from_reader(cls, reader: IndexReader, name: str, live: np.ndarray) -> "_Column":
        """From Whoosh's posting lists (an index without impact files)."""
        names, docs, values = [], [], []
        if name not in reader.schema:  # a facet added after the index was made
            return cls._live(names, docs, values, live)
        for term in reader.lexicon(name):
            found = np.fromiter(reader.postings(name, term).all_ids(), dtype=np.int64)
            values.append(np.full(len(found), len(names), dtype=np.int32))
            docs.append(found)
            names.append(term.decode("utf-8"))
        return cls._live(names, docs, values, live)

    @classmethod
    def _live(cls, names: list[str], docs: list[np.ndarray], values: list[np.ndarray],
              live: np.ndarray) -> "_Column":
        all_docs = np.concatenate(docs) if docs else np.empty(0, np.int64)
        all_values = np.concatenate(values) if values else np.empty(0, np.int32)
        keep = live[all_docs]
        return cls(names, all_docs[keep], all_values[keep], len(live))

    def docs_of(self, name: str) -> np.ndarray | None:
        i = self._number.get(name)
        return None if i is None else self.docs_of_number(i)

    def docs_of_number(self, i: int) -> np.ndarray:
        return self.docs[self._starts[i]:self._starts[i + 1]]

    def doc_major(self) -> tuple[np.ndarray, np.ndarray]:
        """(values ordered by document, each document's first position in them)."""
        if self._by_doc is None:  # (a start for every docnum and one past: no bounds to test)
            order = np.argsort(self.docs, kind="stable")
            docs = self.docs[order]
            size = max(int(docs[-1]) + 2 if len(docs) else 1, self._doc_count + 1)
            self._by_doc = (self.values[order], np.searchsorted(docs, np.arange(size)))
        return self._by_doc

    def values_of(self, docnum: int) -> tuple[str, ...]:
        values, starts = self.doc_major()
        if docnum + 1 >= len(starts):
            return ()
        return tuple(self.names[v] for v in values[starts[docnum]:starts[docnum + 1]])

    def number(self, name: str) -> int | None:
        return self._number.get(name)

    def count(self, mask: np.ndarray) -> Counter[str]:
        return self.as_counter(self.count_array(Scope(mask)))

    def as_counter(self, counts: np.ndarray) -> Counter[str]:
        found = np.flatnonzero(counts)
        return Counter(dict(zip((self.names[i] for i in found), counts[found].tolist())))

    def count_array(self, scope: Scope | None) -> np.ndarray:
        """Each value's number of documents in ``scope`` (None: all), by value number."""
        if scope is None:
            return np.diff(self._starts)
        if scope.size * self._cost_per_match < self._cost_of_all:
            return self._count_few(scope.docs)
        return self._count_many(scope)

    def _count_many(self, scope: Scope) -> np.ndarray:
        """Bitsets for the frequent values; for the others, test each (document, value)
        pair and sum each value's run. (Boolean selection, values[mask[docs]], costs
        several times more: its branches mispredict.)"""
        inside = scope.mask[self._sparse_docs].view(np.uint8)
        counts = np.add.reduceat(inside, self._sum_from, dtype=np.int64)[:-1]
        counts[self._empty] = 0
        if self._dense_bits is not None:
            counts[self._dense] = np.bitwise_count(self._dense_bits & scope.bits).sum(axis=1)
        return counts

    def _count_few(self, selected: np.ndarray) -> np.ndarray:
        """Gather just the selected documents' values (document-major)."""
        values, starts = self.doc_major()
        first = starts[selected]
        sizes = starts[selected + 1] - first
        total = int(sizes.sum())
        at = np.repeat(first - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
        picked = values[at + np.arange(total)]
        return np.bincount(picked, minlength=len(self.names))


def _bitset(docs: np.ndarray, doc_count: int) -> np.ndarray:
    mask = np.zeros(doc_count, dtype=bool)
    mask[docs] = True
    return _bitset_of(mask)


def _bitset_of(mask: np.ndarray) -> np.ndarray:
    """A mask over docnums packed 64 documents to a word (zero-padded)."""
    packed = np.packbits(mask)
    padded = np.zeros(-(-len(packed) // 8) * 8, dtype=np.uint8)
    padded[:len(packed)] = packed
    return padded.view(np.uint64)


def _date_column(reader: IndexReader) -> np.ndarray:
    """Every document's date as Whoosh's sortable number, read as whole columns."""
    parts = []
    for leaf, _ in reader.leaf_readers():
        if not leaf.doc_count_all():  # an empty index's reader has no columns at all
            continue
        column = leaf.column_reader("date", translate=False)
        raw = raw_column(column, leaf.doc_count_all())
        parts.append(np.frombuffer(raw, dtype=">u8").astype(np.int64) if raw is not None
                     else np.fromiter((column[d] if column[d] < 2**63 else 0
                                       for d in range(leaf.doc_count_all())), dtype=np.int64))
    return np.concatenate(parts) if parts else np.empty(0, np.int64)
