"""Impact lists: each segment's title and body postings as flat arrays, for numpy scoring.

BM25 needs, for each query term, only the documents that hold it and how often. Whoosh
keeps those in pickled blocks together with every position, so reading the 77,000
postings of a word like "said" takes 140 ms of Python at ~108k articles, and scoring a
long query over common words walks them one document at a time. While Whoosh writes a
segment, :class:`ImpactFieldWriter` also writes its title and body postings as plain
arrays (``<segment>.imp``: docnums, term frequencies, per-term offsets); searchers
memory-map them, so a term's postings are a slice, and the operating system shares the
pages between server processes.

It also holds the segment's vocabulary: each unstemmed word of its articles with the
number of articles using it, for spelling suggestions ("did you mean") and word
completion. (Whoosh kept those as a posting list per word: 40% of all postings, and about
0.5 of the 2.3 ms per article that Whoosh's writer took, for questions that need only the
counts.)

The file is one more file of the segment: Whoosh packs it into the segment's compound
``.seg`` file (we map its byte range there) and deletes it with the segment. A segment
without one (an index written before this file existed) makes :func:`load` return None,
and the engine scores with Whoosh instead.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3FieldWriter, _lenfield
from whoosh.util.numeric import byte_to_length

from ...understanding.fields import FACET_NAMES

IMPACT_FIELDS = ("title", "body")
#: Fields that also get a forward index (document -> terms), read by query expansion.
FORWARD_FIELDS = ("body",)
#: Every field written: the scored ones, and the facets (the facet table reads them).
WRITTEN_FIELDS = IMPACT_FIELDS + FACET_NAMES
#: Before story keys were kept as codes (below), they were a facet-like field of this name.
OLD_STORY_FIELD = "story"
IMPACT_EXT = ".imp"
_MAGIC = b"NEWSIMPACTS1\n"
_ALIGN = 8


@dataclass
class _Collected:
    terms: list[bytes] = field(default_factory=list)
    ends: array = field(default_factory=lambda: array("q"))
    docs: array = field(default_factory=lambda: array("i"))
    tfs: array = field(default_factory=lambda: array("f"))


class ImpactFieldWriter(W3FieldWriter):
    """Whoosh's field writer, also collecting the impact fields' postings for ``.imp``."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._collected: dict[str, _Collected] = {}
        self._current: _Collected | None = None
        #: word -> number of documents; the segment writer fills it (parallel._Writer), or
        #: sets it to None where the index keeps its words as a Whoosh field (older schema):
        #: then the file has no vocabulary section, and readers read that field.
        self.vocabulary: Counter[str] | None = Counter()
        #: Each document's story key codes (search/dedup.py), as (docnum, code) pairs: near-
        #: duplicate detection reads them all at once, and as ~16 nearly unique terms per
        #: document they were a quarter of Whoosh's writing time.
        self.story_docs = array("i")
        self.story_codes = array("Q")
        #: Each document's card (schema.card_of), by docnum: what a list of a story's other
        #: copies shows, read without unpickling their stored text.
        self.cards: list[bytes] = []

    def add_story(self, docnum: int, codes: list[int]) -> None:
        self.story_docs.extend([docnum] * len(codes))
        self.story_codes.extend(codes)

    def add_card(self, docnum: int, card: bytes) -> None:
        self.cards.extend([b""] * (docnum - len(self.cards)))  # (documents without one)
        self.cards.append(card)

    def start_field(self, fieldname, fieldobj):
        super().start_field(fieldname, fieldobj)
        self._current = (self._collected.setdefault(fieldname, _Collected())
                         if fieldname in WRITTEN_FIELDS else None)

    def start_term(self, btext):
        super().start_term(btext)
        if self._current is not None:
            self._current.terms.append(btext)

    def add(self, docnum, weight, vbytes, length):
        super().add(docnum, weight, vbytes, length)
        current = self._current
        if current is not None:
            current.docs.append(docnum)
            current.tfs.append(weight)

    def finish_term(self):
        super().finish_term()
        if self._current is not None:
            self._current.ends.append(len(self._current.docs))

    def collect(self, fieldname: str, terms: list[bytes], ends: np.ndarray, docs: np.ndarray,
                tfs: np.ndarray) -> None:
        """A whole field's postings at once, from ``postings.PostingsBuffer`` (which writes
        Whoosh's part itself): terms in order, where each one's postings end (int64),
        their docnums (int32) and frequencies (float32)."""
        if fieldname in WRITTEN_FIELDS:
            self._collected[fieldname] = _Collected(terms, ends, docs, tfs)  # type: ignore[arg-type]

    def close(self):
        if not self.is_closed:
            _write(self._segment.create_file(self._storage, IMPACT_EXT), self._collected,
                   self.vocabulary, (self.story_docs, self.story_codes), self.cards)
        super().close()


