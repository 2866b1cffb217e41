"""The in-memory postings buffer writes what Whoosh's own writer writes (search/postings.py)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import random

import pytest
from whoosh import index as whoosh_index

from search.backends.embedded.codec import NewsCodec
from search.ingest.formats import read_path
from search.models import Article
from search.backends.embedded.parallel import _Writer, add_articles
from search.backends.embedded.postings import PostingsBuffer
from search.understanding.fields import build_schema

from .conftest import SEEDS


def _articles() -> list[Article]:
    """The seeds, and made-up stories that reach the corners of the format: terms in more
    than one block of 128 postings, frequencies of 1 and more, an empty title, a term in
    every article, dates and none."""
    seeds = [record for path in sorted(SEEDS.iterdir()) for record in read_path(str(path))]
    articles = [a for a in seeds if isinstance(a, Article)]
    assert len(articles) == 5
    rng = random.Random(11)
    words = ["patriot", "missile", "austin", "ukraine", "defence", "oil", "trade", "bank",
             "talks", "Kyiv", "HIMARS", "said", "minister", "déjà", "café", "O'Brien's"]
    for i in range(420):
        body = " ".join(rng.choices(words, k=rng.randint(1, 40)))
        title = "" if i % 37 == 0 else " ".join(rng.choices(words, k=rng.randint(1, 6)))
        date = dt.date(2020 + i % 5, 1 + i % 12, 1 + i % 28) if i % 9 else None
        articles.append(Article(title=title, body=f"Lloyd Austin said. {body}", date=date,
                                source=rng.choice(["Reuters", "AP", "BBC"]), key=f"made-{i}"))
    return articles


def _segment_files(folder: pathlib.Path, *, buffered: bool, articles: list[Article]) -> dict[str, bytes]:
    folder.mkdir()
    whoosh_index.create_in(str(folder), build_schema())
    ix = whoosh_index.open_dir(str(folder))
    writer = _Writer(ix, _lk=False, buffered=buffered, compound=False, codec=NewsCodec())
    assert isinstance(writer.pool, PostingsBuffer) == buffered
    if buffered:
        writer.pool.compress_from = 0  # every block compressed, as Whoosh does
        writer.pool.protocol = 2  # and pickled with Whoosh's protocol
        writer.pool.window = 100  # many windows, and posting lists longer than one
    add_articles(writer, articles)
    segment = writer._finalize_segment()
    prefix = segment.segment_id()
    return {name[len(prefix):]: (folder / name).read_bytes()
            for name in os.listdir(folder) if name.startswith(prefix)}


def test_buffer_writes_the_same_files_as_whoosh(tmp_path):
    articles = _articles()
    whoosh = _segment_files(tmp_path / "pool", buffered=False, articles=articles)
    ours = _segment_files(tmp_path / "buffer", buffered=True, articles=articles)
    assert sorted(ours) == sorted(whoosh)
    assert {".trm", ".pst", ".imp"} <= set(ours)
    for ext in whoosh:
        assert ours[ext] == whoosh[ext], f"{ext} differs"


def test_buffered_segment_reads_back(tmp_path):
    """With short blocks left uncompressed and blocks pickled with a newer protocol (the
    defaults), Whoosh's reader finds every term with the same statistics and postings, and
    answers queries the same."""
    from whoosh import query as wq

    from search.analysis import analyse

    def term(word: str) -> str:
        (found,) = analyse(word)
        return found

    queries = [wq.Term("body", term("patriot")), wq.Term("title", term("defence")),
               wq.Phrase("body", [term("Lloyd"), term("Austin")]),
               wq.And([wq.Term("body", term("oil")), wq.Term("body", term("bank"))]),
               wq.Term("source", "Reuters"), wq.Term("person", "Lloyd Austin")]
    postings, results = {}, {}
    for buffered in (False, True):
        folder = tmp_path / str(buffered)
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        ix = whoosh_index.open_dir(str(folder))
        writer = _Writer(ix, buffered=buffered, codec=NewsCodec())
        add_articles(writer, _articles())
        writer.commit()
        with ix.searcher() as searcher:
            reader = searcher.reader()
            found = {}
            for field, text in reader.all_terms():
                info = reader.term_info(field, text)
                matcher = reader.postings(field, text)
                found[field, text] = (
                    info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                    info.max_weight(), info.min_id(), info.max_id(),
                    list(zip(matcher.all_ids(), *_weights_and_values(reader, field, text))))
            postings[buffered] = found
            results[buffered] = [[(hit["id"], round(hit.score, 6))
                                  for hit in searcher.search(q, limit=None)] for q in queries]
    assert len(postings[True]) > 3000
    assert postings[True] == postings[False]
    assert results[True] == results[False] and all(results[True])


def _weights_and_values(reader, field: str, text: bytes) -> tuple[list, list]:
    matcher = reader.postings(field, text)
    weights, values = [], []
    while matcher.is_active():
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    return weights, values


def test_buffered_writer_refuses_to_merge(tmp_path):
    """Its memory is bounded by the new text it is given: merging a segment in would not be."""
    folder = tmp_path / "ix"
    folder.mkdir()
    whoosh_index.create_in(str(folder), build_schema())
    ix = whoosh_index.open_dir(str(folder))
    first = _Writer(ix, codec=NewsCodec())
    add_articles(first, _articles()[:5])
    first.commit()
    writer = _Writer(ix, _lk=False, buffered=True, codec=NewsCodec())
    with ix.reader() as reader, pytest.raises(ValueError, match="new documents only"):
        writer.add_reader(reader)
    writer.cancel()


def test_length_bytes_are_kept_as_whoosh_would_turn_them_back():
    """The buffer writes blocks' length bytes as they are: Whoosh turns each into a length
    and back, which gives the same byte for every byte."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    assert all(length_to_byte(byte_to_length(b)) == b for b in range(256))
