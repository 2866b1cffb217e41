"""One Aho-Corasick pass over a text for every alias of every knowledge-base entity.

The automaton is built once per process over the *folded* aliases (lower case, accents
and dash styles folded, one character for one character), and run over the text folded
the same way, so offsets in the folded text are offsets in the original. A raw hit is
then kept only if it

* sits on word boundaries, allowing a plural or possessive tail (``Patriots``,
  ``HIMARS's``, ``Leopard 2s``);
* has compatible case: a capitalised alias needs a capital (``Patriot``, not ``patriot``),
  a short all-caps alias needs all caps (``US``, not ``us``), unless the whole passage is in
  capitals (a headline, a dateline).

Context rules (ambiguous aliases) are applied by the callers, not here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from . import kb
from .demonyms import demonyms
from .teams import SPORTS_WORDS
from .text import letters_and_capitals

_DATE_AFTER_RE = re.compile(r"\s+\d{4}-\d\d-\d\d\b")  # a dateline "LONDON 1996-08-30"
_DASHED_DESIGNATOR_RE = re.compile(r"^([A-Z]{1,3})-(\d{2,}[A-Z]?)$")  # F-15, Su-27, not F-1
_WHITESPACE = str.maketrans("\n\t\r", "   ")
_PLURAL_TAILS = ("'s", "\u2019s", "es", "s", "'", "\u2019")


@dataclass(frozen=True)
class Target:
    kind: str
    name: str
    alias: str  # as written in the knowledge base
    ambiguous: bool
    demonym: bool = False  # "Iranian" for Iran


class Match(NamedTuple):
    """One alias occurrence (a named tuple: made for every hit, it must be cheap to build)."""

    start: int
    end: int  # end of the alias, tail excluded
    tail_end: int  # end including a plural/possessive tail
    surface: str
    targets: tuple[Target, ...]  # every entity this alias may mean


_new_match = tuple.__new__  # (a Match from a plain tuple: the generated __new__ parses its arguments in Python)


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    low = c.lower()
    if len(low) != 1:
        return c
    if low in "\u2010\u2011\u2012\u2013\u2014\u2212":
        return "-"
    if low in "\u2019\u2018\u02bc":
        return "'"
    if low in "\n\t\r\xa0":
        return " "
    if low.isascii():
        return low
    base = "".join(ch for ch in unicodedata.normalize("NFKD", low) if not unicodedata.combining(ch))
    return base if len(base) == 1 else low


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Lower case, accents and dashes folded, with exactly one output char per input char."""
    if text.isascii():
        return text.lower().translate(_WHITESPACE)
    return text.translate(_FOLD_TABLE)


