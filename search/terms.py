"""Top terms of a result set: the words that are most over-represented in the matching
articles compared with the whole index (Dunning's log-likelihood, the usual keyness
measure). Counted over the impact lists' forward index of a sample of the matches, so
a result set of any size costs about the same."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .analysis import stem, stop_words
from .engine import SearchEngine
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


_SURFACE: dict[int, dict[str, str]] = {}


def _readable(engine: SearchEngine) -> dict[str, str]:
    """Stem -> its commonest surface word, built once per index generation."""
    counts = engine.word_counts()
    key = id(counts)
    found = _SURFACE.get(key)
    if found is None:
        best: dict[str, tuple[int, str]] = {}
        for word, count in counts.items():
            s = stem(word)
            if s not in best or count > best[s][0]:
                best[s] = (count, word)
        found = {s: w for s, (_, w) in best.items()}
        _SURFACE.clear()  # one generation at a time
        _SURFACE[key] = found
    return found


def _sample(mask: np.ndarray, size: int) -> list[int]:
    docs = np.flatnonzero(mask)
    if len(docs) > size:
        docs = docs[np.linspace(0, len(docs) - 1, size).astype(np.int64)]
    return docs.tolist()


def _keyness(a: float, b: float, c: float, d: float) -> float:
    """Log-likelihood of a term seen ``a`` times in ``c`` words and ``b`` times in ``d``."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    ll = a * math.log(a / e1) if a else 0.0
    if b:
        ll += b * math.log(b / e2)
    return 2 * ll


def top_terms(engine: SearchEngine, request: SearchRequest, limit: int = 20) -> list[Term]:
    """The ``limit`` most distinctive words of the articles ``request`` matches."""
    mask = engine.match_mask(request)
    matched = int(np.count_nonzero(mask))
    if not matched:
        return []
    counts, total, index, index_total = engine.term_counts(_sample(mask, SAMPLE))
    if not counts or total <= 0:
        return []
    # Scale the sample to the matches so the "rest of the index" counts stay positive.
    scale = matched / min(matched, SAMPLE)
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
    readable = _readable(engine) if scored else {}
    return [Term(readable.get(term, term), term, count, score, ratio)
            for score, term, count, ratio in scored[:limit]]
