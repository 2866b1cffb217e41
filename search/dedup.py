"""One story once: exact and near-duplicate articles found by a signature written at
index time, and collapsed in results.

The same story often arrives twice: from two files of one outlet (67 titles appear twice
in a 2,227-article Guardian/NYT index), once with its text and once as a headline only,
or re-published with a caption changed. Each article gets a few *story keys* (an
indexed, unstored field, ``story``):

* ``b<band>:<hash>``: 16 bands of 3 values of a 48-value MinHash of its 5-word shingles.
  Two texts sharing at least ``MIN_BANDS`` (10) bands are near-duplicates: for a Jaccard
  similarity J of their shingles that happens with probability ~0.995 at J=0.95, ~0.88 at
  J=0.9, ~0.24 at J=0.8 and ~0.0003 at J=0.64 (a templated text with a few words changed);
* ``x:<hash>``: the title and the whole text, for texts too short to shingle;
* ``t:<hash>`` (or ``e:<hash>`` when the article has no text): its title. A headline-only
  article joins the story with the same title (titles alone never merge two texts:
  "Your Monday briefing" repeats with different news).

:class:`Stories` reads the keys once per index generation and groups the articles;
:meth:`Stories.collapse` keeps one article per story in a result set, so results, totals
and facet counts count a story once; :meth:`Stories.similar` lists the others.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import numpy as np

from .analysis import fold_accents


SHINGLE = 5
BANDS = 16
ROWS = 3
MIN_BANDS = 10
MAX_WORDS = 20_000  # the start of a very long text decides
#: A band value shared by more articles than this is boilerplate, not a story.
MAX_SHARED = 50
FIELD = "story"

_WORD_RE = re.compile(r"\w+")
_ASCII_WORD_RE = re.compile(r"\w+", re.ASCII)
_rng = np.random.default_rng(20221)
_A = _rng.integers(1, 2**31 - 1, BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, 2**31 - 1, BANDS * ROWS, dtype=np.uint64)
_PRIME = np.uint64(2**31 - 1)


def _words(text: str) -> list[str]:
    # (an ASCII text with the ASCII-only pattern: the same words, a quarter faster)
    return (_ASCII_WORD_RE if text.isascii() else _WORD_RE).findall(text.lower())[:MAX_WORDS]


class _WordHashes(dict):
    """Each word's CRC-32, computed once (words repeat; a dict hit is cheaper than an
    ``lru_cache`` call), emptied when it holds 200,000 words."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 200_000:
            self.clear()
        value = self[word] = zlib.crc32(word.encode("utf-8"))
        return value


_WORD_HASHES = _WordHashes()


_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)


def _mod_prime(values: np.ndarray) -> np.ndarray:
    """``values % _PRIME``, in place, as ``values - values // _PRIME * _PRIME``: numpy
    divides by a constant with a multiply and shifts (libdivide) for ``//`` but not for
    ``%``, which takes twice as long."""
    quotients = values // _PRIME
    quotients *= _PRIME
    values -= quotients
    return values


def story_codes(title: str, body: str) -> list[int]:
    """The story keys of one article (see the module docstring) as 64-bit codes (see
    ``key_codes``): what the index stores. Deterministic across processes (CRC-32, a fixed
    MinHash family)."""
    codes = []
    words = _words(body)
    if len(words) >= 2 * SHINGLE:
        # each 5-word shingle hashed from its words' hashes (cached: words repeat), in numpy;
        # a repeated shingle changes no minimum, so they are not made unique first
        ids = np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))
        count = len(words) - SHINGLE + 1
        mixed = ids[:count] * _MIX[0]
        for k in range(1, SHINGLE):
            mixed += ids[k:k + count] * _MIX[k]
        mixed ^= mixed >> np.uint64(29)
        hashes = _mod_prime(mixed)
        products = _A[:, None] * hashes[None, :]
        products += _B[:, None]
        mins = _mod_prime(products).min(axis=1)
        raw = mins.tobytes()
        step = ROWS * mins.itemsize
        codes = [(band + 1) << 32 | zlib.crc32(raw[band * step:(band + 1) * step])
                 for band in range(BANDS)]
    title_words = " ".join(_words(fold_accents(title)))
    if words and len(words) < 2 * SHINGLE:  # too short to tell apart without the title
        codes.append(_KIND["x"] << 32 | zlib.crc32((title_words + "\n" + " ".join(words)).encode("utf-8")))
    if title_words:
        codes.append(_KIND["t" if words else "e"] << 32 | zlib.crc32(title_words.encode("utf-8")))
    return codes


