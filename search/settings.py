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
    #: Query-time weight of a title match relative to a body match (BM25F field weight).
    title_boost: float = 2.5
    #: Queries of this many words or more, with no operators, quotes or fields, are read as
    #: natural language: any word may match, documents matching more words rank higher
    #: (like Elasticsearch's minimum_should_match). Shorter queries need every word.
    long_query_words: int = 5
    #: Coordination bonus for OR queries (Whoosh OrGroup scale): 0 = none, 1 = strong.
    or_coordination: float = 0.9


RANKING = Ranking()
