"""Words and sentences of an article, with character offsets, computed once per article.

The context rules (a cue word within eight words, a system in the same sentence, the
word before a name) all ask questions of this one structure.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# A "Read more" link glued to the text before it ("... says EstoniaRead more") is split off
# the word it is glued to, and starts a new sentence.
_TOKEN_RE = re.compile(r"[^\W_]*[^\W\d_](?=Read more\b)|"
                       r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*|[^\w\s]")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n|\n[ \t]{2,}")
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
    lowercase_words: set[str] | None = None  # the words written in lower case (computed on demand)

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.starts, offset)

    def token_before(self, offset: int) -> int:
        """Index of the last token ending at or before ``offset`` (-1 if none)."""
        return bisect.bisect_right(self.ends, offset) - 1

    def lower(self, i: int) -> str:
        return self.words[i].lower() if 0 <= i < len(self.words) else ""

    def window(self, start: int, end: int, size: int) -> list[str]:
        """Lower-cased words within ``size`` words either side of a character span, same sentence."""
        first = self.token_at(start)
        last = self.token_before(end)
        words = self.words
        out: list[str] = []
        if first >= len(words):
            return out
        sent = self.sentence
        here = sent[first]
        i, taken = first - 1, 0
        while i >= 0 and taken < size and sent[i] == here:
            if words[i][0].isalnum():
                out.append(words[i].lower())
                taken += 1
            i -= 1
        i, taken = last + 1, 0
        while i < len(words) and taken < size and sent[i] == here:
            if words[i][0].isalnum():
                out.append(words[i].lower())
                taken += 1
            i += 1
        return out


def parse(text: str) -> Doc:
    doc = Doc(text)
    breaks = [m.start() for m in _PARAGRAPH_RE.finditer(text)]
    next_break = 0
    sentence = 0
    new_sentence = True
    words, starts, ends, sent, first = doc.words, doc.starts, doc.ends, doc.sentence, doc.sentence_start
    for m in _TOKEN_RE.finditer(text):
        s = m.start()
        while next_break < len(breaks) and breaks[next_break] < s:
            next_break += 1
            if not new_sentence:
                sentence += 1
                new_sentence = True
        w = m.group()
        if w == "Read" and words and ends[-1] == s and text.startswith(" more", m.end()) and not new_sentence:
            sentence += 1  # a glued "Read more" link
            new_sentence = True
        words.append(w)
        starts.append(s)
        ends.append(m.end())
        sent.append(sentence)
        first.append(new_sentence and w[0].isalnum())
        if new_sentence and w[0].isalnum():
            new_sentence = False
        if w in ".!?":
            prev = words[-2] if len(words) > 1 else ""
            if w == "." and (len(prev) == 1 and prev.isupper() or prev.lower() in ABBREVIATIONS):
                continue
            if not new_sentence:
                sentence += 1
                new_sentence = True
    return doc