def _write(out, collected: dict[str, _Collected], vocabulary: Counter[str] | None,
           stories: tuple[array, array], cards: list[bytes]) -> None:
    """Header (JSON: where each array starts), then the arrays, each 8-byte aligned."""
    blobs: list[bytes] = []
    offset = 0

    def place(raw: bytes) -> list[int]:
        nonlocal offset
        where = [offset, len(raw)]
        pad = -len(raw) % _ALIGN
        blobs.append(raw + b"\0" * pad)
        offset += len(raw) + pad
        return where

    layout: dict[str, dict[str, list[int]]] = {}
    for name, data in collected.items():
        if any(b"\0" in t for t in data.terms):
            raise ValueError(f"a {name} term contains NUL")  # the analyser never makes one
        arrays = {"terms": b"\0".join(data.terms), "ends": data.ends.tobytes(),
                  "docs": data.docs.tobytes(), "tfs": data.tfs.tobytes()}
        if name in FORWARD_FIELDS:
            arrays.update(_forward(data))
        layout[name] = {key: place(raw) for key, raw in arrays.items()}
    sections: dict[str, Any] = {"fields": layout}
    if vocabulary is not None:
        words = sorted(w for w in vocabulary if "\0" not in w)
        counts = array("i", (vocabulary[w] for w in words))
        sections["vocabulary"] = {"words": place("\0".join(words).encode("utf-8")),
                                  "counts": place(counts.tobytes())}
    sections["stories"] = {"docs": place(stories[0].tobytes()), "codes": place(stories[1].tobytes())}
    ends = np.cumsum([len(card) for card in cards], dtype=np.int64)
    sections["cards"] = {"ends": place(ends.tobytes()), "blob": place(b"".join(cards))}
    header = json.dumps(sections).encode("utf-8")
    start = len(_MAGIC) + 4 + len(header)
    start += -start % _ALIGN
    out.write(_MAGIC + struct.pack("<I", len(header)) + header)
    out.write(b"\0" * (start - len(_MAGIC) - 4 - len(header)))
    for blob in blobs:
        out.write(blob)
    out.close()


def _forward(data: _Collected) -> dict[str, bytes]:
    """The same postings ordered by document: each document's term numbers and counts."""
    docs = np.frombuffer(data.docs, dtype=np.int32)
    ends = np.frombuffer(data.ends, dtype=np.int64)
    terms = np.repeat(np.arange(len(ends), dtype=np.int32), np.diff(ends, prepend=0))
    order = np.argsort(docs, kind="stable")
    doc_ends = np.searchsorted(docs[order], np.arange(1, int(docs.max(initial=-1)) + 2))
    return {"fwd_terms": terms[order].tobytes(),
            "fwd_tfs": np.frombuffer(data.tfs, dtype=np.float32)[order].tobytes(),
            "doc_ends": doc_ends.astype(np.int64).tobytes()}