@kb.depends
@lru_cache(maxsize=None)
def automaton() -> ahocorasick.Automaton:
    """The one automaton over all aliases (systems, places, orgs, people)."""
    table: dict[str, list[Target]] = {}
    for kind in ("system", "place", "org", "person"):
        for entry in kb.entries(kind):
            for form in entry.surface_forms:
                folded = fold_text(form.strip())
                if len(folded) < 2:
                    continue
                target = Target(kind, entry.name, form, kb.key(form) in entry.ambiguous)
                targets = table.setdefault(folded, [])
                if not any(t.kind == kind and t.name == entry.name and t.alias == form for t in targets):
                    targets.append(target)
    for entry in kb.entries("system"):  # "F15" for "F-15": designators written without the dash
        for form in entry.surface_forms:
            m = _DASHED_DESIGNATOR_RE.match(form)
            if m:
                folded = fold_text(m.group(1) + m.group(2))
                if folded not in table:
                    table[folded] = [Target("system", entry.name, m.group(1) + m.group(2), False)]
    places = kb.by_name("place")
    for adjective, place in demonyms().items():
        if place in places:
            form = adjective.title() if adjective.islower() else adjective
            table.setdefault(fold_text(form), []).append(Target("place", place, form, False, True))
    auto = ahocorasick.Automaton()
    for folded in table.keys() | SPORTS_WORDS:  # sports words: cues, reported apart (see find)
        auto.add_word(folded, (len(folded), tuple(table.get(folded, ())), folded if folded in SPORTS_WORDS else None))
    auto.make_automaton()
    return auto


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def in_caps_context(text: str, start: int, end: int, radius: int = 40) -> bool:
    """True when the passage around a span is written in capitals (headline, dateline)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    before = text[max(line_start, start - radius):start]
    after = text[end:min(line_end, end + radius)]
    letters, upper = letters_and_capitals(before + after)
    if letters < 3:
        # a dateline: "WASHINGTON - ..." or "SALVADOR, Feb 26 -" at the start of a line
        return not text[line_start:start].strip() and (
            not after or after.lstrip()[:1] in {",", "-", "\u2013", "\u2014", "("} or _DATE_AFTER_RE.match(after))
    if upper >= 0.85 * letters:
        return True
    prefix = text[line_start:start]
    if len(prefix) < 40 and any(c.isalpha() for c in prefix) and not any(c.islower() for c in prefix) \
            and after.lstrip()[:1] in {",", "-", "\u2013", "\u2014"}:
        return True  # "DEARBORN, MICH., Feb 26 - ..."
    # a dateline at a line start followed by mixed-case text
    return not text[line_start:start].strip() and after.lstrip()[:1] in {",", "-", "\u2013", "\u2014"}


@lru_cache(maxsize=8192)
def case_compatible(surface: str, alias: str, caps_context: bool) -> bool:
    """Does ``surface`` (as written) have the capitals that ``alias`` requires? (Cached: the
    same few spellings of the same aliases recur.)"""
    if surface == alias:
        return True
    alias_letters = [c for c in alias if c.isalpha()]
    surface_letters = [c for c in surface if c.isalpha()]
    if not alias_letters or not any(c.isupper() for c in alias_letters):
        return True  # a lower-case alias ("tin council") matches any case
    has_digit = any(c.isdigit() for c in alias)
    if all(c.isupper() for c in alias_letters):  # an acronym or designator
        if all(c.isupper() for c in surface_letters):
            return True
        if has_digit and len(alias_letters) <= 2:
            return True  # "f-16", "s-300"
        # "Nato", "Iris-T", "Himars": long acronyms may be written capitalised
        return len(alias_letters) >= 4 and surface_letters[:1] != [] and surface_letters[0].isupper()
    # capitalised alias: each capitalised word needs its capital, unless shouted
    if surface_letters and all(c.isupper() for c in surface_letters) and len(surface_letters) > 1:
        return caps_context or has_digit
    for a_word, s_word in zip(alias.split(), surface.split()):
        if a_word[:1].isupper() and not s_word[:1].isupper():
            return False
    return True


# The first characters of the _PLURAL_TAILS: no tail can follow a hit unless one of these does.
_TAIL_STARTS = frozenset(tail[0] for tail in _PLURAL_TAILS)


def _word_end(text: str, folded: str, end: int) -> int:
    """Where the word of a hit ending at ``end`` (followed by a word character or an
    apostrophe) ends: after a plural or possessive tail, at ``end`` before a glued "Read
    more", or -1 when the hit stops inside a word."""
    n = len(text)
    if folded[end] in _TAIL_STARTS:
        for tail in _PLURAL_TAILS:
            stop = end + len(tail)
            if folded.startswith(tail, end) and (stop >= n or not _is_word_char(text[stop])):
                if tail == "es" and not folded[end - 1] in "sxhz":
                    continue
                return stop
    if _is_word_char(text[end]) and not (text.startswith("Read more", end) and text[end - 1].islower()):
        return -1  # (a glued "Read more" link ends the word: "... says EstoniaRead more")
    return end


def find(text: str, folded: str | None = None, cues: list[str] | None = None) -> list[Match]:
    """Every alias occurrence in ``text`` that passes the boundary and case checks.

    Overlapping hits are all returned; callers choose among them. Cue words (``teams.SPORTS_WORDS``)
    are not entities: each one found is appended to ``cues``.
    """
    if folded is None:
        folded = fold_text(text)
    out: list[Match] = []
    n = len(text)
    for end_index, (length, targets, cue) in automaton().iter(folded):
        start = end_index - length + 1
        end = end_index + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "<"):
            continue  # inside a word, or a ticker symbol ("<NSM>", "<APA>")
        tail_end = end
        if end < n and (text[end].isalnum() or text[end] in "'\u2019"):
            tail_end = _word_end(text, folded, end)
            if tail_end < 0:
                continue
        if text[end - 1:end].isdigit() and end < n and text[end:end + 1] == "-" and end + 1 < n \
                and text[end + 1].isdigit():
            continue  # "F-16" inside "F-16-2" or a number range
        surface = text[start:end]
        caps = None
        kept: list[Target] = []
        if cue is not None and cues is not None:
            cues.append(cue)
        for target in targets:
            if kept and any(t.kind == target.kind and t.name == target.name for t in kept):
                continue
            alias = target.alias
            if surface != alias:
                if caps is None:
                    caps = in_caps_context(text, start, end)
                if not case_compatible(surface, alias, caps):
                    continue
            kept.append(target)
        if kept:
            out.append(_new_match(Match, (start, end, tail_end, surface, tuple(kept))))
    return out
