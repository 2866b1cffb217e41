"""A fresh segment's postings, kept in flat arrays and written in Whoosh 3's format.

Whoosh's writer sends every posting through its ``PostingPool``: a 5-tuple per posting,
sized and appended, sorted as Python tuples (in sorted runs spilled to disk past a memory
limit, merged back at the end), then fed one at a time through three layers of method
calls and checks before each block of a posting list is pickled. That was about half of
an indexing worker's time. A worker's segment is bounded in size (``SEGMENT_TEXT_CHARS``),
so its postings fit in memory: :class:`PostingsBuffer` keeps each field's postings as
parallel arrays (term number, docnum, weight, value), orders them with one numpy sort,
and writes each term's blocks and term-info record directly in the format Whoosh's reader
reads. Told to compress every block and to pickle as Whoosh does, it writes byte for byte
what ``W3FieldWriter`` writes; by default it leaves short blocks uncompressed (see
``COMPRESS_FROM``) and pickles each block's data with a newer protocol (``PROTOCOL``).
``tests/test_postings.py`` compares the files, and every posting as Whoosh reads it back.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from typing import Callable

import numpy as np
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort

_BLOCK = 128  # W3Codec's blocklimit: postings per block
_COMPRESSION = 3  # W3Codec's zlib level
#: Blocks whose pickle is shorter are stored uncompressed. Whoosh meant to do the same
#: below 20 bytes, but a slip in ``W3PostingsWriter._write_block`` compresses every
#: block; its reader reads each block's compression level from the block's header. Most
#: posting lists are one short block, which zlib makes no smaller below about 96 bytes
#: (measured over 5,000 Reuters stories: 76 bytes in, 76 out), and starting zlib for each
#: was a tenth of the writing time.
COMPRESS_FROM = 96
#: The pickle protocol of each block's data (doc deltas, weights, values). Whoosh writes
#: protocol 2, which has no opcode for bytes: each posting's positions became a call of
#: ``_codecs.encode`` on text, 35 bytes more, and four times the time to pickle and to
#: unpickle as protocol 4 (1.3 us against 0.27 us a block). Whoosh's reader unpickles
#: either. (The block headers stay protocol 2: they hold numbers only.)
PROTOCOL = 4
_WHOOSH_PROTOCOL = 2
#: Postings turned into Python lists at a time while writing.
WINDOW = 65_536
_TERMINFO = W3TermInfo._struct
_NO_ID = 0xFFFFFFFF


class _FieldPostings:
    __slots__ = ("numbers", "terms", "docs", "weights", "values")

    def __init__(self) -> None:
        # term -> term number, in order of arrival; a term is bytes, or text (encoded
        # once, when the field is written) in a field filled by ``add_positions``
        self.numbers: dict[bytes | str, int] = {}
        self.terms = array("i")
        self.docs = array("i")
        self.weights = array("d")
        self.values: list[bytes | None] = []


class PostingsBuffer:
    """Stands in for Whoosh's ``PostingPool`` in a segment writer that only adds new
    documents: the writer hands it each field's postings (:meth:`add_field`), and its flush
    calls :meth:`write` instead of iterating the pool."""

    def __init__(self, compress_from: int = COMPRESS_FROM, window: int = WINDOW,
                 protocol: int = PROTOCOL) -> None:
        self._fields: dict[str, _FieldPostings] = {}
        self._single_position: dict[Callable, _SinglePosition] = {}
        self.compress_from = compress_from  # 0: compress every block, as Whoosh does
        self.window = window
        self.protocol = protocol  # 2: Whoosh's

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

    def add_positions(self, fieldname: str, terms: dict[str, list[int]], docnum: int,
                      field_boost: float, boost: float, encode: Callable[[list[int]], bytes]) -> int:
        """A document's postings in a text field given as ``{term: [positions]}`` (what
        ``analysis.analyse`` makes): the postings ``AnalyzedText.index`` would yield, added
        a list at a time, with each term kept as text until the field is written, and the
        encoded value of a single position looked up (most terms occur once). Returns the
        sum of the frequencies (the field's length)."""
        postings = self._fields.get(fieldname)
        if postings is None:
            postings = self._fields[fieldname] = _FieldPostings()
        numbers = postings.numbers
        number = numbers.setdefault
        postings.terms.extend([number(term, len(numbers)) for term in terms])
        counts = [len(positions) for positions in terms.values()]
        postings.docs.extend(array("i", (docnum,)) * len(counts))
        if field_boost == 1 and boost == 1:
            postings.weights.extend(counts)
        else:
            postings.weights.extend([count * field_boost * boost for count in counts])
        single = self._single_position.get(encode)
        if single is None:
            single = self._single_position[encode] = _SinglePosition(encode)
        postings.values.extend([single[positions[0]] if len(positions) == 1 else encode(positions)
                                for positions in terms.values()])
        return sum(counts)

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
                             ends[first_term:last_term] - a, docs[a:b], weights[a:b],
                             [postings.values[i] for i in order[a:b].tolist()],
                             length_bytes[a:b] if length_bytes is not None else None,
                             self.compress_from, self.protocol)
            fieldwriter.finish_field()
            fieldwriter.collect(fieldname, terms, ends, docs, weights.astype(np.float32))


