"""Top terms of a result set: the words that are most over-represented in the matching
articles compared with the whole index (Dunning's log-likelihood, the usual keyness
measure). Counted over a sample of the matches (``term_sample``: the impact lists'
forward index embedded, ``significant_text`` on a cluster), so a result set of any size
costs about the same."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .analysis import stem, stop_words
from .backends.base import SearchBackend
from .models import SearchRequest

SAMPLE = 400  # matching documents read (evenly spread over the matches)
MIN_COUNT = 3  # occurrences in the sample


@dataclass(frozen=True)
class Term:
    word: str  # a readable form: the commonest indexed word with this stem
    stem: str
    count: int  # occurrences in the sampled matches
    score: float  # log-likelihood keyness (higher: more distinctive)
    ratio: float  # how many times more frequent than in the whole index

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.word, "stem": self.stem, "count": self.count,
                "score": round(self.score, 2), "ratio": round(self.ratio, 2)}


_SURFACE: list[tuple[dict[str, int], dict[str, str]]] = []  # (the counts, their stems' words)


def _readable(counts: dict[str, int]) -> dict[str, str]:
    """Stem -> its commonest surface word among ``counts``. The embedded index hands the
    same dict for one generation, so it is built once per generation (the dict is kept,
    so its identity cannot be taken by another)."""
    if _SURFACE and _SURFACE[0][0] is counts:
        return _SURFACE[0][1]
    best: dict[str, tuple[int, str]] = {}
    for word, count in counts.items():
        s = stem(word)
        if s not in best or count > best[s][0]:
            best[s] = (count, word)
    found = {s: w for s, (_, w) in best.items()}
    _SURFACE[:] = [(counts, found)]  # one generation at a time
    return found


def _keyness(a: float, b: float, c: float, d: float) -> float:
    """Log-likelihood of a term seen ``a`` times in ``c`` words and ``b`` times in ``d``."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    ll = a * math.log(a / e1) if a else 0.0
    if b:
        ll += b * math.log(b / e2)
    return 2 * ll


def top_terms(engine: SearchBackend, request: SearchRequest, limit: int = 20) -> list[Term]:
    """The ``limit`` most distinctive words of the articles ``request`` matches."""
    sample = engine.term_sample(request, SAMPLE)
    matched, counts, total = sample.matched, sample.counts, sample.total
    index, index_total = sample.index, sample.index_total
    if not matched or not counts or total <= 0:
        return []
    # Scale the sample to the matches so the "rest of the index" counts stay positive.
    scale = matched / max(1, min(matched, sample.sampled))
    stops = stop_words()
    scored = []
    for term, count in counts.items():
        if count < MIN_COUNT or not term.isalpha() or len(term) < 3 or term in stops:
            continue
        a = count * scale
        rest = max(index.get(term, 0.0) - a, 0.0)
        rest_total = max(index_total - total * scale, 1.0)
        if a / (total * scale) <= rest / rest_total:
            continue  # under-represented: not distinctive
        score = _keyness(a, rest, total * scale, rest_total)
        ratio = (a / (total * scale)) / max(index.get(term, 1.0) / index_total, 1e-12)
        scored.append((score, term, int(count), ratio))
    scored.sort(key=lambda t: (-t[0], t[1]))
    readable = _readable(sample.words) if scored else {}
    return [Term(readable.get(term, term), term, count, score, ratio)
            for score, term, count, ratio in scored[:limit]]
