"""Scoring a whole query at once over the impact lists: Whoosh's BM25F, term at a time.

Whoosh scores one document at a time: for a long natural-language query over common
words it steps a tree of matchers through tens of thousands of documents in Python, which
was ~70% of our query time at ~108k articles. Here each term's postings are array slices
(``impacts.py``) scored by one vectorised expression, and the query's boolean structure
becomes array operations over all docnums. The scores are Whoosh's: the same BM25F
formula, idf, byte-encoded field lengths and boosts, the +1 Whoosh gives a ``NOT``
clause inside an AND, and the coordination bonus of an OR with a scale (its
``CoordMatcher``); ``tests/test_scorer.py`` compares both on real indexes. Query types with
no vectorised form here (phrases, prefixes, ranges) are scored by Whoosh's own matchers,
for that sub-query only.

One deliberate difference: Whoosh counts a coordinated OR's terms per segment (and
recounts them when it prunes its matcher tree mid-search), so its scores depend on how the
index happens to be split into segments. Here the count is of the OR's terms that occur
anywhere in the index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from .impacts import IMPACT_FIELDS, Impacts
from ...understanding.parsed_query import AllFirst, FieldedTerm
from ...budget import UNLIMITED, Budget
from ...settings import RANKING, Ranking

Ranked = list[tuple[float, int]]  # (score, docnum), best first
#: Documents of one facet value, or None when that value is not indexed.
FacetDocs = Callable[[str, str], "np.ndarray | None"]


def idf(ranking: Ranking, doc_count: int, doc_frequency: int) -> float:
    """The inverse document frequency ``ranking.idf`` names (``Ranking.term_idf``)."""
    return ranking.term_idf(doc_count, doc_frequency)


class RankingBM25F(scoring.BM25F):
    """Whoosh's BM25F with the ranking's k1, b and idf, for what Whoosh scores itself
    (phrases, prefixes, indexes without impact lists), so that it agrees with :class:`Scorer`."""

    def __init__(self, ranking: Ranking = RANKING):
        super().__init__(B=ranking.b, K1=ranking.k1)
        self.ranking = ranking

    def idf(self, searcher: Searcher, fieldname: str, text) -> float:
        parent = searcher.get_parent()
        return idf(self.ranking, parent.doc_count_all(), parent.doc_frequency(fieldname, text))


@dataclass
class Matches:
    """What a query matched (a mask over docnums) and the scores there."""

    mask: np.ndarray
    scores: np.ndarray
    #: For an :class:`AllFirst` query: how many articles match every word (else None).
    complete: int | None = None
    #: For an :class:`AllFirst` query: each word as typed, with where it matches.
    words: tuple[tuple[str, np.ndarray], ...] = ()

    def missing(self, docnum: int) -> tuple[str, ...]:
        """The words of a relaxed query that ``docnum`` does not match (a partial match)."""
        return tuple(word for word, where in self.words if not where[docnum])

    def top(self, limit: int, allowed: np.ndarray | None = None) -> Ranked:
        """The best ``limit`` (within the ``allowed`` mask if given), ties broken by docnum
        as Whoosh does."""
        return top_of(self.scores, self.mask if allowed is None else self.mask & allowed, limit)


@dataclass
class _Sparse:
    """A leaf's matches: unique docnums (sorted, except a BM25F word's) and their scores."""

    docs: np.ndarray
    scores: np.ndarray
    present: int  # 1 if the leaf's term occurs in the index (Whoosh: a non-null matcher)


@dataclass
class _Dense:
    matched: np.ndarray  # bool per docnum
    scores: np.ndarray  # float64 per docnum, 0 where not matched
    terms: np.ndarray  # int32 per docnum: how many leaf terms match there
    present: int  # leaf terms of this sub-query that occur in the index
    every: np.ndarray | None = None  # an AllFirst at the root: where every word matches
    words: tuple[tuple[str, np.ndarray], ...] = ()  # and where each of its words does


#: Postings (docnum and score, 16 bytes each) that a :class:`ScoredWords` holds at most:
#: about 16 MB, some 25 of the commonest words of a 100,000-article index.
MAX_SCORED_POSTINGS = 1_000_000


class ScoredWords:
    """The scored matches of the words queries used last, kept with one index generation
    (least recently used dropped first, ``limit`` postings in all): a word scores the same
    in every query of one generation (its idf, the field lengths and the ranking are fixed),
    and the common words (said, year, Ukraine, Russia) recur in most queries; reading and
    scoring a common word's postings is most of what matching a query costs. Shared by
    the generation's threads: the arrays are read-only."""

    def __init__(self, limit: int = MAX_SCORED_POSTINGS):
        self.limit = limit
        self._held = 0
        self._entries: OrderedDict[Any, _Sparse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], "_Sparse"]) -> "_Sparse":
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = make()
        found.docs.flags.writeable = False  # (every query reads them: none may write)
        found.scores.flags.writeable = False
        size = _SIZE_OF_ENTRY + len(found.docs)
        if size > self.limit:
            return found
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._held += size
            while self._held > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self._held -= _SIZE_OF_ENTRY + len(dropped.docs)
        return found


