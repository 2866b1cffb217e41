"""Text analysis: how article text and query text become index terms.

One pipeline serves indexing, querying and highlighting, so that what the user types is
turned into terms exactly as the article was:

    NewsTokenizer | LowercaseFilter | AccentFoldFilter | PossessiveFilter
                  | SpellingVariantFilter | StopFilter | StemFilter

The tokenizer knows about weapon-system designators (``S-300``, ``F-16``, ``IRIS-T``,
``MiG-29``, ``M142``, ``155mm``): at index time a designator is one term (``s300``) plus
its parts at the same position (``s``, ``300``), so ``S-300``, ``S300`` and ``300`` all
find it; at query time only the joined term is produced, so ``F-16`` does not match
every ``16``. Likewise a compound (``anti-tank``, ``long-range``) is indexed as its joined
word and its parts, and queried as the joined word alone: one unit, found written with or
without its hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import is_not
from importlib import resources
from typing import Iterator

from nltk.stem.snowball import SnowballStemmer
from whoosh.analysis import Composable, Filter, LowercaseFilter, Token, Tokenizer

# A word, optionally joined to more words by hyphens, slashes or dots (designators,
# compounds, acronyms, decimals), optionally followed by an apostrophe suffix.
_TOKEN_RE = re.compile(r"\w+(?:[-\u2010\u2011/.]\w+)*(?:['\u2019]\w+)?")
#: ``_TOKEN_RE`` for a text of ASCII characters only (``str.isascii`` costs nothing), where
#: ``\w`` means the same: it matches the same words a sixth faster, as the engine needs no
#: Unicode tables (``_tokens``).
_ASCII_TOKEN_RE = re.compile(_TOKEN_RE.pattern, re.ASCII)
_JOINERS_RE = re.compile(r"[-\u2010\u2011/.]")
_ALNUM_RUNS_RE = re.compile(r"[^\W\d_]+|\d+")
_HAS_DIGIT_RE = re.compile(r"\d")
_DECIMAL_RE = re.compile(r"\d+(?:\.\d+)+")


def _data_lines(name: str) -> Iterator[str]:
    text = resources.files("search").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=None)
def stop_words() -> frozenset[str]:
    """The shipped stop list (``search/data/stopwords.txt``)."""
    return frozenset(_data_lines("stopwords.txt"))


@lru_cache(maxsize=None)
def query_stop_words() -> frozenset[str]:
    """Words dropped from natural-language queries only (``search/data/query_stopwords.txt``)."""
    return frozenset(_data_lines("query_stopwords.txt"))


@lru_cache(maxsize=None)
def spelling_variants() -> dict[str, str]:
    """British/American and transliteration variants, folded to one form."""
    table = {}
    for line in _data_lines("spelling.tsv"):
        variant, canonical = line.split("\t")
        table[variant.strip()] = canonical.strip()
    return table


def _is_designator(parts: list[str]) -> bool:
    """``S-300``, ``MiG-29``, ``IRIS-T``, ``SAMP/T`` are names, not compounds."""
    if any(_HAS_DIGIT_RE.search(p) for p in parts):
        return True
    return parts[0][:1].isupper() and len(parts[-1]) <= 2 and parts[-1].isupper()


class NewsTokenizer(Tokenizer):
    """Splits text into words, keeping designators, compounds and acronyms whole."""

    def __call__(self, value: str, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        index_mode = mode not in ("query", "surface")
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _tokens(value).finditer(value):
            word = match.group()
            t.startchar = start_char + match.start()
            t.endchar = start_char + match.end()
            t.boost = 1.0
            t.stopped = False
            core, apostrophe, suffix = word.replace("\u2019", "'").partition("'")
            parts = [p for p in _JOINERS_RE.split(core) if p]
            if len(parts) <= 1:
                t.text, t.pos = word, pos
                yield t
                if index_mode:
                    yield from self._alnum_parts(t, word, pos)
                pos += 1
            elif all(len(p) == 1 and p.isalpha() for p in parts) or _DECIMAL_RE.fullmatch(core):
                # U.S., U.K. -> "us", "uk"; 6.3 stays "6.3"
                t.text = core if core[0].isdigit() else "".join(parts)
                t.pos = pos
                yield t
                pos += 1
            elif _is_designator(parts):
                t.text, t.pos = "".join(parts) + apostrophe + suffix, pos
                yield t
                if index_mode:
                    for part in parts:
                        t.text, t.pos = part, pos
                        yield t
                pos += 1
            elif mode == "query" and not all(p[:1].isupper() for p in parts):
                # A query's anti-tank, long-range, so-called is one word: the joined term
                # the index holds for "anti-tank" and "antitank" alike, not "anti" AND
                # "tank" (which also matched "anti-air ... tank"). Capitalised parts
                # (Russia-Ukraine) name two things and stay two words.
                t.text, t.pos = "".join(parts) + apostrophe + suffix, pos
                yield t
                pos += 1
            else:
                # long-range, counter-offensive: the parts in order, and at index time
                # the joined word as well, so "counteroffensive" finds them.
                if index_mode:
                    t.text, t.pos = "".join(parts), pos
                    yield t
                for i, part in enumerate(parts):
                    t.text = part + (apostrophe + suffix if i == len(parts) - 1 else "")
                    t.pos = pos
                    yield t
                    pos += 1

    @staticmethod
    def _alnum_parts(t: Token, word: str, pos: int):
        """``M142`` -> ``m``, ``142``; ``155mm`` -> ``155``, ``mm`` (index time only)."""
        if not _HAS_DIGIT_RE.search(word) or word.isdigit():
            return
        runs = _ALNUM_RUNS_RE.findall(word)
        if len(runs) > 1:
            for run in runs:
                t.text, t.pos = run, pos
                yield t


@lru_cache(maxsize=100_000)
def fold_accents(text: str) -> str:
    """``Türkiye`` -> ``Turkiye``; ASCII passes through untouched."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class AccentFoldFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_accents(t.text)
            yield t


