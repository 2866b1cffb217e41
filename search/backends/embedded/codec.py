"""Whoosh's default codec, with two costs of writing removed.

At commit, Whoosh asks for the length of every posting's document field (to note the
shortest and longest document of each block). Each ask reads one byte from the length
column on disk (a seek and a read), and for fields that keep no lengths (our facet and
vocabulary fields) checks the disk for a column that is never there (an ``os.stat``).
:class:`_PerDocReader` remembers absent columns; :class:`WritingLengths`, used only by
the writer while it flushes, reads each length column once into memory. The files
written are the standard Whoosh 3 format, plus the impact file of ``impacts.py``.

And one cost of reading: Whoosh opens each part of a compound segment as a ``BufferFile``,
which copies the part out of the segment's memory map into a ``BytesIO``. Every searcher
(the server keeps one per thread) so held a private copy of the whole index: 113 MB and
45 ms per searcher at 21k Reuters stories. :class:`NewsSegment` reads the parts in place.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, W3Segment, _lenfield
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile
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

    def column(self, fieldname: str) -> bytes | None:
        """The field's length column, a byte per document (None: the field keeps none)."""
        if fieldname not in self._lengths:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = None if reader is None else bytes(reader)
        return self._lengths[fieldname]

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.column(fieldname)
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

    def new_segment(self, storage, indexname):
        return NewsSegment(self, indexname)


class NewsSegment(W3Segment):
    """A Whoosh 3 segment whose compound file is read in place (see the module docstring).
    Segments written before this class existed are plain ``W3Segment``s and still work."""

    def open_compound_file(self, storage):
        dbfile = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        return _InPlaceCompound(dbfile, use_mmap=storage.supports_mmap)


class _InPlaceCompound(CompoundStorage):
    def open_file(self, name, *args, **kwargs):
        if self.is_closed or self._source is None:  # no memory map: Whoosh's sub-files
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return _MappedFile(memoryview(self._source)[offset:offset + length], name=name)


class _MappedFile(BufferFile):
    """A ``BufferFile`` without the copy: random reads (``get``, ``get_array``, what
    posting and stored-field readers use) slice the view; sequential reads go through a
    cursor over the same view."""

    def __init__(self, view: memoryview, name: str | None = None):
        super().__init__(b"", name=name)
        self._buf = view
        self.file = _ViewCursor(view)


class _ViewCursor:
    """The file methods Whoosh and pickle call on a part: read, readline, seek, tell."""

    def __init__(self, view: memoryview):
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        end = self._pos
        while end < limit:
            chunk = bytes(self._view[end:min(end + 4096, limit)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass  # the view belongs to the compound file, which closes the map