_SIZE_OF_ENTRY = 64  # (in postings: a word without postings, its key and arrays, still count)


class Scorer:
    """Scores queries against one index generation (``impacts``) for one thread."""

    def __init__(self, impacts: Impacts, searcher: Searcher, ranking: Ranking = RANKING,
                 facet_docs: FacetDocs | None = None, budget: Budget = UNLIMITED,
                 scored: ScoredWords | None = None):
        self.impacts = impacts
        self.budget = budget  # checked at each node and while Whoosh steps through documents
        self.searcher = searcher
        self.ranking = ranking
        self.facet_docs = facet_docs
        #: The generation's scored words (None: each query scores its own).
        self.scored = scored
        self.size = impacts.doc_count_all
        self._avg_length: dict[str, float] = {}

    # -- results ----------------------------------------------------------------------

    def match(self, q: wq.Query) -> Matches:
        """Every live document ``q`` matches, with its score."""
        result = self._dense(self.evaluate(q))
        live = self.impacts.live
        complete = None if result.every is None else int(np.count_nonzero(result.every & live))
        return Matches(result.matched & live, result.scores, complete, result.words)

    def window_scores(self, terms: list[wq.Term], docnums: np.ndarray) -> np.ndarray:
        """The summed scores of ``terms`` at the sorted ``docnums``, each as Whoosh would
        score it. Added term by term in their order, as an OR of them would be, so the sums
        are the same to the bit."""
        by_term = np.zeros((len(terms), len(docnums)))
        for fieldname in dict.fromkeys(term.fieldname for term in terms):
            rows = [i for i, term in enumerate(terms) if term.fieldname == fieldname]
            words = [terms[i].text for i in rows]
            which, where, tfs, lengths, counts = self.impacts.window_postings(fieldname, words, docnums)
            if len(which):
                idf = np.array([self._idf(count) for count in counts.tolist()])
                boosts = np.array([terms[i].boost for i in rows])
                by_term[np.asarray(rows)[which], where] = self._bm25(
                    fieldname, idf[which], tfs, lengths, boosts[which])
        total = np.zeros(len(docnums))
        for scores in by_term:
            total += scores
        return total

    # -- evaluation -------------------------------------------------------------------

    def evaluate(self, q: wq.Query) -> _Sparse | _Dense:
        self.budget.check()
        if isinstance(q, wq.Term) and isinstance(q.text, str):
            if q.fieldname in IMPACT_FIELDS:
                return self._term(q)
            if self.facet_docs is not None:
                docs = self.facet_docs(q.fieldname, q.text)
                if docs is not None:
                    return _Sparse(docs, np.full(len(docs), float(q.boost)), 1 if len(docs) else 0)
        if isinstance(q, type(wq.NullQuery)):
            return _Sparse(np.empty(0, np.int64), np.empty(0), 0)
        if type(q) is AllFirst:
            return self._all_first(q)
        if type(q) is FieldedTerm:
            return self._fielded(q)
        if isinstance(q, (wq.And, wq.Or)) and type(q) in (wq.And, wq.Or):
            subs = q.subqueries
            if not subs:
                return _Sparse(np.empty(0, np.int64), np.empty(0), 0)
            if len(subs) == 1:
                return self.evaluate(subs[0])  # Whoosh ignores a one-clause group's boost
            return self._or(q) if isinstance(q, wq.Or) else self._and(q)
        if type(q) is wq.AndNot:
            a, b = self._dense(self.evaluate(q.a)), self._dense(self.evaluate(q.b))
            return _only(a, a.matched & ~b.matched)
        if type(q) is wq.AndMaybe:
            a, b = self._dense(self.evaluate(q.a)), self._dense(self.evaluate(q.b))
            both = a.matched & b.matched
            return _Dense(a.matched, a.scores + np.where(both, b.scores, 0.0),
                          a.terms + np.where(both, b.terms, 0), a.present + b.present)
        if type(q) is wq.Not:
            inner = self._dense(self.evaluate(q.query))
            matched = self.impacts.live & ~inner.matched
            return _Dense(matched, matched.astype(np.float64), np.zeros(self.size, np.int32), 0)
        return self._whoosh(q)

    def _term(self, q: wq.Term) -> _Sparse:
        if self.scored is None:
            return self._score_term(q)
        return self.scored.get(("term", self.ranking, q.fieldname, q.text, q.boost),
                               lambda: self._score_term(q))

    def _score_term(self, q: wq.Term) -> _Sparse:
        docs, tfs, lengths = self.impacts.postings(q.fieldname, q.text)
        if not len(docs):
            return _Sparse(docs, np.empty(0), 0)
        return _Sparse(docs, self._bm25(q.fieldname, self._idf(len(docs)), tfs, lengths, q.boost), 1)

    def _fielded(self, q: FieldedTerm) -> _Sparse:
        if self.scored is None:
            return self._score_fielded(q)
        key = ("fielded", self.ranking, tuple((leaf.fieldname, leaf.text) for leaf in q.subqueries),
               tuple(sorted(q.weights.items())), q.factor, q.boost)
        return self.scored.get(key, lambda: self._score_fielded(q))

    def _score_fielded(self, q: FieldedTerm) -> _Sparse:
        """BM25F of one word over the fields of ``q``: in each field, its frequency
        normalised by the field's length and multiplied by the field's weight; these added,
        then saturated once; the idf of the articles with the word in any field."""
        k1, b = self.ranking.k1, self.ranking.b
        fields = []
        for leaf in q.subqueries:
            found, tfs, lengths = self.impacts.postings(leaf.fieldname, leaf.text)
            if len(found):
                tf = tfs / (lengths * (b / self._avg(leaf.fieldname)) + (1 - b))
                weight = q.weights.get(leaf.fieldname, 1.0)
                fields.append((found, tf * weight if weight != 1.0 else tf))
        if not fields:
            return _Sparse(np.empty(0, np.int64), np.empty(0), 0)
        if len(fields) == 1:
            where, tf = fields[0]
        elif len(fields) == 2:  # (title and body: the shorter list looked up in the longer)
            (where, tf), (more, more_tf) = fields if len(fields[0][0]) >= len(fields[1][0]) else fields[::-1]
            where, tf = _merged(where, tf, more, more_tf)
        else:
            where, inverse = np.unique(np.concatenate([f[0] for f in fields]), return_inverse=True)
            tf = np.bincount(inverse, weights=np.concatenate([f[1] for f in fields]), minlength=len(where))
        scale = self._idf(len(where)) * (k1 + 1) * q.factor * q.boost
        scores = tf * scale / (tf + k1)
        return _Sparse(where, scores, 1)

    def _idf(self, doc_frequency: int) -> float:
        return idf(self.ranking, self.size, doc_frequency)  # (deleted docs count too, as in Whoosh)

    def _bm25(self, fieldname: str, idf: float | np.ndarray, tfs: np.ndarray,
              lengths: np.ndarray, boost: float | np.ndarray) -> np.ndarray:
        k1, b = self.ranking.k1, self.ranking.b
        avg = self._avg(fieldname)
        tf = tfs.astype(np.float64)
        scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / avg)))
        if np.ndim(boost) or boost != 1.0:
            scores *= boost  # (and x * 1.0 is x, bit for bit)
        return scores

    def _avg(self, fieldname: str) -> float:
        if fieldname not in self._avg_length:
            self._avg_length[fieldname] = self.searcher.avg_field_length(fieldname) or 1
        return self._avg_length[fieldname]

    def _or(self, q: wq.Or) -> _Dense:
        parts = [self.evaluate(sub) for sub in q.subqueries]
        if all(type(found) is _Sparse for found in parts):
            out = self._sum(parts)
        else:
            out = self._empty()
            for found in parts:
                if isinstance(found, _Sparse):
                    out.scores[found.docs] += found.scores
                    out.terms[found.docs] += 1
                else:
                    out.matched |= found.matched
                    out.scores += found.scores
                    out.terms += found.terms
                out.present += found.present
            # A sparse leaf matches where it counts a term (so does a dense part, which may
            # match more: a NOT): one pass, not one scatter per leaf.
            out.matched |= out.terms > 0
        if q.boost != 1.0:
            out.scores *= q.boost
        if q.scale:
            out.scores = _coordinated(out, float(q.scale))
        return out

    def _all_first(self, q: AllFirst) -> _Dense:
        """A coordinated OR of the words, with the articles that match every word (that
        occurs in the index) lifted above all the others by the best score among those."""
        out = self._empty()
        every = None
        missing = False  # a word no article has: then no article has every word
        where = []
        for sub in q.subqueries:
            found = self.evaluate(sub)
            if isinstance(found, _Sparse):  # (added where it matches: no dense arrays)
                matched = np.zeros(self.size, bool)
                matched[found.docs] = True
                out.matched[found.docs] = True
                out.scores[found.docs] += found.scores
                out.terms[found.docs] += 1
            else:
                matched = found.matched
                out.matched |= found.matched
                out.scores += found.scores
                out.terms += found.terms
            where.append(matched)
            missing = missing or not found.present
            out.present += found.present
            if found.present:
                every = matched.copy() if every is None else every & matched
        if q.boost != 1.0:
            out.scores *= q.boost
        if q.scale:
            out.scores = _coordinated(out, float(q.scale))
        if every is not None and every.any():
            partial = out.matched & ~every
            lift = float(out.scores[partial].max()) if partial.any() else 0.0
            out.scores = np.where(every, out.scores + lift, out.scores)
        out.every = every if every is not None and not missing else np.zeros(self.size, bool)
        words = getattr(q, "words", ())
        if len(words) == len(where):
            out.words = tuple(zip(words, where))
        return out

    def _and(self, q: wq.And) -> _Dense:
        parts = [self._dense(self.evaluate(sub)) for sub in q.subqueries]
        matched = parts[0].matched.copy()
        for part in parts[1:]:
            matched &= part.matched
        out = _only(_Dense(matched, sum(p.scores for p in parts), sum(p.terms for p in parts),
                           sum(p.present for p in parts)), matched)
        if q.boost != 1.0:
            out.scores *= q.boost
        return out

    def _whoosh(self, q: wq.Query) -> _Sparse:
        """Any other query, scored by Whoosh's own matchers segment by segment."""
        docs: list[int] = []
        scores: list[float] = []
        for sub, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(sub, sub.context())
            while matcher.is_active():
                docs.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
                if not len(docs) % 256:
                    self.budget.check()
        return _Sparse(np.asarray(docs, dtype=np.int64), np.asarray(scores, dtype=np.float64),
                       1 if docs else 0)

    def _sum(self, parts: list[_Sparse]) -> _Dense:
        """Leaves OR'ed: each document's scores added in the leaves' order (``bincount``
        adds its weights in order, so the sums are those of adding leaf after leaf, bit for
        bit) and its count of leaves, in one pass over their postings: a scatter-add per
        leaf cost a tenth of a long query's matching."""
        docs = np.concatenate([found.docs for found in parts]).astype(np.int64, copy=False)
        terms = np.bincount(docs, minlength=self.size).astype(np.int32)
        scores = np.bincount(docs, np.concatenate([found.scores for found in parts]), minlength=self.size)
        return _Dense(terms > 0, scores, terms, sum(found.present for found in parts))

    def _empty(self) -> _Dense:
        return _Dense(np.zeros(self.size, bool), np.zeros(self.size), np.zeros(self.size, np.int32), 0)

    def _dense(self, found: _Sparse | _Dense) -> _Dense:
        if isinstance(found, _Dense):
            return found
        out = self._empty()
        out.matched[found.docs] = True
        out.scores[found.docs] = found.scores
        out.terms[found.docs] = 1
        out.present = found.present
        return out