class PossessiveFilter(Filter):
    """``Ukraine's`` -> ``ukraine``; other apostrophes vanish (``o'neill`` -> ``oneill``)."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text.replace("\u2019", "'")
            if "'" in text:
                if text.endswith("'s"):
                    text = text[:-2]
                text = text.replace("'", "")
            t.text = text
            yield t


class SpellingVariantFilter(Filter):
    """``defence`` -> ``defense``, ``kiev`` -> ``kyiv`` (table: ``search/data/spelling.tsv``)."""

    def __init__(self):
        self.table = spelling_variants()

    def __call__(self, tokens):
        table = self.table
        for t in tokens:
            t.text = table.get(t.text, t.text)
            yield t


class StopFilter(Filter):
    """Drops stop words and one-letter words, renumbering positions so that phrases
    close over the gaps while tokens sharing a position keep sharing it."""

    def __init__(self):
        self.stops = stop_words()

    def __call__(self, tokens):
        stops = self.stops
        last_original = None
        position = -1
        for t in tokens:
            text = t.text
            if not text or text in stops or (len(text) == 1 and not text.isdigit()):
                if t.removestops:
                    continue
                t.stopped = True
            if t.positions:
                if t.pos != last_original:
                    position += 1
                    last_original = t.pos
                t.pos = position
            yield t


_stemmer = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem; designators and numbers are left alone."""
    if _HAS_DIGIT_RE.search(word):
        return word
    return _stemmer.stem(word)


class StemFilter(Filter):
    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def _base() -> Composable:
    return (NewsTokenizer() | LowercaseFilter() | AccentFoldFilter() | PossessiveFilter()
            | SpellingVariantFilter() | StopFilter())


def news_analyzer() -> Composable:
    """The stemming analyzer for ``title`` and ``body``."""
    return _base() | StemFilter()


def word_analyzer() -> Composable:
    """Same as :func:`news_analyzer` without stemming: for spelling suggestions."""
    return _base()


_NEWS = news_analyzer()
_WORDS = word_analyzer()
_VARIANTS = spelling_variants()
_STOPS = stop_words()


