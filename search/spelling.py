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

import weakref
from collections import Counter

from .backends.embedded.facets import FacetTable, value_key
from .backends.embedded.vocabulary import Vocabulary

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
