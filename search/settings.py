"""Ranking defaults, in one place, with why.

They are general defaults, measured on Cranfield by ``bench/`` (see bench/README.md) and
not tuned per query or per collection.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ranking:
    #: BM25 term-frequency saturation and length normalisation.
    k1: float = 1.2
    b: float = 0.75
    #: Inverse document frequency: "whoosh" (log(N / (df + 1)) + 1) or "bm25"
    #: (Robertson-Sparck Jones, log(1 + (N - df + 0.5) / (df + 0.5)), as Lucene and bm25s).
    idf: str = "bm25"
    #: Query-time weight of a title match relative to a body match (BM25F field weight).
    #: Modest on purpose: each field is scored with its own length normalisation, so a word
    #: in a ten-word title already scores well above the same word in a long body, and
    #: title words usually recur in the body. Cranfield (whose abstracts repeat the title):
    #: 1.0 and 1.2 measure alike, 2.5 loses 0.02 nDCG@10.
    title_boost: float = 1.0
    #: Queries of this many words or more, with no operators, quotes or fields, are read as
    #: natural language: any word may match, documents matching more words rank higher
    #: (like Elasticsearch's minimum_should_match). Shorter queries need every word.
    long_query_words: int = 5
    #: Coordination bonus for OR queries (Whoosh OrGroup scale): 0 = none, 1 = strong.
    #: None by default: with the product applying it again (it was lost on the way, issue
    #: 14), 0.9 and 0.5 measure within .0005 MAP of 0 on the five collections, and a short
    #: query's articles with every word rank first anyway (``AllFirst``).
    or_coordination: float = 0.0
    #: Shorter keyword queries of at least this many words are relaxed: articles with all
    #: the words first, then the best partial matches below them (0: every word required).
    relax_min_words: int = 2
    #: A word repeated in a natural-language query weighs more (long queries repeat their
    #: topic words): BM25's query-term saturation, (k3 + 1) qtf / (k3 + qtf). 0: each word
    #: counts once; a large k3 counts every repeat in full, as FTS5 and bm25s do.
    query_tf_k3: float = 0.5
    #: Drop the words of ``data/query_stopwords.txt`` (can, must, whether...) from
    #: natural-language queries.
    drop_query_stop_words: bool = True
    #: Pseudo-relevance feedback for natural-language queries (see ``feedback.py``): the
    #: best ``feedback_terms`` body terms of the top ``feedback_docs`` results rescore the
    #: first ``feedback_window`` results, the best term at ``feedback_weight``. 0 docs: off.
    feedback_docs: int = 10
    feedback_terms: int = 10
    feedback_weight: float = 1.0
    feedback_window: int = 300

RANKING = Ranking()