@lru_cache(maxsize=500_000)
def word_tokens(word: str) -> tuple[tuple[tuple[int, str], ...], int]:
    """The index tokens of one tokenizer match, as ``((relative position, term), ...)`` and
    the number of positions it takes.

    The pipeline treats each match independently (stop-word renumbering included), so the
    analysis of a whole text is the concatenation of its words' analyses: cached per word,
    that makes long texts cheap to index and to highlight.
    """
    text = _simple_text(word)
    if text is not False:  # most words: the pipeline, short-circuited
        return (((0, stem(text)),), 1) if text else ((), 0)
    tokens = [(t.pos, t.text) for t in _NEWS(word, positions=True, mode="index")]
    width = tokens[-1][0] + 1 if tokens else 0
    return tuple(tokens), width


def _simple_text(word: str) -> str | None | bool:
    """What the pipeline before stemming makes of a simple tokenizer match: a word of ASCII
    letters (``_plain_word``), the same with a possessive ``'s`` (which the pipeline
    strips), or ASCII digits or a decimal number (kept whole, even one digit). None when
    the pipeline drops it; False for any other match (analysed in full). ``tests/test_analysis.py`` holds the
    shortcut equal to the pipeline."""
    if word.isascii():
        if word.isalpha():
            return _plain_word(word)
        if word.isdigit() or _DECIMAL_RE.fullmatch(word):  # "1987", "5.93" (kept whole)
            text = _VARIANTS.get(word, word)
            return None if text in _STOPS else text
    if len(word) > 2 and word[-1] in "sS" and word[-2] in "'\u2019":
        base = word[:-2]
        if base.isascii() and base.isalpha():
            return _plain_word(base)
    return False


def _plain_word(word: str) -> str | None:
    """What the pipeline before stemming makes of a word of ASCII letters only: the
    tokenizer keeps it whole, folding and possessives change nothing, so it is lowercased,
    mapped to its spelling variant, and dropped if a stop word or a single letter (None).
    ``tests/test_analysis.py`` holds it equal to the pipeline."""
    text = word.lower()
    text = _VARIANTS.get(text, text)
    if text in _STOPS or len(text) == 1:
        return None
    return text


@lru_cache(maxsize=500_000)
def word_terms(word: str) -> frozenset[str]:
    """The index terms of one tokenizer match, as a set (for highlighting)."""
    return frozenset(term for _, term in word_tokens(word)[0])


class _Memo(dict):
    """A cache of a pure function of one string: a dict whose missing keys are computed
    (``memo[key]``), emptied when it holds ``size`` of them. Indexing a shown text's words
    looks up every word; a dict hit costs a fraction of ``lru_cache``'s, which keeps its
    recency list up to date on every hit."""

    def __init__(self, function, size: int):
        super().__init__()
        self.function, self.size = function, size

    def __missing__(self, key: str):
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.function(key)
        return value


_ANY_KEY = ""  # the key of a word that must be analysed in full to know its terms


def _key(text: str) -> str:
    """The first two letters of a plain word or of its stem, ``y`` read as ``i``.

    Snowball changes only a word's ending: its first two letters survive stemming, except
    that ``dying``/``lying``/``tying`` become ``die``/``lie``/``tie`` (hence ``y`` = ``i``),
    and a stem shorter than two letters (``matching_words`` then looks at every word).
    So a word whose key no query term has cannot yield one of them, and need not be
    stemmed: most of the words of a hit never are."""
    return text[:2].replace("y", "i")


@lru_cache(maxsize=4096)
def _wanted_keys(terms: frozenset[str], prefixes: tuple[str, ...]) -> frozenset[str] | None:
    """The keys of the words that may yield ``terms`` or ``prefixes`` (None: any word may)."""
    wanted = [*terms, *prefixes]
    if any(len(t) < 2 for t in wanted):
        return None
    return frozenset([_ANY_KEY, *map(_key, wanted)])


