"""The index's vocabulary: unstemmed words with the number of articles using each, for
"did you mean" and word completion.

Read from the impact files (see ``impacts.py``); an index written before those held it
keeps the words as a Whoosh field, which is read instead (:meth:`Vocabulary.from_field`).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Iterator

from whoosh.automata.lev import levenshtein_automaton
from whoosh.spelling import Corrector


class Vocabulary:
    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.words = sorted(counts)

    @classmethod
    def from_field(cls, reader: Any) -> "Vocabulary":
        """From the ``words`` field of an index written before impact files held it."""
        if "words" not in reader.schema:
            return cls({})
        return cls({term.decode("utf-8"): reader.doc_frequency("words", term)
                    for term in reader.lexicon("words")})

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def starting_with(self, prefix: str) -> Iterator[str]:
        """The words starting with ``prefix``, in alphabetical order."""
        for i in range(bisect_left(self.words, prefix), len(self.words)):
            if not self.words[i].startswith(prefix):
                return
            yield self.words[i]

    def corrector(self) -> Corrector:
        return _Corrector(self)

    def within(self, text: str, maxdist: int, prefix: int = 0) -> Iterator[str]:
        """The words within ``maxdist`` Levenshtein edits of ``text`` (spelling.py)."""
        return _Corrector(self)._within(text, maxdist, prefix)


class _Corrector(Corrector):
    """Whoosh's ``ReaderCorrector`` over the vocabulary: the words within ``maxdist`` edits
    (Whoosh's Levenshtein automaton, walked over the sorted words), the most used first."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary

    def _suggestions(self, text: str, maxdist: int, prefix: int):
        counts = self.vocabulary.counts
        for word in self._within(text, maxdist, prefix):
            yield 0 - (maxdist + (1.0 / (counts[word] or 1) * 0.5)), word

    def _within(self, text: str, maxdist: int, prefix: int) -> Iterator[str]:
        """As Whoosh's ``Automata.find_matches``: jump to the automaton's next valid
        string, take the first word at or after it, repeat."""
        words = self.vocabulary.words
        dfa = levenshtein_automaton(text, maxdist, prefix).to_dfa()
        at = 0
        while at < len(words):
            match = dfa.next_valid_string(words[at])
            if match is None:
                return
            at = bisect_left(words, match, at)
            if at < len(words) and words[at] == match:
                yield match
                at += 1
