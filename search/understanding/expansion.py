"""Prefixes, wildcards and ranges expanded into the words they match, a bounded number.

Whoosh matches ``a*`` by OR-ing every indexed word that starts with ``a`` (2,420 in the
body of Reuters), stepping through their postings a document at a time in Python: ``a*
b* ... z*`` took 15-17 s and ``title:[a TO z] body:[a TO z]`` 7 s, holding a server
worker all the while. Here each such pattern becomes an OR of at most ``max_expansions``
of its words, the most frequent ones (as Elasticsearch's ``max_expansions`` and Lucene's
top-terms rewrite keep), which the vectorised scorer handles like any other OR of terms;
the whole query expands to at most ``max_expanded_terms`` words, shared out equally
between its patterns. Below the limits the query matches what it matched before, scored
as Whoosh scores a pattern in an index of over 5,000 documents: the sum of its words'
BM25F scores (Whoosh gives a constant 1 in smaller indexes, and past 1,024 words: its
``PreloadedOr``). What was cut is said in a warning.

Finding a pattern's words and their document counts through Whoosh's term readers cost
~1 s for ``a* ... z*`` alone (every word of the index, a lookup each); the title and
body words are therefore also kept as one sorted list per generation with their counts
(:class:`Lexicon`), where a prefix or a range is two bisections and its most frequent
words one partial sort.
"""

from __future__ import annotations

import fnmatch
import heapq
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable

import numpy as np
from whoosh import query as wq
from whoosh.reading import IndexReader

from ..budget import UNLIMITED, Budget
from ..settings import LIMITS, Limits

#: Fields whose patterns are shown to the user without their field name (the query's
#: default fields).
_DEFAULT_FIELDS = ("title", "body")


class Lexicon:
    """One field's words over every segment, sorted, with the documents each occurs in
    (deleted ones included, as Whoosh counts them): built once per index generation."""

    def __init__(self, words: list[str], counts: np.ndarray):
        self.words = words
        self.counts = counts

    @classmethod
    def from_impacts(cls, impacts, fieldname: str) -> "Lexicon":
        parts = []
        for segment, _ in impacts.segments:
            field = segment.fields.get(fieldname)
            if field is not None and len(field.ends):
                parts.append((field.words(), np.diff(field.ends, prepend=0)))
        if len(parts) == 1:  # (a segment's words are already sorted)
            return cls(parts[0][0], parts[0][1].astype(np.int64))
        total: dict[str, int] = {}
        for words, counts in parts:
            for word, count in zip(words, counts.tolist()):
                total[word] = total.get(word, 0) + count
        words = sorted(total)
        return cls(words, np.fromiter((total[w] for w in words), np.int64, len(words)))

    def span(self, node: wq.Query) -> tuple[int, int] | None:
        """The [lo, hi) positions of the words a prefix or range covers (None: another
        kind of pattern, or a prefix for a wildcard to filter)."""
        words = self.words
        if isinstance(node, wq.TermRange):
            lo = 0 if node.start is None else (bisect_right if node.startexcl else bisect_left)(
                words, node.start)
            hi = len(words) if node.end is None else (bisect_left if node.endexcl else bisect_right)(
                words, node.end)
            return lo, max(lo, hi)
        if isinstance(node, wq.Prefix):
            return _prefix_span(words, node.text)
        if isinstance(node, wq.Wildcard):
            return _prefix_span(words, re.split(r"[*?\[]", node.text, maxsplit=1)[0])
        return None


def _prefix_span(words: list[str], prefix: str) -> tuple[int, int]:
    if not prefix:
        return 0, len(words)
    lo = bisect_left(words, prefix)
    following = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))
    return lo, max(lo, bisect_left(words, following))


#: The lexicon of a field, or None when there is none (the field's words are then read
#: through Whoosh).
Lexicons = Callable[[str], "Lexicon | None"]


@dataclass(frozen=True)
class _Cut:
    pattern: str  # as the user wrote it: a*, [a TO z], person:lloyd*
    matched: int  # words the pattern matches in the index
    kept: tuple[str, ...]  # the words searched, most frequent first