def _key_of_word(word: str) -> str | None:
    """A tokenizer match's key (``_key``; ``_ANY_KEY`` if it is not simple), None for a
    word the pipeline drops."""
    text = _simple_text(word)
    if text is False:
        return _ANY_KEY
    return _key(text) if text else None


_WORD_KEYS = _Memo(_key_of_word, 500_000)


def _compound_keys(word: str) -> frozenset[str]:
    """The keys of the tokens a compound may yield (``long-term``: ``longterm``, ``long``,
    ``term``; ``1.8340/45``; ``U.S.``): each token goes through the filters alone, so the
    compound yields a term only if one of its tokens may. A superset of those tokens'
    keys, worked out without stemming: its parts joined, and each part (``_ANY_KEY``, which
    every query wants, for a word with an apostrophe, without parts, or with a part that is
    not simple). A hit's text holds a few dozen compounds, most of which cannot match:
    they were analysed in full, a fifth of a fresh worker's highlighting."""
    if "'" in word or "\u2019" in word:
        return _ANY_SET
    parts = [p for p in _JOINERS_RE.split(word) if p]
    keys = {_WORD_KEYS["".join(parts)], *map(_WORD_KEYS.__getitem__, parts)}
    keys.discard(None)  # (a token the pipeline drops yields nothing)
    return frozenset(keys)


_ANY_SET = frozenset([_ANY_KEY])
_COMPOUND_KEYS = _Memo(_compound_keys, 200_000)


def _index_words(text: str) -> tuple[list, array, array]:
    """The words of ``text`` as three parallel sequences: each word's key (``_key_of_word``:
    None for a word the pipeline drops), start and end. Made without Python code per word:
    ``split`` on the tokenizer's pattern as a capturing group gives gap, word, gap, word,
    ..., gap, and running sums of their lengths are the offsets; the keys come from a dict.
    (It was a dict of each key's offsets, built word by word: a fifth of a cold search's
    CPU, for texts that are mostly shown once.)"""
    parts = (_ASCII_TOKEN_SPLIT_RE if text.isascii() else _TOKEN_SPLIT_RE).split(text)
    bounds = array("i", accumulate(map(len, parts), initial=0))
    return list(map(_WORD_KEYS.__getitem__, parts[1::2])), bounds[1:-1:2], bounds[2::2]


_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
_ASCII_TOKEN_SPLIT_RE = re.compile(_TOKEN_SPLIT_RE.pattern, re.ASCII)


#: A text up to this long (a title) is indexed again each time it is shown, not kept: that
#: costs less than the place it would take from a hit's body among the texts kept.
SHORT_TEXT = 200


class _TextMemo(dict):
    """``_index_words`` of the texts seen last, up to ``chars`` characters of them in all
    (then emptied): a search shows the same articles again for its next page, a ticked
    facet or a refined query, and an index of a text's words by key finds a query's
    words in it with a few dictionary lookups."""

    def __init__(self, chars: int):
        super().__init__()
        self.chars, self.held = chars, 0

    def __missing__(self, text: str) -> tuple[list, array, array]:
        value = _index_words(text)
        if SHORT_TEXT < len(text) <= self.chars // 16:
            if self.held + len(text) > self.chars:
                self.clear()
                self.held = 0
            self[text] = value
            self.held += len(text)
        return value


#: About 4 MB of text and 40 MB of word positions, ~4,000 news-wire stories.
_WORD_INDEXES = _TextMemo(4_000_000)


