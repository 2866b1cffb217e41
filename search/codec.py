"""Whoosh's default codec, with one cost removed.

At commit, Whoosh asks for the length of every posting's document field, including
fields that keep no lengths (our facet and vocabulary fields); each such ask checks the
disk for a length column that is never there (an ``os.stat``). This codec remembers that
the column is absent. The files written are the standard Whoosh 3 format.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader


class _PerDocReader(W3PerDocReader):
    def _cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)
        return self._readers[fieldname]


class NewsCodec(W3Codec):
    # (W3Codec's inlinelimit must stay 1: inlining is broken in whoosh-reloaded 2.7.5,
    # W3TermInfo has no set_inline.)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)