class FieldImpacts:
    """One field of one segment: ``postings(term)`` is (local docnums, frequencies)."""

    def __init__(self, buffer: np.ndarray, base: int, layout: dict[str, list[int]]):
        def part(key: str, dtype: str) -> np.ndarray:
            start, length = layout[key]
            return buffer[base + start: base + start + length].view(dtype)

        self._blob = part("terms", "u1")
        self.ends = part("ends", "<i8")
        self.docs = part("docs", "<i4")
        self.tfs = part("tfs", "<f4")
        self.has_forward = "fwd_terms" in layout  # (FORWARD_FIELDS only)
        if self.has_forward:
            self._fwd_terms = part("fwd_terms", "<i4")
            self._fwd_tfs = part("fwd_tfs", "<f4")
            self._doc_ends = part("doc_ends", "<i8")
        self._words: list[str] | None = None
        self._vocabulary: dict[str, int] | None = None
        self._frequencies: np.ndarray | None = None

    def words(self) -> list[str]:
        """The field's terms, by term number."""
        if self._words is None:  # built on first use: cold start stays cheap
            self._words = self._blob.tobytes().decode("utf-8").split("\0") if len(self.ends) else []
        return self._words

    def _index(self) -> dict[str, int]:
        if self._vocabulary is None:
            self._vocabulary = {w: i for i, w in enumerate(self.words())}
        return self._vocabulary

    def frequencies(self) -> np.ndarray:
        """Each term's occurrences in this segment, by term number (deleted documents
        included, as Whoosh counts them)."""
        if self._frequencies is None:  # (Whoosh writes no term without postings)
            starts = np.concatenate(([0], self.ends[:-1])).astype(np.int64)
            self._frequencies = (np.add.reduceat(self.tfs.astype(np.float64), starts)
                                 if len(self.tfs) else np.zeros(0))
        return self._frequencies

    def warm_up(self) -> None:
        self._index()
        self.frequencies()

    def forward(self, local_docs: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term numbers, counts, owners) of every term of these documents, concatenated
        in their order; an owner is the index in ``local_docs`` of the term's document."""
        ends = self._doc_ends
        docs = np.asarray(local_docs, dtype=np.int64)
        owners = np.flatnonzero(docs < len(ends))
        docs = docs[owners]
        stops = ends[docs]
        starts = np.where(docs > 0, ends[docs - 1], 0)
        sizes = stops - starts
        # Each entry's place in the forward arrays: its run's start, plus its rank in the run.
        at = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        return self._fwd_terms[at], self._fwd_tfs[at], np.repeat(owners, sizes)

    def number(self, term: str) -> int | None:
        return self._index().get(term)

    def doc_frequency(self, number: int) -> int:
        """Documents with term ``number`` (deleted ones included)."""
        return int(self.ends[number] - (self.ends[number - 1] if number else 0))

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        i = self._index().get(term)
        if i is None:
            return None
        start = int(self.ends[i - 1]) if i else 0
        end = int(self.ends[i])
        return self.docs[start:end], self.tfs[start:end]


class SegmentImpacts:
    def __init__(self, path: str, offset: int, length: int, reader: Any):
        buffer, base, header = _open(path, offset, length)
        self.fields = {name: FieldImpacts(buffer, base, layout)
                       for name, layout in header["fields"].items()}
        self._vocabulary_at = ((buffer, base, header["vocabulary"]) if "vocabulary" in header
                               else None)
        self._stories_at = (buffer, base, header.get("stories"))
        self._cards = _cards(buffer, base, header.get("cards"))
        self.doc_count = reader.doc_count_all()
        self.lengths = {name: _field_lengths(reader, name) for name in IMPACT_FIELDS}

    def story_codes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(local docnums, story key codes) of this segment's documents; None for a
        segment written without story keys."""
        return _story_codes(*self._stories_at, self.fields.get(OLD_STORY_FIELD))

    def card(self, local: int) -> bytes:
        """A document's card (b"" for a segment, or a document, written without one)."""
        return _card(self._cards, local)

    def has_vocabulary(self) -> bool:
        return self._vocabulary_at is not None

    def vocabulary(self) -> dict[str, int] | None:
        """word -> documents of this segment using it (deleted ones included); None for a
        segment written before impact files held vocabularies."""
        return None if self._vocabulary_at is None else _vocabulary(*self._vocabulary_at)