def matching_words(text: str, terms: frozenset[str],
                   prefixes: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """[start, end) offsets of the words of ``text`` that yield one of ``terms`` or a term
    starting with one of ``prefixes``.

    Only the words whose key (``_key``) a query term has can yield it: they are found in
    an index of the text's words by key (``_WORD_INDEXES``), and only they are analysed.
    The same offsets as running the tokenizer over the text and analysing every word
    (``tests/test_highlight.py`` holds them equal)."""
    if prefixes:
        def wanted(found: frozenset[str]) -> bool:
            return any(term in terms or term.startswith(prefixes) for term in found)
    else:
        def wanted(found: frozenset[str]) -> bool:
            return not terms.isdisjoint(found)
    keys, starts, ends = _WORD_INDEXES[text]
    wanted_keys = _wanted_keys(terms, prefixes)
    if wanted_keys is None:  # (a one-letter term: any word kept)
        return [(a, b) for a, b in compress(zip(starts, ends), map(is_not, keys, repeat(None)))
                if wanted(word_terms(text[a:b]))]
    compound = _COMPOUND_KEYS
    # (a word keyed _ANY_KEY, mostly a compound, is analysed only if one of its tokens may match)
    return [(a, b) for key, a, b in compress(zip(keys, starts, ends), map(wanted_keys.__contains__, keys))
            if (key or not wanted_keys.isdisjoint(compound[text[a:b]])) and wanted(word_terms(text[a:b]))]


def tokenizer_matches(text: str) -> list[str]:
    """The tokenizer's matches in ``text``, once, for ``analyse`` and ``surface_words``."""
    return _tokens(text).findall(text)


def _tokens(text: str) -> re.Pattern:
    """The tokenizer's pattern for ``text``: ``_ASCII_TOKEN_RE`` when it is ASCII."""
    return _ASCII_TOKEN_RE if text.isascii() else _TOKEN_RE


def analyse(text: str | list[str]) -> dict[str, list[int]]:
    """Index terms of ``text`` (or of its ``tokenizer_matches``) with their positions (what
    the writer stores); the same as running the Whoosh analyzer over the text, computed
    word by word from a cache (``_ANALYSED``)."""
    postings: dict[str, list[int]] = {}
    position = 0
    entries = _ANALYSED
    for word in (tokenizer_matches(text) if isinstance(text, str) else text):
        entry = entries[word]
        if entry.__class__ is str:  # one term at the word's position: most words
            positions = postings.get(entry)
            if positions is None:
                postings[entry] = [position]
            else:  # (positions only grow: no repeat to check)
                positions.append(position)
            position += 1
            continue
        tokens, width = entry
        for offset, term in tokens:
            at = position + offset
            positions = postings.get(term)
            if positions is None:
                postings[term] = [at]
            elif positions[-1] != at:
                positions.append(at)
        position += width
    return postings


def _analysed(word: str) -> str | tuple[tuple[tuple[int, str], ...], int]:
    """``word_tokens(word)`` for ``analyse``: its one term when the word is one term at
    one position, as most words are (a dict hit and a string for the common case)."""
    tokens, width = word_tokens(word)
    if width == 1 and len(tokens) == 1 and tokens[0][0] == 0:
        return tokens[0][1]
    return tokens, width


#: What ``analyse`` reads for each word.
_ANALYSED = _Memo(_analysed, 200_000)


def query_terms(text: str) -> list[str]:
    """Terms a query word becomes (stemmed, folded, no stop words)."""
    return [t.text for t in _NEWS(text, mode="query")]


@lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The stemmed parts of a compound (``boundary-layer`` -> ``boundari``, ``layer``), which a
    query otherwise reads as one joined word; () for any other word."""
    if not _JOINERS_RE.search(word):
        return ()
    parts = tuple(t.text for t in _NEWS(word, mode="surface"))
    return parts if len(parts) > 1 else ()


def _surface(word: str) -> tuple[str, ...]:
    if word.isascii() and word.isalpha():
        text = _plain_word(word)
        return (text,) if text and len(text) > 2 and text.isalpha() else ()
    return tuple(t.text for t in _WORDS(word, mode="surface") if t.text.isalpha() and len(t.text) > 2)


def surface_words(text: str | list[str]) -> set[str]:
    """Folded, unstemmed words (of ``text`` or of its ``tokenizer_matches``), the
    vocabulary for spelling suggestions."""
    matches = tokenizer_matches(text) if isinstance(text, str) else text
    return set().union(*map(_SURFACES.__getitem__, set(matches)))


#: ``_surface`` of each word, for ``surface_words`` (a dict hit per distinct word).
_SURFACES = _Memo(_surface, 200_000)
