"""Ranking the top of a result list: BM25F, then pseudo-relevance feedback for sentences.

A query typed as a sentence ("what are the structural problems of high speed aircraft")
rarely uses the words of the best articles. The most informative body terms of its first
results (Bo1, the divergence-from-randomness model Terrier uses for query expansion) tell
what those articles are about; rescoring the first ``feedback_window`` results with them
moves up the ones that share that vocabulary. Like Elasticsearch's ``rescore``, it only
reorders a window of what the user's words matched, so totals and facets are unchanged
and the cost stays bounded. Keyword queries are left alone: their user chose every word.
"""

from __future__ import annotations

from math import log

import numpy as np
from whoosh import classify, query
from whoosh.searching import Searcher

from .impacts import Impacts
from ...understanding.parsed_query import ParsedQuery
from .scorer import Matches, Ranked, Scorer
from ...settings import RANKING, Ranking

_LOG2 = log(2)


def top_documents(searcher: Searcher, q: query.Query, parsed: ParsedQuery, *, limit: int,
                  allowed: np.ndarray | None = None, ranking: Ranking = RANKING,
                  scorer: Scorer | None = None, matches: Matches | None = None) -> Ranked:
    """The best ``limit`` matches of ``q`` (restricted to the ``allowed`` mask if given),
    scored by ``scorer`` when the index has impact lists (``matches``: what it already
    found for ``q``), else by Whoosh."""
    rescore = parsed.natural and ranking.feedback_docs > 0
    window = max(limit, ranking.feedback_window) if rescore else limit
    if scorer is not None:
        matches = matches or scorer.match(q)
        top = matches.top(window, allowed)
    else:
        docs = None if allowed is None else set(np.flatnonzero(allowed).tolist())
        # top_n, not list(results): iterating Results counts every match again.
        top = searcher.search(q, limit=window, filter=docs, terms=False).top_n
    if not rescore or len(top) < ranking.feedback_docs:
        return top[:limit]
    best = [d for _, d in top[:ranking.feedback_docs]]
    weights = _document_weights([s for s, _ in top[:ranking.feedback_docs]], ranking)
    terms = (feedback_terms(searcher, best, ranking, weights) if scorer is None
             else expansion_terms(scorer.impacts, best, ranking, weights))
    if not terms:
        return top[:limit]
    head = top[:ranking.feedback_window]
    window_docs = sorted(d for _, d in head)
    bonus = (_vector_scores(scorer, terms, window_docs) if scorer is not None
             else _scores(searcher, terms, window_docs))
    head = sorted(((s + bonus.get(d, 0.0), d) for s, d in head), key=lambda sd: (-sd[0], sd[1]))
    return (head + top[len(head):])[:limit]


def _document_weights(scores: list[float], ranking: Ranking) -> list[float] | None:
    """How much each feedback document's words count: its first-pass score over the mean
    of theirs (``feedback_by_score``), as a relevance model weighs each document by how
    well it matches the query, or None (each counts once, as in plain Bo1). Counted
    alike, the tenth document, which matched the query's words weakly, pulls as hard as the
    first: on a collection about one subject, a few such documents on a neighbouring
    topic (the retreat from Lysychansk, for why Russian forces withdrew from around Kyiv)
    steer the feedback terms to theirs."""
    total = sum(scores)
    if not ranking.feedback_by_score or total <= 0:
        return None
    return [s * len(scores) / total for s in scores]


class _WeightedExpander(classify.Expander):
    """Whoosh's Bo1 expander, each added document's term weights multiplied by
    ``weight``."""

    weight = 1.0

    def add(self, vector):
        weight = self.weight
        super().add((word, count * weight) for word, count in vector)


def feedback_terms(searcher: Searcher, docnums: list[int], ranking: Ranking = RANKING,
                   doc_weights: list[float] | None = None) -> list[query.Term]:
    """The best ``feedback_terms`` body terms of ``docnums`` (each document's counts times
    its ``doc_weights``, if given), weighted relative to the best one (which gets
    ``feedback_weight``, against 1.0 for each of the user's words)."""
    if doc_weights is None:
        scored = searcher.key_terms(docnums, "body", numterms=ranking.feedback_terms,
                                    normalize=False)
    else:  # (Searcher.key_terms, with each document weighted)
        expander = _WeightedExpander(searcher.reader(), "body")
        for docnum, weight in zip(docnums, doc_weights):
            expander.weight = weight
            expander.add_document(docnum)
        scored = expander.expanded_terms(ranking.feedback_terms, normalize=False)
    best = max((weight for _, weight in scored), default=0.0)
    return [query.Term("body", term, boost=ranking.feedback_weight * weight / best)
            for term, weight in scored if weight > 0]


def expansion_terms(impacts: Impacts, docnums: list[int], ranking: Ranking = RANKING,
                    doc_weights: list[float] | None = None) -> list[query.Term]:
    """:func:`feedback_terms` from the impact lists' forward index instead of re-analysing
    the documents' stored text: the same Bo1 weights and order as Whoosh's expander."""
    numbers, weight = impacts.top_weight_numbers("body", docnums, doc_weights)
    if not len(numbers):
        return []
    numbered = impacts.numbered("body")
    # (every word of a document occurs in the index; a query's documents have ~1,000 words,
    # scored at once in numpy, looked up as words only for the best)
    f = numbered.frequencies[numbers] / impacts.doc_count_all
    scores = weight * (np.log((1.0 + f) / f) / _LOG2) + np.log(1.0 + f) / _LOG2
    best = float(scores.max())
    if best <= 0:
        return []
    wanted = min(ranking.feedback_terms, len(numbers))
    if wanted <= 0:
        return []
    kth = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
    words = numbered.words
    scored = sorted(((float(scores[i]), words[n]) for i, n in
                     zip(np.flatnonzero(scores >= kth).tolist(), numbers[scores >= kth].tolist())),
                    key=lambda sw: (-sw[0], sw[1]))  # (ties of the last place: by word)
    return [query.Term("body", word, boost=ranking.feedback_weight * score / best)
            for score, word in scored[:wanted] if score > 0]


def _vector_scores(scorer: Scorer, terms: list[query.Term], docnums: list[int]) -> dict[int, float]:
    """:func:`_scores` from the impact lists: the terms found in the window's documents'
    forward lists."""
    total = scorer.window_scores(terms, np.asarray(docnums, dtype=np.int64))
    return dict(zip(docnums, total.tolist()))


def _scores(searcher: Searcher, terms: list[query.Term], docnums: list[int]) -> dict[int, float]:
    """Summed scores of ``terms`` in the (sorted) ``docnums`` only: each posting list is
    skipped through to the window's documents instead of read whole, so a common term
    costs no more than a rare one."""
    scores = dict.fromkeys(docnums, 0.0)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in docnums if offset <= d < end]
        if not local:
            continue
        for term in terms:
            matcher = term.matcher(leaf)
            for d in local:
                if not matcher.is_active():
                    break
                if matcher.id() < d:
                    matcher.skip_to(d)
                if matcher.is_active() and matcher.id() == d:
                    scores[d + offset] += matcher.score()
    return scores
