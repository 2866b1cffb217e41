"""Words and sentences of an article, with character offsets, computed once per article.

The context rules (a cue word within eight words, a system in the same sentence, the
word before a name) all ask questions of this one structure.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import accumulate, repeat

# A "Read more" link glued to the text before it ("... says EstoniaRead more") is split off
# the word it is glued to, and starts a new sentence.
_TOKEN_RE = re.compile(r"[^\W_]*[^\W\d_](?=Read more\b)|"
                       r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*|[^\w\s]")
# Equivalent forms of _TOKEN_RE for the common cases, chosen by _token_regex (each is a
# single capturing group, for ``split``): without the "Read more" alternative (which
# backtracks through every word) when the text lacks "Read more", and with ASCII classes
# (much cheaper to test than Unicode categories) when the text is ASCII.
_SPLIT_TOKEN_RE = re.compile("(" + _TOKEN_RE.pattern + ")")
_SPLIT_PLAIN_TOKEN_RE = re.compile(r"([^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*|[^\w\s])")
_SPLIT_ASCII_TOKEN_RE = re.compile(r"([A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*|[^A-Za-z0-9_\s])")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n|\n[ \t]{2,}")
_SENTENCE_END_RE = re.compile(r"[.!?]")
_GLUED_READ_MORE_RE = re.compile(r"Read(?= more)")
_MATCH_START = re.Match.start
# What follows the place of a dateline: "WASHINGTON 1996-08-30", "LONDON (Reuters)", "PARIS, Aug 30".
DATELINE_AFTER_RE = re.compile(r"[ \t]*(?:\d{4}-\d\d-\d\d|\((?:Reuters|AP|AFP)\)|,[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}\b)")
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "gen", "lt", "col", "sgt", "capt", "maj", "adm", "gov",
                           "sen", "rep", "st", "no", "jan", "feb", "aug", "sept", "oct", "nov", "dec",
                           "jr", "sr", "inc", "corp", "co", "ltd", "vs", "prof", "u.s", "u.k", "u.n"})


@dataclass
class Doc:
    text: str
    words: list[str] = field(default_factory=list)  # tokens as written (words and punctuation)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)  # sentence number of each token
    sentence_start: list[bool] = field(default_factory=list)  # first word of its sentence
    lowers: list[str] = field(default_factory=list)  # ``words`` in lower case
    lowercase_words: set[str] | None = None  # the words written in lower case (computed on demand)

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.starts, offset)

    def token_before(self, offset: int) -> int:
        """Index of the last token ending at or before ``offset`` (-1 if none)."""
        return bisect.bisect_right(self.ends, offset) - 1

    def lower(self, i: int) -> str:
        return self.lowers[i] if 0 <= i < len(self.lowers) else ""

    def window(self, start: int, end: int, size: int) -> list[str]:
        """Lower-cased words within ``size`` words either side of a character span, same sentence."""
        first = self.token_at(start)
        last = self.token_before(end)
        words, lowers = self.words, self.lowers
        out: list[str] = []
        if first >= len(words):
            return out
        sent = self.sentence
        here = sent[first]
        i, taken = first - 1, 0
        while i >= 0 and taken < size and sent[i] == here:
            if words[i][0].isalnum():
                out.append(lowers[i])
                taken += 1
            i -= 1
        i, taken = last + 1, 0
        while i < len(words) and taken < size and sent[i] == here:
            if words[i][0].isalnum():
                out.append(lowers[i])
                taken += 1
            i += 1
        return out


def _token_regex(text: str) -> re.Pattern:
    if "Read more" in text:
        return _SPLIT_TOKEN_RE
    return _SPLIT_ASCII_TOKEN_RE if text.isascii() else _SPLIT_PLAIN_TOKEN_RE


def _tokenize(text: str, offset: int = 0) -> tuple[list[str], list[int], list[int]]:
    """Tokens of ``text`` with start and end offsets (plus ``offset``).

    ``split`` on a capturing regex gives gap, token, gap, token, ..., gap; running sums of
    their lengths are the offsets. Everything runs in C: no Python code, no Match object
    per token.
    """
    parts = _token_regex(text).split(text)
    bounds = list(accumulate(map(len, parts), initial=offset))  # bounds[k + 1]: end of parts[k]
    return parts[1::2], bounds[1:-1:2], bounds[2::2]


def parse(text: str) -> Doc:
    """Tokens with offsets, and their sentence numbers.

    Sentences are cut only where a break is possible (a paragraph break, ``.``/``!``/``?``,
    a glued ``Read more``), which are few, rather than by a Python loop over the tokens.
    """
    words, starts, ends = _tokenize(text)
    return _finish(Doc(text, words, starts, ends, lowers=list(map(str.lower, words))))


def reparse(doc: Doc, text: str) -> Doc:
    """``parse(text)`` for a ``text`` that differs from ``doc.text`` only inside some lines,
    with the same length and the same line breaks (:func:`people.recase_shouted`).

    No token spans a line break, so the tokens of unchanged lines are ``doc``'s; only the
    changed lines are tokenized again. Sentences are numbered afresh.
    """
    old_lines, new_lines = doc.text.split("\n"), text.split("\n")
    if len(text) != len(doc.text) or len(old_lines) != len(new_lines):
        return parse(text)
    new = Doc(text)
    kept = 0  # tokens of ``doc`` before this index are copied or replaced already
    line_start = 0
    for old_line, new_line in zip(old_lines, new_lines):
        if old_line != new_line:
            if len(old_line) != len(new_line):
                return parse(text)
            first = bisect.bisect_left(doc.starts, line_start, kept)
            after = bisect.bisect_left(doc.starts, line_start + len(old_line), first)
            _copy_tokens(doc, kept, first, new)
            words, starts, ends = _tokenize(new_line, line_start)
            new.words += words
            new.starts += starts
            new.ends += ends
            new.lowers += map(str.lower, words)
            kept = after
        line_start += len(old_line) + 1
    _copy_tokens(doc, kept, len(doc.words), new)
    return _finish(new)


def _copy_tokens(source: Doc, first: int, stop: int, target: Doc) -> None:
    """Append tokens ``first`` to ``stop - 1`` of ``source`` to ``target``."""
    target.words += source.words[first:stop]
    target.starts += source.starts[first:stop]
    target.ends += source.ends[first:stop]
    target.lowers += source.lowers[first:stop]


def _finish(doc: Doc) -> Doc:
    """The sentences of a tokenized Doc."""
    if doc.words:
        boundaries = _sentence_boundaries(doc)
        doc.sentence, doc.sentence_start = _number_sentences(doc.words, boundaries)
    return doc


def _sentence_boundaries(doc: Doc) -> list[int]:
    """Sorted token indices before which a sentence may start (a break takes effect only if a
    word has been seen since the previous one: see :func:`_number_sentences`)."""
    text, words, lowers, starts = doc.text, doc.words, doc.lowers, doc.starts
    n = len(words)
    # a paragraph break counts before the first token starting after it
    found = set(map(bisect.bisect_right, repeat(starts), map(_MATCH_START, _PARAGRAPH_RE.finditer(text))))
    # every ".", "!", "?" is a token of its own; a sentence may start after it
    for i in map(bisect.bisect_left, repeat(starts), map(_MATCH_START, _SENTENCE_END_RE.finditer(text))):
        if i > 0 and words[i] == ".":
            prev = words[i - 1]
            if len(prev) == 1 and prev.isupper() or lowers[i - 1] in ABBREVIATIONS:
                continue  # "J.", "Gen."
        found.add(i + 1)
    if "Read more" in text:
        ends = doc.ends
        for m in _GLUED_READ_MORE_RE.finditer(text):  # "... says EstoniaRead more"
            i = bisect.bisect_left(starts, m.start())
            if i < n and starts[i] == m.start() and words[i] == "Read" and i > 0 and ends[i - 1] == starts[i]:
                found.add(i)
    found.discard(0)
    found.discard(n)
    return sorted(found)


def _number_sentences(words: list[str], boundaries: list[int]) -> tuple[list[int], list[bool]]:
    """Sentence number of each token, and whether it is the first word of its sentence.

    A boundary opens a new sentence only when a word (not punctuation) has been seen since
    the last one that did; the first word after each opened sentence starts it.
    """
    n = len(words)
    sentence: list[int] = []
    first = [False] * n
    number = 0
    begin = 0  # first token of the current sentence
    first_word = 0  # the first word token at or after ``begin`` (n if none)
    while first_word < n and not words[first_word][0].isalnum():
        first_word += 1
    for b in boundaries:
        if first_word >= b:
            continue  # no word since the sentence opened: the break changes nothing
        sentence += [number] * (b - begin)
        first[first_word] = True
        number += 1
        begin = first_word = b
        while first_word < n and not words[first_word][0].isalnum():
            first_word += 1
    sentence += [number] * (n - begin)
    if first_word < n:
        first[first_word] = True
    return sentence, first


# ``bytes.translate`` arguments for counting letters of ASCII text in C: deleting all but
# letters (or capitals), or reducing the text to its letters, capitals as "A" and others as
# "a", keeping the line breaks.
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (b < 128 and chr(b).isalpha()))
_NOT_ASCII_CAPITAL = bytes(b for b in range(256) if not (b < 128 and chr(b).isupper()))
_LETTER_SHAPES = bytes(ord("A") if chr(b).isupper() else ord("a") if chr(b).isalpha() else b for b in range(128)) \
    + bytes(range(128, 256))
_NOT_LETTER_OR_LINE_BREAK = bytes(b for b in range(128) if not chr(b).isalpha() and chr(b) != "\n")


def letters_and_capitals(text: str) -> tuple[int, int]:
    """How many letters (``isalpha``) ``text`` has, and how many of them are capitals
    (``isupper``). ASCII text (nearly all) is counted in C, not character by character."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _NOT_ASCII_LETTER)), len(raw.translate(None, _NOT_ASCII_CAPITAL))
    letters = [c for c in text if c.isalpha()]
    return len(letters), sum(1 for c in letters if c.isupper())


def lines_in_capitals(text: str, min_letters: int, share: float) -> list[bool]:
    """For each line of ``text``: has it ``min_letters`` letters or more, at least ``share`` of
    them capitals? ASCII text is reduced to its letter shapes in one C pass (capitals as "A"),
    so that a line costs two C calls."""
    if not text.isascii():
        return [letters >= min_letters and capitals >= share * letters
                for letters, capitals in map(letters_and_capitals, text.split("\n"))]
    shapes = text.encode("ascii").translate(_LETTER_SHAPES, _NOT_LETTER_OR_LINE_BREAK).split(b"\n")
    return [len(letters) >= min_letters and letters.count(b"A") >= share * len(letters) for letters in shapes]