def _merged(docs: np.ndarray, values: np.ndarray, more: np.ndarray,
            more_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two lists of unique docnums (the first sorted) and their values as one list of
    unique docnums, the values of a docnum in both added: ``more`` located in ``docs`` by
    binary search, its docnums not there appended. Not sorted again: what reads a
    :class:`_Sparse` scatters it into arrays, and a sort cost more than the rest."""
    at = np.searchsorted(docs, more)
    inside = docs.take(at, mode="clip") == more
    values[at[inside]] += more_values[inside]  # (the values are the caller's own arrays)
    if inside.all():
        return docs, values
    outside = ~inside
    return np.concatenate((docs, more[outside])), np.concatenate((values, more_values[outside]))


def _only(found: _Dense, mask: np.ndarray) -> _Dense:
    return _Dense(mask, np.where(mask, found.scores, 0.0), np.where(mask, found.terms, 0),
                  found.present)


def _coordinated(found: _Dense, scale: float) -> np.ndarray:
    """Whoosh's CoordMatcher (the "SQR" of the V-Twin engine): a bonus for each matching
    term beyond the first, and a penalty that fades as the query gets longer."""
    count = found.present
    if count == 0 or count == scale:
        return np.zeros_like(found.scores)
    bonus = (found.scores + (found.terms - 1) / (count - scale) ** 2) * ((count - 1) / count)
    return np.where(found.matched, bonus, 0.0)


def top_of(scores: np.ndarray, mask: np.ndarray, limit: int) -> Ranked:
    """The ``limit`` best-scoring docnums where ``mask`` holds: score descending, then docnum."""
    docs = np.flatnonzero(mask)
    values = scores[docs]
    if limit <= 0 or not len(docs):
        return []
    if len(docs) > limit:
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= kth  # every tie of the last place, so the docnum order decides
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))[:limit]
    return [(float(values[i]), int(docs[i])) for i in order]