def _open(path: str, offset: int, length: int) -> tuple[np.ndarray, int, dict[str, Any]]:
    """(the file's bytes, memory-mapped; where its arrays start; its header).

    A plain array over an ``mmap``, not ``np.memmap``: slicing a memmap runs Python code
    (``__array_finalize__``) for every slice, and a query takes a slice per term and
    segment."""
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    buffer = np.frombuffer(mapped, dtype=np.uint8, count=length, offset=offset)
    head = buffer[: len(_MAGIC) + 4].tobytes()
    if not head.startswith(_MAGIC):
        raise ValueError(f"{path} is not an impact file")
    (size,) = struct.unpack("<I", head[len(_MAGIC):])
    header = json.loads(buffer[len(_MAGIC) + 4: len(_MAGIC) + 4 + size].tobytes())
    base = len(_MAGIC) + 4 + size
    return buffer, base + -base % _ALIGN, header


def _story_codes(buffer: np.ndarray, base: int, layout: dict[str, list[int]] | None,
                 old: FieldImpacts | None) -> tuple[np.ndarray, np.ndarray] | None:
    if layout is not None:
        (docs_start, docs_length), (codes_start, codes_length) = layout["docs"], layout["codes"]
        return (buffer[base + docs_start: base + docs_start + docs_length].view("<i4").astype(np.int64),
                buffer[base + codes_start: base + codes_start + codes_length].view("<u8"))
    if old is None:
        return None
    from ...dedup import key_codes  # (an index written before key codes)

    codes = np.array(key_codes(old.words()), dtype=np.uint64)
    terms = np.repeat(np.arange(len(codes)), np.diff(old.ends, prepend=0))
    return old.docs.astype(np.int64), codes[terms] if len(codes) else np.empty(0, np.uint64)


def _cards(buffer: np.ndarray, base: int,
           layout: dict[str, list[int]] | None) -> tuple[np.ndarray, np.ndarray] | None:
    if layout is None:
        return None
    (ends_start, ends_length), (blob_start, blob_length) = layout["ends"], layout["blob"]
    return (buffer[base + ends_start: base + ends_start + ends_length].view("<i8"),
            buffer[base + blob_start: base + blob_start + blob_length])


def _card(cards: tuple[np.ndarray, np.ndarray] | None, local: int) -> bytes:
    if cards is None or not 0 <= local < len(cards[0]):
        return b""
    ends, blob = cards
    return blob[int(ends[local - 1]) if local else 0: int(ends[local])].tobytes()


def _vocabulary(buffer: np.ndarray, base: int, layout: dict[str, list[int]]) -> dict[str, int]:
    (words_start, words_length), (counts_start, counts_length) = layout["words"], layout["counts"]
    blob = buffer[base + words_start: base + words_start + words_length].tobytes()
    counts = buffer[base + counts_start: base + counts_start + counts_length].view("<i4")
    return dict(zip(blob.decode("utf-8").split("\0"), counts.tolist())) if len(counts) else {}


#: Whoosh stores each document's field length as one byte; this decodes all 256 values.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Every document's (byte-encoded, as Whoosh scores with) length of ``fieldname``."""
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.zeros(reader.doc_count_all(), dtype=np.float64)
    raw = raw_column(column, reader.doc_count_all())
    return _LENGTH_OF_BYTE[np.frombuffer(raw if raw is not None else bytes(column), dtype=np.uint8)]


def raw_column(column: Any, doccount: int) -> bytes | None:
    """The bytes of a fixed-width numeric Whoosh column in one read (iterating it costs
    a Python call per document), or None for any other kind of column."""
    try:
        stored = min(column._count, doccount)  # documents after the last value: the default
        raw = bytes(column._dbfile.get(column._basepos, stored * column._fixedlen))
        return raw + column._defaultbytes * (doccount - stored)
    except AttributeError:
        return None


@dataclass
class _Numbered:
    """A field's terms numbered across every segment: ``words[n]``, its occurrences in
    the index ``frequencies[n]`` (``Impacts.frequencies``), and each segment's term
    numbers mapped to these (``of_segment[k][term]``)."""

    words: list[str]
    frequencies: np.ndarray
    of_segment: list[np.ndarray]


