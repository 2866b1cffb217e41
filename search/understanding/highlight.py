"""Best passages of an article for a query, as plain text plus match offsets.

Passages are chosen, not rendered: the web escapes them and wraps matches in ``<mark>``,
the terminal colours them or puts them in [brackets]. Only the first ``MAX_CHARS`` of a
long article are analysed, so a 1 MB article costs what a 60 kB one does.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from typing import Mapping

from ..analysis import matching_words, word_terms
from ..models import Highlight

MAX_CHARS = 60_000
PASSAGE_CHARS = 240
# A sentence ends at . ! ? followed by space, but not after an initial ("Lloyd J. Austin")
# or a common abbreviation ("Gen. Milley", "U.S. officials").
_SENTENCE_BREAK_RE = re.compile(
    r"(?<=[.!?])(?<![\s(][A-Z]\.)(?<!Mr\.)(?<!Ms\.)(?<!Dr\.)(?<!St\.)(?<!Mrs\.)(?<!Gen\.)"
    r"(?<!Lt\.)(?<!Col\.)(?<!Sgt\.)(?<!Rep\.)(?<!Sen\.)(?<!Gov\.)(?<!No\.)(?<!U\.S\.)\s+|\n+")


@dataclass(frozen=True)
class MatchTerms:
    """What a query matches: exact index terms and prefixes (from ``word*``)."""

    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    #: idf of each term (passages.py): a sentence with the rarest matches is shown first;
    #: a term without a weight counts 1.
    weights: Mapping[str, float] = field(default_factory=dict, hash=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)


def match_spans(text: str, wanted: MatchTerms) -> list[tuple[int, int]]:
    """[start, end) character offsets of the words in ``text`` that the query matches."""
    return matching_words(text[:MAX_CHARS], wanted.terms, wanted.prefixes)


def _sentences(text: str, until: int | None = None) -> list[tuple[int, int]]:
    """[start, end) of each sentence: the text between the breaks _SENTENCE_BREAK_RE finds;
    with ``until``, only the sentences up to the one holding that offset (a hit's passages
    need none after its last match).

    A break starts right after . ! ? or at a newline, so the regex is tried only there
    (found with str.find), in order, as ``finditer`` would meet them: scanning every
    character with its lookbehinds cost three times as much."""
    candidates = []
    for char in ".!?\n":
        at = text.find(char)
        while at != -1:
            candidates.append(at if char == "\n" else at + 1)
            at = text.find(char, at + 1)
    candidates.sort()
    bounds, start = [], 0
    for at in candidates:
        if at < start:  # inside the last break
            continue
        match = _SENTENCE_BREAK_RE.match(text, at)
        if match is None:
            continue
        if at > start:
            bounds.append((start, at))
            if until is not None and at > until:
                return bounds
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


class _Sentences(dict):
    """The sentences of the texts highlighted last (``_sentences``, as one array of
    ``start, end, start, end, ...`` per text), up to ``chars`` characters of text in all
    (then emptied), as ``analysis`` keeps their words: a search shows the same articles
    again for its next page, a ticked facet or a refined query. Read, as ``_sentences``
    reads them, up to the sentence holding a match (``until``): read further when a later
    query matches further on."""

    def __init__(self, chars: int):
        super().__init__()
        self.chars, self.held = chars, 0

    def upto(self, text: str, until: int) -> array:
        found = self.get(text)
        if found is not None and until < found[-1]:
            return found
        found = array("i", [at for bounds in _sentences(text, until) for at in bounds])
        if found and len(text) <= self.chars // 16:
            if text not in self:
                if self.held + len(text) > self.chars:
                    self.clear()
                    self.held = 0
                self.held += len(text)
            self[text] = found
        return found


_SENTENCES = _Sentences(4_000_000)


def _trim(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Cut a long sentence to about PASSAGE_CHARS around its first match, on word edges."""
    if end - start <= PASSAGE_CHARS:
        return start, end
    inside = [s for s in spans if start <= s[0] < end]
    centre = inside[0][0] if inside else start
    cut_start = max(start, centre - PASSAGE_CHARS // 3)
    cut_end = min(end, cut_start + PASSAGE_CHARS)
    new_start, new_end = cut_start, cut_end
    while start < new_start < cut_end and not text[new_start - 1].isspace():
        new_start += 1
    if new_start == cut_end:  # no word edge in the window (one long "word"): cut inside it
        new_start = cut_start
    while new_start < new_end < end and not text[new_end].isspace():
        new_end -= 1
    if new_end == new_start:
        new_end = cut_end
    return new_start, max(new_end, new_start + 1)


def best_passages(text: str, wanted: MatchTerms, count: int = 3) -> tuple[Highlight, ...]:
    """Up to ``count`` passages (sentences) with the most distinct matching words, in text order."""
    if not text or count <= 0 or not wanted:
        return ()
    spans = match_spans(text, wanted)
    if not spans:
        return ()
    # A word never crosses a sentence break (breaks are spaces), so a sentence's words
    # are those starting in it: sentences and spans are walked together, in text order.
    worth = _worth(text, spans, wanted)
    scored = []
    first = 0
    until = spans[-1][0]
    bounds = _SENTENCES.upto(text[:MAX_CHARS], until)
    for start, end in zip(bounds[::2], bounds[1::2]):
        while first < len(spans) and spans[first][0] < start:
            first += 1
        last = first
        while last < len(spans) and spans[last][0] < end:
            last += 1
        if last > first:
            scored.append((_weight(text, spans[first:last], worth), -start, start, end))
            first = last
        if end > until:  # (no match starts in a later sentence)
            break
    best, seen = [], set()
    for entry in sorted(scored, reverse=True):  # a sentence the article repeats, once
        sentence = text[entry[2]:entry[3]]
        if sentence not in seen:
            seen.add(sentence)
            best.append(entry)
            if len(best) == count:
                break
    chosen = sorted(best, key=lambda s: s[2])
    passages = []
    for _, _, sentence_start, sentence_end in chosen:
        start, end = _trim(text, sentence_start, sentence_end, spans)
        lead = "\u2026" if start > sentence_start else ""
        tail = "\u2026" if end < sentence_end else ""
        marks = tuple((a - start + len(lead), b - start + len(lead))
                      for a, b in spans if start <= a and b <= end)
        passages.append(Highlight(lead + text[start:end] + tail, marks))
    return tuple(passages)


def _worth(text: str, spans: list[tuple[int, int]],
           wanted: MatchTerms) -> dict[str, tuple[str, float]]:
    """Each matched word's (term it counts as, weight): the query term it yields (the
    rarest, if several), weighted by ``wanted.weights``; without weights, the word itself
    at 1. Worked out once per distinct word, not per occurrence."""
    worth: dict[str, tuple[str, float]] = {}
    for a, b in spans:
        word = text[a:b]
        if word in worth:
            continue
        terms = word_terms(word) & wanted.terms if wanted.weights else frozenset()
        worth[word] = ((min(terms), max(wanted.weights.get(t, 1.0) for t in terms)) if terms
                       else (word.lower(), 1.0))
    return worth


def _weight(text: str, inside: list[tuple[int, int]], worth: dict[str, tuple[str, float]]) -> float:
    """A sentence's worth: the weights of the distinct terms it matches (each term once, so
    ten "Ukraine"s do not beat one "Patriot"), and a little for every further match."""
    matched = dict(worth[text[a:b]] for a, b in inside)
    return sum(matched.values()) * 10 + len(inside)


def lead_passage(text: str) -> tuple[Highlight, ...]:
    """The opening of an article, for hits with nothing to highlight (filters only)."""
    if not text:
        return ()
    start, end = _trim(text, 0, min(len(text), PASSAGE_CHARS * 2), [])
    return (Highlight(text[start:end] + ("\u2026" if end < len(text) else ""), ()),)