class _SinglePosition(dict):
    """``encode([position])`` of each position seen (a format's encoded value of a term
    that occurs once)."""

    def __init__(self, encode: Callable[[list[int]], bytes]) -> None:
        super().__init__()
        self.encode = encode

    def __missing__(self, position: int) -> bytes:
        value = self[position] = self.encode([position])
        return value


def _sorted(postings: _FieldPostings) -> tuple[list[bytes], np.ndarray, np.ndarray]:
    """The field's terms in byte order, where each term's postings end, and the order
    of the postings: by term, then by document. (Text terms sort as their UTF-8 bytes
    do: UTF-8 keeps the order of code points.)"""
    terms = sorted(postings.numbers)
    rank = np.empty(len(terms), dtype=np.int32)
    rank[[postings.numbers[t] for t in terms]] = np.arange(len(terms), dtype=np.int32)
    if terms and isinstance(terms[0], str):
        terms = [term.encode("utf-8") for term in terms]
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


class _Blocks:
    """A window's posting lists cut into blocks of ``_BLOCK`` postings, and what each
    block's header and each term's record need (sums, extremes, deltas), computed for
    all blocks at once with numpy; what is left per block is pickling."""

    def __init__(self, ends: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 length_bytes: np.ndarray | None):
        starts = np.concatenate(([0], ends[:-1])).astype(np.int64)
        per_term = (ends - starts + _BLOCK - 1) // _BLOCK
        self.docs = docs.tolist()
        self.term_blocks = np.concatenate(([0], np.cumsum(per_term))).tolist()
        nth = np.arange(int(per_term.sum())) - np.repeat(self.term_blocks[:-1], per_term)
        first = np.repeat(starts, per_term) + nth * _BLOCK
        self.first = first.tolist()
        self.last = np.minimum(first + _BLOCK, np.repeat(ends, per_term)).tolist()
        # each block's doc numbers as deltas, its first one whole
        deltas = np.diff(docs.astype(np.int64), prepend=0)
        deltas[first] = docs[first]
        self.deltas = deltas.tolist()
        stored = weights.astype(np.float32)  # what Whoosh keeps, sums and compares
        self.stored = stored.astype(np.float64).tolist()
        self.heaviest = np.maximum.reduceat(weights, first).tolist()
        # blocks whose weights are all 1, or all the first one's (counted with prefix sums)
        not_one = np.concatenate(([0], np.cumsum(stored != 1)))
        changes = np.concatenate(([0, 0], np.cumsum(stored[1:] != stored[:-1])))
        last = np.asarray(self.last)
        self.all_one = (not_one[last] == not_one[first]).tolist()
        self.all_same = (changes[last] == changes[first + 1]).tolist()
        if length_bytes is None:
            self.shortest = self.longest = None
        else:  # extremes of the lengths present (a zero byte: no length)
            self.shortest = np.minimum.reduceat(np.where(length_bytes == 0, 256, length_bytes)
                                                .astype(np.int16), first).tolist()
            self.longest = np.maximum.reduceat(length_bytes, first).tolist()

    def block(self, k: int, values: list[bytes | None], fixed_size: int | None,
              compress_from: int, last: bool, protocol: int = PROTOCOL
              ) -> tuple[bytes, float, int | None, int, float]:
        """Block ``k`` as ``W3PostingsWriter._write_block`` writes it, with its weight sum,
        its shortest and longest length as length bytes (None and 0 without lengths) and its
        heaviest weight. (Whoosh turns the bytes into lengths and back: ``length_to_byte``
        inverts ``byte_to_length`` on every byte, so the bytes are kept.)"""
        a, b = self.first[k], self.last[k]
        heaviest = self.heaviest[k]
        max_weight = heaviest if heaviest > 0 else 0
        shortest = self.shortest[k] if self.shortest is not None else 256
        if shortest == 256:
            shortest = None
        longest = self.longest[k] if self.longest is not None else 0
        if b - a == 1:  # most blocks: a term in one document
            weight = self.stored[a]
            weight_sum = weight
            mini_weights = None if weight == 1 else weight
            deltas: tuple[int, ...] = (self.deltas[a],)
            value = values[a]
            kept = [value] if value else []
        else:
            weights = self.stored[a:b]
            weight_sum = sum(weights)
            if self.all_one[k]:
                mini_weights = None
            elif self.all_same[k]:
                mini_weights = weights[0]
            else:
                mini_weights = tuple(weights)
            deltas = tuple(self.deltas[a:b])
            kept = [v for v in values[a:b] if v] if fixed_size != 0 else []
        if fixed_size == 0:
            mini_values = None
        else:
            mini_values = tuple(kept) if fixed_size is None or fixed_size < 0 else b"".join(kept)
        raw = pickle.dumps((deltas, mini_weights, mini_values), protocol)
        level = _COMPRESSION if len(raw) >= compress_from else 0
        if level:
            raw = zlib.compress(raw, level)
        info = pickle.dumps((b - a, self.docs[b - 1], max_weight, level, shortest or 0, longest),
                            _WHOOSH_PROTOCOL)
        size = len(info) + len(raw)
        return pack_int(-size if last else size) + info + raw, weight_sum, shortest, longest, max_weight