def bound_expansions(q: wq.Query, reader: IndexReader, lexicons: Lexicons = lambda name: None,
                     limits: Limits = LIMITS,
                     budget: Budget = UNLIMITED) -> tuple[wq.Query, tuple[str, ...]]:
    """``q`` with each prefix, wildcard and range replaced by an OR of the words it matches
    (at most the limits' number, the most frequent), and the warnings for what was cut."""
    patterns = _patterns(q)
    if not patterns:
        return q, ()
    share = max(1, min(limits.max_expansions, limits.max_expanded_terms // len(patterns)))
    cuts: dict[str, _Cut] = {}

    def expand(node: wq.Query) -> wq.Query:
        if not _expandable(node):
            return node
        budget.check()
        lexicon = lexicons(node.fieldname)
        span = lexicon.span(node) if lexicon is not None else None
        words, matched = (_from_lexicon(node, lexicon, span, share, budget) if span is not None
                          else _from_reader(node, reader, share, budget))
        if matched > len(words):
            key = _shown(node)
            if key not in cuts or cuts[key].matched < matched:
                cuts[key] = _Cut(key, matched, tuple(words))
        terms = [wq.Term(node.fieldname, word, boost=node.boost) for word in words]
        if not terms:
            return wq.NullQuery
        return terms[0] if len(terms) == 1 else wq.Or(terms)

    return q.accept(expand), _warnings(list(cuts.values()), share)


def _expandable(node: wq.Query) -> bool:
    """A pattern over the words of a field (not ``*`` alone, which is every document)."""
    if isinstance(node, wq.Prefix) and not node.text:
        return False
    return isinstance(node, wq.MultiTerm) and isinstance(getattr(node, "fieldname", None), str)


def _patterns(q: wq.Query) -> list[wq.Query]:
    found = []

    def walk(node: wq.Query) -> None:
        if _expandable(node):
            found.append(node)
        else:
            for child in node.children():
                walk(child)

    walk(q)
    return found


def _from_lexicon(node: wq.Query, lexicon: Lexicon, span: tuple[int, int], limit: int,
                  budget: Budget) -> tuple[list[str], int]:
    lo, hi = span
    if isinstance(node, wq.Wildcard):  # the words under its literal prefix, filtered
        match = re.compile(fnmatch.translate(node.text)).match
        positions = []
        for i in range(lo, hi):
            if i % 4096 == 4095:
                budget.check()
            if match(lexicon.words[i]):
                positions.append(i)
        chosen = np.asarray(positions, dtype=np.int64)
    else:
        chosen = np.arange(lo, hi)
    return _best(lexicon.words, chosen, lexicon.counts[chosen], limit), len(chosen)


def _best(words: list[str], positions: np.ndarray, counts: np.ndarray, limit: int) -> list[str]:
    """The words at the ``limit`` largest counts (ties: alphabetical, i.e. by position)."""
    best = positions[np.lexsort((positions, -counts))[:limit]]
    return [words[i] for i in best.tolist()]


def _from_reader(node: wq.Query, reader: IndexReader, limit: int,
                 budget: Budget) -> tuple[list[str], int]:
    """The ``limit`` words of ``node`` in the most documents (ties: alphabetical), and how
    many words it matches in all, through Whoosh's reader (facet fields, older indexes)."""
    field = node.fieldname
    if field not in reader.schema:
        return [], 0
    from_bytes = reader.schema[field].from_bytes
    counted: list[tuple[int, str]] = []
    for i, (_, btext) in enumerate(node.expanded_terms(reader)):
        if i % 1024 == 1023:
            budget.check()  # (a leading wildcard reads the whole vocabulary)
        word = from_bytes(btext)
        counted.append((reader.doc_frequency(field, word), word))
    best = heapq.nsmallest(limit, counted, key=lambda fw: (-fw[0], fw[1]))
    return [word for _, word in best], len(counted)


def _shown(node: wq.Query) -> str:
    if isinstance(node, wq.TermRange):
        text = f"[{node.start or ''} TO {node.end or ''}]"
    elif isinstance(node, wq.Prefix):
        text = f"{node.text}*"
    else:
        text = str(getattr(node, "text", node))
    return text if node.fieldname in _DEFAULT_FIELDS else f"{node.fieldname}:{text}"


def _warnings(cuts: list[_Cut], share: int) -> tuple[str, ...]:
    if not cuts:
        return ()
    if len(cuts) > 3:
        shown = ", ".join(c.pattern for c in cuts[:5]) + (", …" if len(cuts) > 5 else "")
        return (f"{len(cuts)} prefixes, wildcards or ranges ({shown}) match more words than a "
                f"search reads: each was searched for its {share} most frequent words only; "
                "longer prefixes or narrower ranges reach the others",)
    return tuple(
        f"{c.pattern} matches {c.matched:,} words: searched for the {len(c.kept)} most "
        f"frequent only ({', '.join(c.kept[:3])}, …); a longer prefix or a narrower range "
        "reaches the others" for c in cuts)