@dataclass
class Impacts:
    """Every segment's impacts, with each segment's first global docnum."""

    segments: list[tuple[SegmentImpacts, int]]
    doc_count_all: int
    live: np.ndarray  # bool per global docnum: not deleted
    _collection: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    _numbered: dict[str, "_Numbered"] = field(default_factory=dict, repr=False)

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(global docnums, frequencies, field lengths of those documents) of one term."""
        docs, tfs, lengths = [], [], []
        for segment, offset in self.segments:
            impacts = segment.fields.get(fieldname)
            found = impacts.postings(term) if impacts is not None else None
            if found is None:
                continue
            local, tf = found
            docs.append(local.astype(np.int64) + offset)
            tfs.append(tf)
            lengths.append(segment.lengths[fieldname][local])
        if not docs:
            empty = np.empty(0)
            return empty.astype(np.int64), empty.astype(np.float32), empty
        if len(docs) == 1:
            return docs[0], tfs[0], lengths[0]
        return np.concatenate(docs), np.concatenate(tfs), np.concatenate(lengths)

    def window_postings(self, fieldname: str, words: list[str], docnums: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every occurrence of ``words`` in the sorted global ``docnums``, read from the
        documents' forward lists: (which word, where in ``docnums``, its frequency, the
        document's field length), and each word's document count, for its idf. A few
        documents' lists are short, where a common word's posting list is long."""
        found = [[] for _ in range(4)]
        counts = np.zeros(len(words), dtype=np.int64)
        for segment, offset in self.segments:
            impacts = segment.fields.get(fieldname)
            if impacts is None:
                continue
            if not impacts.has_forward:
                raise ValueError(f"the impact files keep no forward lists for {fieldname!r}")
            # (each word's term number here and its document count, as arrays: a feedback
            # window asks ~10 words in each segment)
            number_of = impacts.number
            numbers = [number_of(word) for word in words]
            which = np.array([k for k, n in enumerate(numbers) if n is not None], dtype=np.int64)
            if not len(which):
                continue
            present = np.array([n for n in numbers if n is not None], dtype=np.int64)
            ends = impacts.ends
            counts[which] += ends[present] - np.where(present > 0, ends[present - 1], 0)
            lo, hi = np.searchsorted(docnums, (offset, offset + segment.doc_count))
            if lo == hi:
                continue
            local = docnums[lo:hi] - offset
            terms, tfs, owners = impacts.forward(local)
            order = np.argsort(present)
            ranked = present[order]
            at = np.searchsorted(ranked, terms)
            hits = np.flatnonzero(ranked.take(at, mode="clip") == terms)
            found[0].append(which[order[at[hits]]])
            found[1].append(owners[hits] + lo)
            found[2].append(tfs[hits])
            found[3].append(segment.lengths[fieldname][local[owners[hits]]])
        if not found[0]:
            return (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32),
                    np.empty(0), counts)
        return (*(np.concatenate(part) for part in found), counts)

    def _segment_counts(self, fieldname: str, docnums: list[int], doc_weights: list[float] | None):
        """Per segment holding some of ``docnums``: its number, its field's impacts, the
        segment's term numbers found in those documents, their (weighted) counts, and the
        total of the counts."""
        for k, (segment, offset) in enumerate(self.segments):
            impacts = segment.fields[fieldname]
            places = [i for i, d in enumerate(docnums) if offset <= d < offset + segment.doc_count]
            if not places:
                continue
            terms, tfs, owners = impacts.forward([docnums[i] - offset for i in places])
            if doc_weights is not None:
                tfs = tfs * np.asarray(doc_weights, np.float64)[np.asarray(places)[owners]]
            # (Numbered by the documents' few terms, not the segment's many.)
            found, inverse = np.unique(terms, return_inverse=True)
            yield k, impacts, found, np.bincount(inverse, weights=tfs), float(tfs.sum(dtype=np.float64))

    def top_weights(self, fieldname: str, docnums: list[int], doc_weights: list[float] | None = None
                    ) -> tuple[dict[str, float], float]:
        """Each term's total count in ``docnums``, and the total of all counts (what
        Whoosh's query expander adds up from re-analysed stored text); with
        ``doc_weights``, each document's counts multiplied by its weight."""
        weights: dict[str, float] = {}
        total = 0.0
        for _, impacts, found, sums, counted in self._segment_counts(fieldname, docnums, doc_weights):
            words = impacts.words()
            for i, weight in zip(found.tolist(), sums.tolist()):
                weights[words[i]] = weights.get(words[i], 0.0) + weight
            total += counted
        return weights, total

    def top_weight_numbers(self, fieldname: str, docnums: list[int],
                           doc_weights: list[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`top_weights` (without the total) as index-wide term numbers (``numbered``)
        and their weights, in numpy throughout: a query's feedback documents have ~1,000
        distinct terms, which cost ~0.2 ms as a Python loop over words. Each term's weight
        is added up segment by segment as :meth:`top_weights` adds it, to the bit."""
        numbered = self.numbered(fieldname)
        numbers, sums = [], []
        for k, _, found, counts, _ in self._segment_counts(fieldname, docnums, doc_weights):
            numbers.append(numbered.of_segment[k][found])
            sums.append(counts)
        if not numbers:
            return np.empty(0, np.int64), np.empty(0)
        if len(numbers) == 1:
            return numbers[0], sums[0]
        # (bincount adds each term's segment sums in segment order, from 0.0, as a dict would)
        found, inverse = np.unique(np.concatenate(numbers), return_inverse=True)
        return found, np.bincount(inverse, weights=np.concatenate(sums))

    def numbered(self, fieldname: str) -> "_Numbered":
        """The field's terms numbered across the index, in :meth:`frequencies` order."""
        found = self._numbered.get(fieldname)
        if found is None:
            frequencies = self.frequencies(fieldname)
            words = list(frequencies)
            number = {word: i for i, word in enumerate(words)}
            of_segment = [np.fromiter(map(number.__getitem__, segment.fields[fieldname].words()),
                                      np.int64, len(segment.fields[fieldname].words()))
                          for segment, _ in self.segments]
            found = _Numbered(words, np.fromiter(frequencies.values(), np.float64, len(words)),
                              of_segment)
            self._numbered[fieldname] = found  # (two threads may both build it: the same)
        return found

    def frequencies(self, fieldname: str) -> dict[str, float]:
        """Every term's occurrences in the whole index (deleted documents included, as
        Whoosh counts them), in one dict built on first use: query expansion looks up
        hundreds of terms per query."""
        found = self._collection.get(fieldname)
        if found is None:
            found = {}
            for segment, _ in self.segments:
                impacts = segment.fields[fieldname]
                for word, count in zip(impacts.words(), impacts.frequencies().tolist()):
                    found[word] = found.get(word, 0.0) + count
            self._collection[fieldname] = found  # (two threads may both build it: same dict)
        return found

    def warm_up(self) -> None:
        """Build the term dictionaries and frequencies that searches otherwise build lazily."""
        for segment, _ in self.segments:
            for name in IMPACT_FIELDS:
                segment.fields[name].warm_up()
        self.numbered("body")  # query expansion's (and its frequencies)

    def has_vocabulary(self) -> bool:
        return all(segment.has_vocabulary() for segment, _ in self.segments)

    def vocabulary(self) -> dict[str, int] | None:
        """Every segment's vocabulary added up; None if a segment has none."""
        total: Counter[str] = Counter()
        for segment, _ in self.segments:
            words = segment.vocabulary()
            if words is None:
                return None
            total.update(words)
        return dict(total)

    def story_codes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(global docnums, story key codes) of every segment's documents (deleted ones
        included); None when no segment has story keys."""
        docs, codes = [], []
        for segment, offset in self.segments:
            found = segment.story_codes()
            if found is not None:
                docs.append(found[0] + offset)
                codes.append(found[1])
        if not docs:
            return None
        return np.concatenate(docs), np.concatenate(codes)

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Documents with ``term`` in ``fieldname`` (deleted ones included, as Whoosh counts)."""
        total = 0
        for segment, _ in self.segments:
            impacts = segment.fields.get(fieldname)
            number = impacts.number(term) if impacts is not None else None
            if number is not None:
                total += impacts.doc_frequency(number)
        return total

    def card(self, docnum: int) -> bytes:
        """A document's card (see ``SegmentImpacts.card``) by global docnum."""
        for segment, offset in self.segments:
            if offset <= docnum < offset + segment.doc_count:
                return segment.card(docnum - offset)
        return b""

    def has_field(self, fieldname: str) -> bool:
        return all(fieldname in segment.fields for segment, _ in self.segments)

    def field_postings(self, fieldname: str) -> list[tuple[list[str], np.ndarray, np.ndarray]]:
        """Per segment: the field's terms, and for every posting its term number and global
        docnum (deleted documents included)."""
        out = []
        for segment, offset in self.segments:
            impacts = segment.fields[fieldname]
            words = impacts.words()
            terms = np.repeat(np.arange(len(words), dtype=np.int32), np.diff(impacts.ends, prepend=0))
            out.append((words, terms, impacts.docs.astype(np.int64) + offset))
        return out


def segment_vocabulary(index_folder: str, leaf: Any) -> dict[str, int] | None:
    """One segment reader's vocabulary (see :meth:`SegmentImpacts.vocabulary`)."""
    segment = leaf.segment()
    where = _locate(index_folder, leaf, segment) if segment is not None else None
    if where is None:
        return None
    buffer, base, header = _open(*where)  # (not SegmentImpacts: no field lengths needed)
    return _vocabulary(buffer, base, header["vocabulary"]) if "vocabulary" in header else None


def segment_extras(index_folder: str, leaf: Any
                   ) -> tuple[tuple[np.ndarray, np.ndarray] | None, Callable[[int], bytes]]:
    """One segment reader's story key codes (see :meth:`SegmentImpacts.story_codes`, None
    without) and a docnum -> card function (b"" without): what a merge carries over."""
    segment = leaf.segment()
    where = _locate(index_folder, leaf, segment) if segment is not None else None
    if where is None:
        return None, lambda local: b""
    buffer, base, header = _open(*where)
    old = header["fields"].get(OLD_STORY_FIELD)
    cards = _cards(buffer, base, header.get("cards"))
    return (_story_codes(buffer, base, header.get("stories"),
                         FieldImpacts(buffer, base, old) if old is not None else None),
            lambda local: _card(cards, local))


def load(index_folder: str, reader: Any) -> Impacts | None:
    """The impacts of every segment of ``reader``, or None if a segment has none."""
    segments = []
    for leaf, offset in reader.leaf_readers():
        segment = leaf.segment()
        if segment is None:
            return None
        where = _locate(index_folder, leaf, segment)
        if where is None:
            return None
        segments.append((SegmentImpacts(*where, leaf), offset))
    return Impacts(segments, reader.doc_count_all(), live_mask(reader))


def mask_of(docs, size: int) -> np.ndarray:
    """A boolean mask over ``size`` docnums, true at ``docs`` (any iterable of ints)."""
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docs, dtype=np.int64)] = True
    return mask


def live_mask(reader: Any) -> np.ndarray:
    """True for each docnum of ``reader`` that is not deleted."""
    return mask_of(reader.all_doc_ids(), reader.doc_count_all())


def _locate(folder: str, leaf: Any, segment: Any) -> tuple[str, int, int] | None:
    """(file, offset, length) of a segment's impact file, alone or inside its ``.seg``."""
    name = segment.make_filename(IMPACT_EXT)
    path = os.path.join(folder, name)
    if os.path.isfile(path):
        return path, 0, os.path.getsize(path)
    compound = getattr(leaf._storage, "a", None)  # a compound segment's reader reads it first
    if not segment.is_compound() or not hasattr(compound, "range"):
        return None
    try:
        offset, length = compound.range(name)
    except (KeyError, NameError):
        return None
    return os.path.join(folder, segment.make_filename(segment.COMPOUND_EXT)), offset, length