def _write_terms(fieldwriter, fixed_size: int | None, terms: list[bytes], ends: np.ndarray,
                 docs: np.ndarray, weights: np.ndarray, values: list[bytes | None],
                 length_bytes: np.ndarray | None, compress_from: int, protocol: int = PROTOCOL) -> None:
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
    blocks = _Blocks(ends, docs, weights, length_bytes)
    doc_list = blocks.docs
    term_blocks = blocks.term_blocks
    start = 0
    for t, (btext, end) in enumerate(zip(terms, ends.tolist())):
        out.append(magic)
        size = len(magic)
        total = 0.0
        min_length: int | None = None
        max_length = max_weight = 0
        last_block = term_blocks[t + 1] - 1
        for k in range(term_blocks[t], last_block + 1):
            raw, weight_sum, shortest, longest, heaviest = blocks.block(
                k, values, fixed_size, compress_from, k == last_block, protocol)
            out.append(raw)
            size += len(raw)
            total += weight_sum
            if min_length is None:
                min_length = shortest
            elif shortest is not None:
                min_length = min(min_length, shortest)
            max_length = max(max_length, longest)
            max_weight = max(max_weight, heaviest)
        info = _TERMINFO.pack(False, total, end - start, min_length or 0, max_length, max_weight,
                              doc_list[start] if end > start else _NO_ID, doc_list[end - 1])
        records.append((field_id + btext, info + pack_long(offset) + pack_int(size)))
        offset += size
        start = end
    postfile.write(b"".join(out))
    _add_terms(fieldwriter._tindex, records)


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
