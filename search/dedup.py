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
from functools import lru_cache
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
_rng = np.random.default_rng(20221)
_A = _rng.integers(1, 2**31 - 1, BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, 2**31 - 1, BANDS * ROWS, dtype=np.uint64)
_PRIME = np.uint64(2**31 - 1)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())[:MAX_WORDS]


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)


def _hash(text: str) -> str:
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def story_keys(title: str, body: str) -> list[str]:
    """The story keys of one article (see the module docstring); deterministic across
    processes (CRC-32, a fixed MinHash family)."""
    keys = []
    words = _words(body)
    if len(words) >= 2 * SHINGLE:
        # each 5-word shingle hashed from its words' hashes (cached: words repeat), in numpy
        ids = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        count = len(words) - SHINGLE + 1
        mixed = sum(ids[k:k + count] * _MIX[k] for k in range(SHINGLE))
        hashes = np.unique((mixed ^ (mixed >> np.uint64(29))) % _PRIME)
        mins = ((_A[:, None] * hashes[None, :] + _B[:, None]) % _PRIME).min(axis=1)
        for band in range(BANDS):
            keys.append(f"b{band}:{zlib.crc32(mins[band * ROWS:(band + 1) * ROWS].tobytes()):08x}")
    title_words = " ".join(_words(fold_accents(title)))
    if words and len(words) < 2 * SHINGLE:  # too short to tell apart without the title
        keys.append("x:" + _hash(title_words + "\n" + " ".join(words)))
    if title_words:
        keys.append(("t:" if words else "e:") + _hash(title_words))
    return keys


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


def _pairs(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of documents within each group, as two arrays (a < b)."""
    by_size: dict[int, list[np.ndarray]] = {}
    for docs in groups:
        by_size.setdefault(len(docs), []).append(np.sort(docs))
    a_parts, b_parts = [], []
    for size, rows in by_size.items():
        matrix = np.stack(rows)
        i, j = np.triu_indices(size, 1)
        a_parts.append(matrix[:, i].ravel())
        b_parts.append(matrix[:, j].ravel())
    if not a_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(a_parts).astype(np.int64), np.concatenate(b_parts).astype(np.int64)


class Stories:
    """The index's stories of more than one article: ``story[docnum]`` is the story's
    first docnum, or -1 for an article alone in its story."""

    def __init__(self, doc_count: int, keys: dict[str, np.ndarray]):
        bands = [d for k, d in keys.items() if k[0] == "b" and 2 <= len(d) <= MAX_SHARED]
        a, b = _pairs(bands)
        if len(a):  # near-duplicates: pairs sharing at least MIN_BANDS bands
            pair, shared = np.unique(a * doc_count + b, return_counts=True)
            pair = pair[shared >= MIN_BANDS]
            a, b = pair // doc_count, pair % doc_count
        exact = [d for k, d in keys.items() if k[0] in "xe" and 2 <= len(d) <= MAX_SHARED]
        ea, eb = _pairs(exact)
        # a headline without text joins the story of the first article with its title
        ha, hb = [], []
        for key, docs in keys.items():
            titled = keys.get("t:" + key[2:]) if key.startswith("e:") else None
            if titled is not None and len(titled):
                ha += [int(titled[0])] * len(docs)
                hb += docs.tolist()
        self.story = _components(doc_count, np.concatenate([a, ea, np.asarray(ha, np.int64)]),
                                 np.concatenate([b, eb, np.asarray(hb, np.int64)]))
        self.headline_only = np.zeros(doc_count, dtype=bool)
        for key, docs in keys.items():
            if key.startswith("e:"):
                self.headline_only[docs] = True
        self.grouped = self.story >= 0
        self._unique_live: tuple[np.ndarray, np.ndarray] | None = None

    def __bool__(self) -> bool:
        return bool(self.grouped.any())

    @classmethod
    def from_column(cls, doc_count: int, column: Any) -> "Stories":
        """From the facet-style column of the ``story`` field (``facets._Column``): only
        keys shared by two or more articles, and headline-only articles, matter."""
        sizes = np.diff(column._starts)
        keys: dict[str, np.ndarray] = {}
        for i in np.flatnonzero(sizes >= 2).tolist():
            keys[column.names[i]] = column.docs_of_number(i)
        for i, name in enumerate(column.names):
            if name.startswith("e:"):
                keys[name] = column.docs_of_number(i)
                titled = column.docs_of("t:" + name[2:])
                if titled is not None:
                    keys["t:" + name[2:]] = titled
        return cls(doc_count, keys)

    @classmethod
    def load(cls, reader: Any, impacts: Any, live: np.ndarray) -> "Stories | None":
        """The stories of one index generation; None for an index written without keys."""
        from .backends.embedded.facets import _Column

        if impacts is not None and impacts.has_field(FIELD):
            column = _Column.from_impacts(impacts, FIELD, live)
        elif FIELD in reader.schema:
            column = _Column.from_reader(reader, FIELD, live)
        else:
            return None
        return cls.from_column(len(live), column)

    def collapse(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` keeping one article of each story: one with text before a headline
        alone, then the first indexed."""
        found = np.flatnonzero(mask & self.grouped)
        if not len(found):
            return mask
        order = np.lexsort((found, self.headline_only[found], self.story[found]))
        ranked = found[order]
        stories = self.story[ranked]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = stories[1:] != stories[:-1]
        out = mask.copy()
        out[ranked[~first]] = False
        return out

    def collapse_all(self, live: np.ndarray) -> np.ndarray:
        """``collapse(live)``, computed once (every search without text needs it)."""
        if self._unique_live is None or self._unique_live[0] is not live:
            self._unique_live = (live, self.collapse(live))
        return self._unique_live[1]

    def similar(self, docnum: int, within: np.ndarray | None = None) -> list[int]:
        """The other articles of ``docnum``'s story (within the ``within`` mask if given)."""
        story = self.story[docnum] if 0 <= docnum < len(self.story) else -1
        if story < 0:
            return []
        same = self.story == story
        if within is not None:
            same &= within
        return [int(d) for d in np.flatnonzero(same) if d != docnum]