def story_keys(title: str, body: str) -> list[str]:
    """``story_codes`` as text (``b<band>:<hash>``, ``x:``, ``t:``, ``e:``)."""
    names = {code: kind for kind, code in _KIND.items()}
    out = []
    for code in story_codes(title, body):
        high, low = code >> 32, code & 0xFFFFFFFF
        out.append(f"{names[high] if high in names else f'b{high - 1}'}:{low:08x}")
    return out


#: Story keys as 64-bit codes (what the index stores): a kind in the high 32 bits (band
#: ``b<n>`` is n + 1), the key's CRC-32 in the low 32 bits.
_KIND = {"x": 32, "t": 33, "e": 34}
_LOW = np.uint64(0xFFFFFFFF)


def key_codes(keys: list[str]) -> list[int]:
    """``story_keys`` as integers: what the index stores, far cheaper than a term each."""
    out = []
    for key in keys:
        kind, _, value = key.partition(":")
        high = int(kind[1:]) + 1 if kind[0] == "b" else _KIND[kind]
        out.append(high << 32 | int(value, 16))
    return out


def _components(doc_count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges (a[i], b[i]): each node's smallest
    connected docnum, -1 for a node without edges (label propagation, in numpy)."""
    label = np.full(doc_count, -1, dtype=np.int64)
    if not len(a):
        return label
    nodes = np.union1d(a, b)
    label[nodes] = nodes
    while True:
        low = np.minimum(label[a], label[b])
        before = label.copy()
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        label[nodes] = label[label[nodes]]  # jump to the label's label
        if np.array_equal(before, label):
            return label


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + sizes[i] - 1`` of every i, concatenated."""
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def _pairs(docs: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of documents (a < b) within each group ``docs[starts[i]:starts[i] +
    sizes[i]]`` (each group sorted), as two arrays: one numpy step per group size."""
    a_parts, b_parts = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for size in np.unique(sizes).tolist():
        first = starts[sizes == size]
        matrix = docs[first[:, None] + np.arange(size)]
        i, j = np.triu_indices(size, 1)
        a_parts.append(matrix[:, i].ravel())
        b_parts.append(matrix[:, j].ravel())
    return np.concatenate(a_parts), np.concatenate(b_parts)


class Stories:
    """The index's stories of more than one article: ``story[docnum]`` is the story's
    first docnum, or -1 for an article alone in its story."""

    def __init__(self, doc_count: int, docs: np.ndarray, codes: np.ndarray):
        """From every (live) article's key codes: ``codes[i]`` belongs to ``docs[i]``."""
        docs = np.asarray(docs, dtype=np.int64)
        codes = np.asarray(codes, dtype=np.uint64)
        order = np.lexsort((docs, codes))  # by key, each key's articles in docnum order
        docs, codes = docs[order], codes[order]
        starts = np.flatnonzero(np.diff(codes, prepend=codes[:1] + np.uint64(1)) != 0) \
            if len(codes) else np.empty(0, np.int64)
        sizes = np.diff(np.append(starts, len(codes)))
        kinds = (codes[starts] >> np.uint64(32)).astype(np.int64)
        shared = (sizes >= 2) & (sizes <= MAX_SHARED)
        a, b = _pairs(docs, starts[shared & (kinds <= BANDS)], sizes[shared & (kinds <= BANDS)])
        if len(a):  # near-duplicates: pairs sharing at least MIN_BANDS bands
            pair, count = np.unique(a * doc_count + b, return_counts=True)
            pair = pair[count >= MIN_BANDS]
            a, b = pair // doc_count, pair % doc_count
        exact = shared & ((kinds == _KIND["x"]) | (kinds == _KIND["e"]))
        ea, eb = _pairs(docs, starts[exact], sizes[exact])
        # a headline without text joins the story of the first article with its title
        headline = np.flatnonzero(kinds == _KIND["e"])
        titled = (codes[starts[headline]] & _LOW) | np.uint64(_KIND["t"] << 32)
        at = np.searchsorted(codes, titled)
        found = at < len(codes)
        found[found] &= codes[at[found]] == titled[found]
        ha = np.repeat(docs[at[found]], sizes[headline[found]])
        hb = docs[_ranges(starts[headline[found]], sizes[headline[found]])]
        self.story = _components(doc_count, np.concatenate([a, ea, ha]),
                                 np.concatenate([b, eb, hb]))
        self.headline_only = np.zeros(doc_count, dtype=bool)
        self.headline_only[docs[(codes >> np.uint64(32)) == np.uint64(_KIND["e"])]] = True
        self.grouped = self.story >= 0
        # Grouped articles by story, then text before headline, then docnum: a story's
        # first article in this order that a result set holds is the one it shows.
        members = np.flatnonzero(self.grouped)
        self._order = members[np.lexsort((members, self.headline_only[members],
                                          self.story[members]))]
        self._order_story = self.story[self._order]
        # Each story's first article in that order (its "lead"), the lead of each grouped
        # article, and each one's place in the order: ``collapse`` keeps the leads a result
        # set holds, and looks further only for stories whose lead it lacks.
        first = np.ones(len(self._order), dtype=bool)
        np.not_equal(self._order_story[1:], self._order_story[:-1], out=first[1:])
        self._lead = ~self.grouped
        self._lead[self._order[first]] = True
        self._follower = self.grouped & ~self._lead
        self._lead_of = np.full(doc_count, -1, dtype=np.int64)
        self._lead_of[self._order] = self._order[np.flatnonzero(first)[np.cumsum(first) - 1]]
        self._rank = np.full(doc_count, -1, dtype=np.int64)
        self._rank[self._order] = np.arange(len(self._order))
        self._unique_live: tuple[np.ndarray, np.ndarray] | None = None

    def __bool__(self) -> bool:
        return bool(len(self._order))

    @classmethod
    def load(cls, impacts: Any, live: np.ndarray) -> "Stories | None":
        """The stories of one index generation; None for an index written without keys."""
        if impacts is None:
            return None
        found = impacts.story_codes()
        if found is None:
            return None
        docs, codes = found
        keep = live[docs]
        return cls(len(live), docs[keep], codes[keep])

    def collapse(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` keeping one article of each story: one with text before a headline
        alone, then the first indexed. A story's lead is kept when the result set holds it
        (the copies of a story mostly match alike); only the stories whose lead it lacks
        are ordered, their articles found among the few followers left. (Linear: the
        order and the leads are made once per index.)"""
        out = mask & self._lead
        followers = np.flatnonzero(mask & self._follower)
        if not len(followers):
            return out
        orphans = followers[~mask.take(self._lead_of.take(followers))]
        if not len(orphans):
            return out
        held = np.sort(self._rank.take(orphans))
        stories = self._order_story.take(held)
        first = np.empty(len(held), dtype=bool)
        first[0] = True
        np.not_equal(stories[1:], stories[:-1], out=first[1:])
        out[self._order.take(held[first])] = True
        return out

    def collapse_all(self, live: np.ndarray) -> np.ndarray:
        """``collapse(live)``, computed once (every search without text needs it)."""
        if self._unique_live is None or self._unique_live[0] is not live:
            self._unique_live = (live, self.collapse(live))
        return self._unique_live[1]

    def similar(self, docnum: int, within: np.ndarray | None = None) -> list[int]:
        """The other articles of ``docnum``'s story (within the ``within`` mask if given),
        those with text first, then by docnum."""
        story = int(self.story[docnum]) if 0 <= docnum < len(self.story) else -1
        if story < 0:
            return []
        lo, hi = self._order_story.searchsorted((story, story + 1)).tolist()
        same = self._order[lo:hi]
        if within is not None:
            same = same[within[same]]
        return [d for d in same.tolist() if d != docnum]
