"""Whoosh's default codec, with two costs of writing removed.

At commit, Whoosh asks for the length of every posting's document field (to note the
shortest and longest document of each block). Each ask reads one byte from the length
column on disk (a seek and a read), and for fields that keep no lengths (our facet and
vocabulary fields) checks the disk for a column that is never there (an ``os.stat``).
:class:`_PerDocReader` remembers absent columns; :class:`WritingLengths`, used only by
the writer while it flushes, reads each length column once into memory. The files
written are the standard Whoosh 3 format, plus the impact file of ``impacts.py``.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

from .impacts import ImpactFieldWriter


class _PerDocReader(W3PerDocReader):
    def _cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)
        return self._readers[fieldname]


class WritingLengths(_PerDocReader):
    """Field lengths for a segment being flushed: each column read whole, once."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._lengths: dict[str, bytes | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        if fieldname not in self._lengths:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = None if reader is None else bytes(reader)
        lengths = self._lengths[fieldname]
        if lengths is None:
            return default
        lbyte = lengths[docnum]
        return byte_to_length(lbyte) if lbyte else None  # as W3PerDocReader does


class NewsCodec(W3Codec):
    # (W3Codec's inlinelimit must stay 1: inlining is broken in whoosh-reloaded 2.7.5,
    # W3TermInfo has no set_inline.)

    def field_writer(self, storage, segment):
        return ImpactFieldWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)
