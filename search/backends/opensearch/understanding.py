"""What query understanding needs from a cluster index, read once per index state.

The embedded engine recognises entities in the query (``query_entities.py``), corrects
misspelt words (``spelling.py``), expands prefixes to a bounded number of words
(``expansion.py``) and highlights titles (``passages.py``) from its facet table and its
vocabulary. The cluster holds the same facts: the facet values with their article counts
(terms aggregations on the keyword fields), the unstemmed words with their article counts
(the ``words.kw`` field) and the aliases (the ``alias`` field). They are read here into
objects with the few methods those modules call, so the cluster runs the very same code
and parses a query into the same tree, the same ``parsed`` string and the same entities.

They are read again when the number of articles changes (a load or a rebuild): a count
at most once a second instead of five aggregations per search.

Approximations, each only on the cluster: the stems of the title and body fields are the
stems of the vocabulary's words (the cluster keeps no per-field term list without
fielddata), so a prefix expands to the same words in both fields, and a stem's article
count is the sum of its words' counts (it orders expansions that are cut only).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ...understanding import query_entities
from ...analysis import fold_accents, query_terms
from ...understanding.expansion import Lexicon
from ...understanding.facet_values import value_key
from ...understanding.vocabulary import Vocabulary

KINDS = ("person", "system", "org", "place")


class ClusterFacets:
    """The parts of the embedded ``FacetTable`` that entity recognition and spelling read:
    values by key, totals, and per-value article counts (``docs_of`` gives a stand-in
    array of that length: only its length is used, except to count the articles of an
    entity with several values, which :func:`finder` asks the cluster for)."""

    def __init__(self, totals: dict[str, Counter[str]], doc_count: int):
        self.doc_count_all = doc_count
        self.totals = totals
        self.by_key: dict[str, dict[str, list[str]]] = {}
        for name, counts in totals.items():
            keys: dict[str, list[str]] = {}
            for value in sorted(counts):
                keys.setdefault(value_key(value), []).append(value)
            self.by_key[name] = keys

    def lookup(self, name: str, text: str) -> list[str]:
        return list(self.by_key.get(name, {}).get(value_key(text), []))

    def by_last_word(self, name: str, text: str) -> list[str]:
        key = value_key(text)
        return [v for k, vs in self.by_key.get(name, {}).items() if k.rsplit(" ", 1)[-1] == key for v in vs]

    def docs_of(self, name: str, value: str) -> np.ndarray | None:
        count = self.totals.get(name, Counter()).get(value)
        return None if count is None else np.arange(count)


class _Reader:
    """What ``passages.wanted_terms`` reads from a Whoosh reader: article counts of
    stems and the aliases the index saw."""

    def __init__(self, view: "ClusterView"):
        self.view = view

    def doc_frequency(self, field: str, term: str) -> int:
        return self.view.stem_counts.get(term, 0)

    def expand_prefix(self, field: str, prefix: str):
        if field != "alias":
            raise KeyError(field)
        return [a for a in self.view.aliases if a.startswith(prefix)]

    def __contains__(self, item: tuple[str, str]) -> bool:
        return item[1] in self.view.stem_counts


@dataclass
class ClusterView:
    """One state of the cluster index, as query understanding sees it."""

    count: int
    facets: ClusterFacets
    vocabulary: Vocabulary
    stem_counts: dict[str, int]
    aliases: list[str]
    copies: int = 0  # articles that are copies of a story's first (stories.py)
    _lexicon: Lexicon | None = None

    @property
    def reader(self) -> _Reader:
        return _Reader(self)

    def lexicon(self, fieldname: str) -> Lexicon | None:
        """The stems of the title and body, for expanding prefixes (None: another field,
        left to the cluster)."""
        if fieldname not in ("title", "body"):
            return None
        if self._lexicon is None:
            words = sorted(self.stem_counts)
            self._lexicon = Lexicon(words, np.fromiter((self.stem_counts[w] for w in words),
                                                       np.int64, len(words)))
        return self._lexicon

    def word_docs(self, word: str) -> int:
        return self.vocabulary.counts.get(fold_accents(word).lower(), 0)


def read_view(search: Callable[[dict[str, Any]], dict[str, Any]],
              terms: Callable[[str], Counter[str]], state: tuple[int, int]) -> ClusterView:
    """Read the facet values, the vocabulary and the aliases of the index; ``state``:
    its number of articles and of story copies."""
    count, copies = state
    totals = {kind: terms(kind) for kind in KINDS}
    words = _all_terms(search, "words.kw")
    stems: dict[str, int] = {}
    for word, n in words.items():
        for stem in set(query_terms(word)):
            stems[stem] = stems.get(stem, 0) + n
    aliases = sorted(_all_terms(search, "alias"))
    return ClusterView(count, ClusterFacets(totals, count), Vocabulary(dict(words)), stems, aliases,
                       copies)


def _all_terms(search: Callable[[dict[str, Any]], dict[str, Any]], field: str) -> dict[str, int]:
    """Every value of a keyword field with its article count, paged with a composite
    aggregation (a terms aggregation stops at its size)."""
    out: dict[str, int] = {}
    after = None
    while True:
        composite: dict[str, Any] = {"size": 10_000, "sources": [{"v": {"terms": {"field": field}}}]}
        if after is not None:
            composite["after"] = after
        answer = search({"size": 0, "aggs": {"all": {"composite": composite}}})
        agg = answer["aggregations"]["all"]
        for bucket in agg["buckets"]:
            out[bucket["key"]["v"]] = bucket["doc_count"]
        after = agg.get("after_key")
        if not agg["buckets"] or after is None:
            return out


class ViewCache:
    """The view of the index's current state, read again when its article count (or its
    number of story copies) changes. The state is asked at most once per
    ``RECHECK_SECONDS`` (a round trip of its own: up to 100 ms on a busy machine), so a
    load shows in recognition within that time."""

    RECHECK_SECONDS = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._view: ClusterView | None = None
        self._checked = 0.0

    def get(self, state: Callable[[], tuple[int, int]],
            read: Callable[[tuple[int, int]], ClusterView]) -> ClusterView:
        view = self._view
        now = time.monotonic()
        if view is not None and now - self._checked < self.RECHECK_SECONDS:
            return view
        current = state()
        with self._lock:
            self._checked = now
            if self._view is None or (self._view.count, self._view.copies) != current:
                self._view = read(current)
            return self._view


def finder(view: ClusterView, k1: float, count_docs: Callable[[str, list[str]], int]):
    """The ``entities`` argument of ``parse_query`` over the cluster: the embedded finder's
    recognition, with the article count of an entity of several values asked of the
    cluster (the stand-in arrays cannot be unioned)."""
    import dataclasses

    def find(text: str):
        found = query_entities.find_entities(text, view.facets, view.word_docs)  # type: ignore[arg-type]
        found = tuple(dataclasses.replace(e, count=count_docs(e.kind, list(e.values)))
                      if len(e.values) > 1 else e for e in found)
        boosts = {f"{e.kind}:{v}": query_entities.entity_boost(e, view.facets.doc_count_all, k1)
                  for e in found for v in e.values}
        return found, boosts
    return find


def suggestion(view: ClusterView, text: str, limits: Any) -> str:
    """"Did you mean" over the cluster's vocabulary: the embedded engine's rules
    (``spelling.suggest``), on this view."""
    from ...understanding.spelling import suggest

    return suggest(text, view.reader, view.vocabulary, view.facets, limits)
