"""A fresh segment's postings, kept in flat arrays and written in Whoosh 3's format.

Whoosh's writer sends every posting through its ``PostingPool``: a 5-tuple per posting,
sized and appended, sorted as Python tuples (in sorted runs spilled to disk past a memory
limit, merged back at the end), then fed one at a time through three layers of method
calls and checks before each block of a posting list is pickled. That was about half of
an indexing worker's time. A worker's segment is bounded in size (``SEGMENT_TEXT_CHARS``),
so its postings fit in memory: :class:`PostingsBuffer` keeps each field's postings as
parallel arrays (term number, docnum, weight, value), orders them with one numpy sort,
and writes each term's blocks and term-info record directly in the format Whoosh's reader
reads. Told to compress every block, it writes byte for byte what ``W3FieldWriter``
writes; by default it leaves short blocks uncompressed (see ``COMPRESS_FROM``).
``tests/test_postings.py`` compares the files, and every posting as Whoosh reads it back.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from functools import lru_cache
from typing import Callable

import numpy as np
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

_BLOCK = 128  # W3Codec's blocklimit: postings per block
_COMPRESSION = 3  # W3Codec's zlib level
#: Blocks whose pickle is shorter are stored uncompressed. Whoosh meant to do the same
#: below 20 bytes, but a slip in ``W3PostingsWriter._write_block`` compresses every
#: block; its reader reads each block's compression level from the block's header. Most
#: posting lists are one short block, which zlib makes no smaller below about 96 bytes
#: (measured over 5,000 Reuters stories: 76 bytes in, 76 out), and starting zlib for each
#: was a tenth of the writing time.
COMPRESS_FROM = 96
#: Postings turned into Python lists at a time while writing.
WINDOW = 65_536
_TERMINFO = W3TermInfo._struct
_NO_ID = 0xFFFFFFFF


class _FieldPostings:
    __slots__ = ("numbers", "terms", "docs", "weights", "values")

    def __init__(self) -> None:
        self.numbers: dict[bytes, int] = {}  # term bytes -> term number, in order of arrival
        self.terms = array("i")
        self.docs = array("i")
        self.weights = array("d")
        self.values: list[bytes | None] = []


class PostingsBuffer:
    """Stands in for Whoosh's ``PostingPool`` in a segment writer that only adds new
    documents: the writer hands it each field's postings (:meth:`add_field`), and its flush
    calls :meth:`write` instead of iterating the pool."""

    def __init__(self, compress_from: int = COMPRESS_FROM, window: int = WINDOW) -> None:
        self._fields: dict[str, _FieldPostings] = {}
        self.compress_from = compress_from  # 0: compress every block, as Whoosh does
        self.window = window

    def add_field(self, fieldname: str, items, docnum: int, boost: float = 1.0) -> int:
        """A document's postings in one field, as ``FieldType.index`` yields them
        (term bytes, frequency, weight, value); returns the sum of the frequencies."""
        postings = self._fields.get(fieldname)
        if postings is None:
            postings = self._fields[fieldname] = _FieldPostings()
        numbers = postings.numbers
        add_term, add_doc = postings.terms.append, postings.docs.append
        add_weight, add_value = postings.weights.append, postings.values.append
        length = 0
        for btext, freq, weight, vbytes in items:
            number = numbers.get(btext)
            if number is None:
                number = numbers[btext] = len(numbers)
            add_term(number)
            add_doc(docnum)
            add_weight(weight * boost)
            add_value(vbytes)
            length += freq
        return length

    def cleanup(self) -> None:
        self._fields.clear()

    def write(self, fieldwriter, schema, lengths: Callable[[str], bytes | None]) -> None:
        """Write every field's postings through ``fieldwriter`` (an ``ImpactFieldWriter``):
        its term table and postings file, and its impact arrays. ``lengths(field)`` is the
        field's length column (a byte per document), or None for fields without lengths."""
        for fieldname in sorted(self._fields):
            postings = self._fields.pop(fieldname)
            if not postings.numbers:  # only empty values: Whoosh would never see the field
                continue
            terms, ends, order = _sorted(postings)
            docs = np.frombuffer(postings.docs, dtype=np.int32)[order]
            weights = np.frombuffer(postings.weights, dtype=np.float64)[order]
            column = lengths(fieldname)
            length_bytes = np.frombuffer(column, dtype=np.uint8)[docs] if column is not None else None
            fieldobj = schema[fieldname]
            fixed_size = fieldobj.format.fixed_value_size()
            fieldwriter.start_field(fieldname, fieldobj)
            # A window of postings at a time as Python lists: a whole field's (millions of
            # postings in a worker's segment) would take hundreds of MB as Python objects.
            for first_term, last_term, a, b in _windows(ends, self.window):
                _write_terms(fieldwriter, fixed_size, terms[first_term:last_term],
                             (ends[first_term:last_term] - a).tolist(), docs[a:b].tolist(),
                             weights[a:b].tolist(), [postings.values[i] for i in order[a:b].tolist()],
                             length_bytes[a:b].tolist() if length_bytes is not None else None,
                             self.compress_from)
            fieldwriter.finish_field()
            fieldwriter.collect(fieldname, terms, ends, docs, weights.astype(np.float32))


