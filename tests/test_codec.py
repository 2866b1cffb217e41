"""The codec's in-place reading of compound segments (search/codec.py)."""

import io
import random

from search.backends.embedded.codec import NewsSegment, _ViewCursor
from search.engine import _open_searcher


def test_view_cursor_reads_like_bytesio():
    data = bytes(random.Random(7).choices(b"ab\ncd", k=5000))
    cursor, reference = _ViewCursor(memoryview(data)), io.BytesIO(data)
    steps = random.Random(8)
    for _ in range(2000):
        op = steps.choice(["read", "readline", "seek", "seek_end", "seek_cur"])
        n = steps.randint(-1, 300)
        if op == "read":
            assert cursor.read(n) == reference.read(n)
        elif op == "readline":
            assert cursor.readline(n) == reference.readline(n)
        elif op == "seek":
            at = steps.randint(0, 6000)
            assert cursor.seek(at) == reference.seek(at)
        elif op == "seek_end":
            assert cursor.seek(-abs(n), 2) == reference.seek(-abs(n), 2)
        else:
            assert cursor.seek(abs(n), 1) == reference.seek(abs(n), 1)
        assert cursor.tell() == reference.tell()


def test_searchers_read_segments_in_place(engine):
    """Each searcher's view of a segment part is the segment's memory map, not a copy."""
    snap = engine._snapshot()
    searchers = [snap.searcher, _open_searcher(snap.source.index)]
    for searcher in searchers:
        for reader, _ in searcher.reader().leaf_readers():
            assert isinstance(reader._segment, NewsSegment)
            compound = reader._storage.a  # Whoosh overlays the segment on the folder
            for name in compound.list():
                part = compound.open_file(name)
                assert isinstance(part.file, _ViewCursor) and part._buf.obj is compound._source
    first = snap.searcher.document()["id"]
    assert searchers[1].document(id=first)["id"] == first  # stored fields read in place
    searchers[1].close()
