"""Spelling correction of query words: the closest indexed word, nearest first, then the
most used, where an entity's name counts its articles too.

Whoosh's corrector ranks every word within the edit distance by frequency alone, so
``patriott`` became "patriotic" (two edits, frequent) rather than "patriot" (one edit);
and a swapped pair of letters (``stoltenbreg``, ``zelenksy``) costs two Levenshtein edits.
Here candidates are ranked by the optimal-string-alignment distance (a transposition is
one edit), then by how many articles use the word, plus the articles tagged with an
entity whose name contains it.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from typing import Any

from ..analysis import fold_accents, query_terms, stop_words
from .facet_values import FacetTable, value_key
from .vocabulary import Vocabulary
from ..budget import UNLIMITED, Budget
from ..settings import Limits

NAME_KINDS = ("person", "system", "org", "place")
#: A query finding this many articles or fewer searches its correction instead, if that
#: finds more (the results say so, with a way back to the words as typed).
FEW_RESULTS = 2
_NAMES: "weakref.WeakKeyDictionary[FacetTable, Counter[str]]" = weakref.WeakKeyDictionary()


def distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: insertions, deletions, substitutions and swaps of two
    neighbouring letters (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def name_words(facets: FacetTable) -> Counter[str]:
    """Each word of an entity's name with the articles tagged with it (per generation)."""
    found = _NAMES.get(facets)
    if found is None:
        found = Counter()
        for kind in NAME_KINDS:
            for value, count in facets.totals[kind].items():
                for word in value_key(value).split():
                    found[word] += count
        _NAMES[facets] = found
    return found


def correct(word: str, vocabulary: Vocabulary, names: Counter[str], maxdist: int) -> str | None:
    """The best indexed word within ``maxdist`` edits of ``word`` (folded, lower case)."""
    candidates = [w for w in vocabulary.within(word, maxdist) if w != word]
    if not candidates:
        return None
    counts = vocabulary.counts
    return min(candidates, key=lambda w: (distance(word, w), -(counts[w] + names.get(w, 0)), w))


def suggest(text: str, reader: Any, vocabulary: Vocabulary, facets: FacetTable, limits: Limits,
            budget: Budget = UNLIMITED) -> str:
    """"Did you mean": the query's unknown words replaced by the closest indexed word
    (unstemmed), or "" when none is. Only words of a plausible length, a few per query, and
    only while the search's time budget lasts: it is a hint, and edit-distance search is
    costly. ``reader`` answers ``(field, term) in reader`` (Whoosh's, or a cluster's view)."""
    if not text:
        return ""
    changed = False
    out = []
    fixes: dict[str, str | None] = {}  # each distinct word is looked up once
    names: Counter[str] | None = None  # entity names' words, read on the first unknown word
    for token in re.split(r"(\s+)", text):
        word = token.lstrip("+-")
        key = fold_accents(word).lower()
        if (not word.isalpha() or len(key) < 4 or key in stop_words() or word in ("AND", "OR", "NOT")
                or len(key) > limits.suggest_max_word_chars
                or (key not in fixes and (len(fixes) >= limits.suggest_max_words or budget.expired))
                or key in vocabulary
                or all(("body", t) in reader or ("title", t) in reader for t in query_terms(word))):
            out.append(token)
            continue
        if names is None:
            names = name_words(facets)
        if key not in fixes:
            fixes[key] = correct(key, vocabulary, names, maxdist=2 if len(key) > 5 else 1)
        found = fixes[key]
        if found:  # (a name is written with its capital)
            fixed = found.capitalize() if word[0].isupper() or found in names else found
            out.append(token[: len(token) - len(word)] + fixed)
            changed = True
        else:
            out.append(token)
    return "".join(out) if changed else ""