def _sorted(postings: _FieldPostings) -> tuple[list[bytes], np.ndarray, np.ndarray]:
    """The field's terms in byte order, where each term's postings end, and the order
    of the postings: by term, then by document."""
    terms = sorted(postings.numbers)
    rank = np.empty(len(terms), dtype=np.int32)
    rank[[postings.numbers[t] for t in terms]] = np.arange(len(terms), dtype=np.int32)
    ranked = rank[np.frombuffer(postings.terms, dtype=np.int32)]
    order = np.lexsort((np.frombuffer(postings.docs, dtype=np.int32), ranked))
    ends = np.cumsum(np.bincount(ranked, minlength=len(terms))).astype(np.int64)
    return terms, ends, order


def _windows(ends: np.ndarray, size: int):
    """(first term, last term + 1, first posting, last posting + 1) of consecutive runs of
    terms with about ``size`` postings in all (a longer posting list is a run alone)."""
    first_term, start = 0, 0
    while first_term < len(ends):
        last_term = max(int(np.searchsorted(ends, start + size, side="right")), first_term + 1)
        stop = int(ends[last_term - 1])
        yield first_term, last_term, start, stop
        first_term, start = last_term, stop


def _write_terms(fieldwriter, fixed_size: int | None, terms: list[bytes], ends: list[int],
                 docs: list[int], weights: list[float], values: list[bytes | None],
                 length_bytes: list[int] | None, compress_from: int) -> None:
    """Each term's posting blocks and its term-info record, as W3FieldWriter writes them
    (W3PostingsWriter's blocks of 128, W3TermInfo's record; never inlined: inlinelimit 1).

    The window's posting lists are joined and written at once, their offsets counted
    here: asking the file for its position twice a term (a system call each, through
    ``BufferedWriter.tell``) was a twentieth of a worker's time."""
    postfile = fieldwriter._postfile
    records: list[tuple[bytes, bytes]] = []
    field_id = pack_ushort(fieldwriter._fieldid)
    magic = WHOOSH3_HEADER_MAGIC
    offset = postfile.tell()
    out: list[bytes] = []
    start = 0
    for btext, end in zip(terms, ends):
        if end - start == 1:  # most terms of a segment: one posting, one block
            one = _one_posting(docs[start], weights[start], values[start],
                               length_bytes[start] if length_bytes is not None else 0,
                               fixed_size, compress_from)
            out += (magic, one)
            size = len(magic) + len(one)
            records.append((field_id + btext, _one_info(weights[start], length_bytes, start, docs[start])
                            + pack_long(offset) + pack_int(size)))
            offset += size
            start = end
            continue
        out.append(magic)
        size = len(magic)
        total = 0.0
        min_length: int | None = None
        max_length = max_weight = 0
        for first in range(start, end, _BLOCK):
            last = min(first + _BLOCK, end)
            block = _Block(docs[first:last], weights[first:last], values[first:last],
                           length_bytes[first:last] if length_bytes is not None else None,
                           fixed_size, compress_from)
            raw = block.to_bytes(last == end)
            out.append(raw)
            size += len(raw)
            total += block.weight_sum
            if min_length is None:
                min_length = block.min_length
            else:
                min_length = min(min_length, block.min_length)  # type: ignore[type-var]
            max_length = max(max_length, block.max_length)
            max_weight = max(max_weight, block.max_weight)
        info = _TERMINFO.pack(False, total, end - start,
                              0 if min_length is None else length_to_byte(min_length),
                              length_to_byte(max_length), max_weight,
                              docs[start] if end > start else _NO_ID, docs[end - 1])
        records.append((field_id + btext, info + pack_long(offset) + pack_int(size)))
        offset += size
        start = end
    postfile.write(b"".join(out))
    _add_terms(fieldwriter._tindex, records)


def _one_posting(doc: int, weight: float, value: bytes | None, length_byte: int,
                 fixed_size: int | None, compress_from: int) -> bytes:
    """``_Block(...).to_bytes(True)`` for a posting list of one posting: the same bytes,
    without the lists and sums a block of many postings needs."""
    stored = _float32(weight)
    length = byte_to_length(length_byte) if length_byte else None
    if fixed_size is None or fixed_size < 0:
        mini_values = (value,) if value else ()
    elif fixed_size == 0:
        mini_values = None
    else:
        mini_values = value or b""
    raw = pickle.dumps(((doc,), None if stored == 1.0 else stored, mini_values), 2)
    level = _COMPRESSION if len(raw) >= compress_from else 0
    if level:
        raw = zlib.compress(raw, level)
    info = pickle.dumps((1, doc, weight if weight > 0 else 0, level, length_to_byte(length),
                         length_to_byte(length or 0)), 2)
    return pack_int(-(len(info) + len(raw))) + info + raw


def _one_info(weight: float, length_bytes: list[int] | None, at: int, doc: int) -> bytes:
    """The term-info record of a posting list of one posting (see ``_write_terms``)."""
    length_byte = length_bytes[at] if length_bytes is not None else 0
    length = byte_to_length(length_byte) if length_byte else None
    return _TERMINFO.pack(False, _float32(weight), 1, 0 if length is None else length_to_byte(length),
                          length_to_byte(length or 0), weight if weight > 0 else 0, doc, doc)


@lru_cache(maxsize=4096)
def _float32(weight: float) -> float:
    """``weight`` as Whoosh keeps it in a block (a C float)."""
    return array("f", (weight,))[0]


def _add_terms(tindex, records: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` for each of ``records`` (key, value), keys in order: the
    same bytes and tables, with positions counted instead of asked of the file (two
    ``tell`` calls a term), and one write."""
    if not records:
        return
    if records[0][0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{records[0][0]!r}")
    dbfile, hashfn, buckets, positions = tindex.dbfile, tindex.hashfn, tindex.buckets, tindex.index
    position = dbfile.tell()
    out: list[bytes] = []
    for key, value in records:
        positions.append(position)
        h = hashfn(key)
        buckets[h & 255].append((h, position))
        head = _LENGTHS.pack(len(key), len(value))
        out += (head, key, value)
        position += len(head) + len(key) + len(value)
    dbfile.write(b"".join(out))
    tindex.lastkey = records[-1][0]


class _Block:
    """One block of a posting list, as ``W3PostingsWriter._write_block`` makes it."""

    __slots__ = ("raw", "weight_sum", "min_length", "max_length", "max_weight", "_info")

    def __init__(self, docs: list[int], weights: list[float], values: list[bytes | None],
                 length_bytes: list[int] | None, fixed_size: int | None, compress_from: int):
        stored = array("f", weights)  # what Whoosh keeps, and sums
        self.weight_sum = sum(stored)
        heaviest = max(weights)
        self.max_weight = heaviest if heaviest > 0 else 0
        present = [b for b in length_bytes if b] if length_bytes is not None else ()
        self.min_length = byte_to_length(min(present)) if present else None
        self.max_length = byte_to_length(max(present)) if present else 0
        deltas = [docs[0]] + [b - a for a, b in zip(docs, docs[1:])]
        if all(w == 1.0 for w in stored):
            mini_weights = None
        elif all(w == stored[0] for w in stored):
            mini_weights = stored[0]
        else:
            mini_weights = tuple(stored)
        kept = [v for v in values if v]
        if fixed_size is None or fixed_size < 0:
            mini_values = tuple(kept)
        elif fixed_size == 0:
            mini_values = None
        else:
            mini_values = b"".join(kept)
        raw = pickle.dumps((tuple(deltas), mini_weights, mini_values), 2)
        level = _COMPRESSION if len(raw) >= compress_from else 0
        self.raw = zlib.compress(raw, level) if level else raw
        self._info = pickle.dumps((len(docs), docs[-1], self.max_weight, level,
                                   length_to_byte(self.min_length),
                                   length_to_byte(self.max_length)), 2)

    def to_bytes(self, last: bool) -> bytes:
        size = len(self._info) + len(self.raw)
        return pack_int(-size if last else size) + self._info + self.raw

