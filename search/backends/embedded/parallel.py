"""Worker processes that each write a Whoosh segment of their own.

Whoosh is pure Python: one writer process fed by analysing workers could not keep up with
them (adding postings and flushing them at commit is as much work as the analysis). So
each worker extracts entities, analyses and *writes* its share of the articles into a
segment of its own, in the index folder but listed in no table of contents. The parent
reads files, skips ids already indexed and hands out batches; at the end it lists the
workers' segments in one commit (:func:`commit_with_segments`). Until then no reader can
see them, and a crash leaves only unlisted files, removed at the start of the next run.

Workers never outlive the run: on Linux the kernel kills them when the parent dies
(``PR_SET_PDEATHSIG``, however the parent died, ``kill -9`` included), and everywhere
they notice a new parent process within a poll interval and exit.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import sys
import traceback
from typing import Callable, Iterable

import numpy as np
from whoosh import fields, index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.writing import SegmentWriter

from .codec import NewsCodec, WritingLengths
from ...entities import extract_entities
from ...errors import SearchError
from .impacts import segment_extras, segment_vocabulary
from .interrupts import raise_if_stopped, signal_on_parent_death
from ...models import Article
from .postings import PostingsBuffer
from .schema import AnalyzedText, to_document

#: Memory for the posting pool of the parent's writer (deletions, merges of existing
#: segments) before Whoosh spills a sorted run to disk.
POOL_LIMIT_MB = 96
#: A new segment is started after this much text: its postings (and impact lists) are
#: gathered in memory until it is written, so this keeps memory flat in corpus size.
SEGMENT_TEXT_CHARS = 32_000_000
_POLL_S = 0.5
#: How long a worker may take to stop once told to, before it is killed.
_STOP_S = 3.0
#: A worker's cyclic garbage collector runs every 20,000 allocations (not 700): a worker
#: allocates millions of short-lived objects and keeps large tables it loaded, which every
#: collection walked again (a thirtieth of its time, measured on Reuters).
_WORKER_GC_THRESHOLDS = (20_000, 50, 1_000)


class _Writer(SegmentWriter):
    """Whoosh's segment writer with our codec's extras: field lengths read from memory
    while flushing, and each article's vocabulary (its ``words``: distinct unstemmed words)
    counted for the segment's impact file instead of indexed as a field."""

    def __init__(self, ix: whoosh_index.Index, *, buffered: bool = False, **kwargs):
        if buffered and any(f.vector or f.separate_spelling() for _, f in ix.schema.items()):
            raise ValueError("a buffered writer handles no term vectors or spelling fields")
        super().__init__(ix, **kwargs)
        if "words" in self.schema:
            # An index made before vocabularies moved to impact files: its words go on
            # being indexed in that field, and its impact files hold none.
            self.fieldwriter.vocabulary = None
        if buffered:  # a new segment of bounded size: its postings are kept in memory
            self.pool = PostingsBuffer()
        # A number's (a date's) index terms and sort-column value, by field and value (_terms):
        self._numeric_terms: dict = {}
        self._numeric_columns: dict = {}

    def add_document(self, **fields):
        if "collection" not in self.schema:  # an index made before collections: none
            fields.pop("collection", None)
        vocabulary = self.fieldwriter.vocabulary
        if vocabulary is not None:
            vocabulary.update(fields.pop("words", ()))
        # Story keys go to the impact file as codes (impacts.ImpactFieldWriter.add_story),
        # also in an index whose schema still has the "story" field they were once written to.
        self.fieldwriter.add_story(self.docnum, fields.pop("story", ()))
        self.fieldwriter.add_card(self.docnum, fields.pop("card", b""))
        if isinstance(self.pool, PostingsBuffer):
            self._add_buffered(fields)
        else:
            super().add_document(**fields)

    def _add_buffered(self, fields: dict) -> None:
        """``SegmentWriter.add_document`` for a buffered writer: each field's postings go
        to the buffer in one call instead of one pool call per posting. (Our schema has
        no term vectors or separate spelling fields, the two things this leaves out.)"""
        self._check_state()
        perdoc, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                empty = not value and isinstance(value, (list, tuple, dict))  # no terms
                if empty and not field.stored:
                    continue  # (an unstored facet most articles have no value of)
                if field.indexed and not empty:
                    boost = self._field_boost(fields, name, docboost)
                    if value.__class__ is dict and isinstance(field, AnalyzedText):  # analysed text
                        length = self.pool.add_positions(name, value, docnum, field.format.field_boost,
                                                         boost, field.format.encode)
                    else:
                        length = self.pool.add_field(name, self._terms(name, field, value), docnum, boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get("_stored_" + name, value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, self._column_value(name, field, stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _terms(self, name: str, field, value):
        """``field.index(value)``; a date's terms (eight, one per precision of its range
        queries) are kept, as many articles share a day."""
        if not isinstance(field, fields.NUMERIC):
            return field.index(value)
        found = self._numeric_terms.get((name, value))
        if found is None:
            found = self._numeric_terms[name, value] = list(field.index(value))
        return found

    def _column_value(self, name: str, field, value):
        if not isinstance(field, fields.NUMERIC):
            return field.to_column_value(value)
        found = self._numeric_columns.get((name, value))
        if found is None:
            found = self._numeric_columns[name, value] = field.to_column_value(value)
        return found

    def add_reader(self, reader):
        """Merging a segment (Whoosh's merge policy): its vocabulary comes along."""
        if isinstance(self.pool, PostingsBuffer):  # its memory is bounded by new text only
            raise ValueError("a buffered writer adds new documents only; merge with another writer")
        first = self.docnum
        super().add_reader(reader)
        vocabulary = self.fieldwriter.vocabulary
        for leaf, offset in reader.leaf_readers():
            if vocabulary is not None:
                vocabulary.update(segment_vocabulary(self.storage.folder, leaf) or {})
            first = self._add_extras_of(leaf, first)

    def _add_extras_of(self, leaf, first: int) -> int:
        """The story codes and cards of a segment being merged, renumbered as Whoosh
        renumbers its documents (the live ones, in order, from ``first``); returns the next
        docnum."""
        live = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
        found, card = segment_extras(self.storage.folder, leaf)
        for new, old in enumerate(live.tolist(), start=first):
            self.fieldwriter.add_card(new, card(old))
        if found is not None and len(live):
            docs, codes = found
            new_number = np.full(leaf.doc_count_all(), -1, dtype=np.int64)
            new_number[live] = first + np.arange(len(live))
            kept = new_number[docs] >= 0
            self.fieldwriter.story_docs.extend(new_number[docs[kept]].astype(np.int32).tolist())
            self.fieldwriter.story_codes.extend(codes[kept].tolist())
        return first + len(live)

    def _flush_segment(self):
        if not isinstance(self.pool, PostingsBuffer):
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        self.pool.write(self.fieldwriter, self.schema, lengths.column)
        self.fieldwriter.close()
        lengths.close()

    def per_document_reader(self):
        """What the flush asks for every posting's field length: read from memory."""
        if not self.perdocwriter.is_closed:
            raise RuntimeError("Per-doc writer is still open")
        return WritingLengths(self.storage, self.get_segment())


def new_segment_writer(ix: whoosh_index.Index, *, lock: bool, buffered: bool = False) -> SegmentWriter:
    """A writer with our codec; only the parent takes the index lock. A ``buffered``
    writer keeps its postings in memory (see ``postings.py``): for segments of bounded
    size only, which :class:`SegmentBuilder` makes."""
    return _Writer(ix, _lk=lock, limitmb=POOL_LIMIT_MB, codec=NewsCodec(), buffered=buffered)


def add_articles(writer: SegmentWriter, articles: Iterable[Article]) -> int:
    """Extract, analyse and add ``articles``; returns how many were added."""
    count = 0
    for article in articles:
        writer.add_document(**to_document(article, extract_entities(article.title, article.body)))
        count += 1
    return count


class SegmentBuilder:
    """Writes articles into new segments, starting another after ``segment_chars``
    characters of text. The segments are listed in no table of contents: the parent
    lists them all in its commit (:func:`commit_with_segments`)."""

    def __init__(self, ix: whoosh_index.Index, segment_chars: int = SEGMENT_TEXT_CHARS):
        self.ix = ix
        self.segment_chars = segment_chars
        self.segments: list[Segment] = []
        self._writer: SegmentWriter | None = None
        self._text = 0

    def add(self, articles: list[Article]) -> int:
        if self._writer is None:
            self._writer = new_segment_writer(self.ix, lock=False, buffered=True)
        added = add_articles(self._writer, articles)
        self._text += sum(len(a.title) + len(a.body) for a in articles)
        if self._text >= self.segment_chars:
            self._end_segment()
        return added

    def finish(self) -> list[Segment]:
        """Every segment written (the last one closed now)."""
        self._end_segment()
        return self.segments

    def cancel(self) -> None:
        """Close the segment being written: its files are left unlisted, and Whoosh
        removes them at the next commit."""
        if self._writer is not None:
            self._writer._close_segment()
            self._writer = None

    def _end_segment(self) -> None:
        writer, self._writer, self._text = self._writer, None, 0
        if writer is None:
            return
        if writer.doc_count():
            self.segments.append(writer._finalize_segment())
        else:
            writer._close_segment()


def _next_batch(jobs, parent: int):
    """The next batch (None: no more), exiting quietly if the parent went away."""
    while True:
        try:
            return jobs.get(timeout=_POLL_S)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _work(index_path: str, jobs, results, segment_chars: int, parent: int) -> None:
    """Worker main loop: batches in, finished segments (and their document count) out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal_on_parent_death(signal.SIGKILL, parent)  # (elsewhere than Linux: _next_batch polls)
    try:
        builder = SegmentBuilder(whoosh_index.open_dir(index_path), segment_chars)
        count = 0
        gc.set_threshold(*_WORKER_GC_THRESHOLDS)
        while (batch := _next_batch(jobs, parent)) is not None:
            count += builder.add(batch)
            if count == len(batch):
                gc.freeze()  # what the first batch loaded (the knowledge base, the lexicons) stays
        results.put(("done", builder.finish(), count))
    except BaseException as exc:
        code = exc.errno if isinstance(exc, OSError) else None
        results.put(("error", (traceback.format_exc(), code), 0))
        sys.exit(1)  # a quiet exit: the parent reports the traceback


class SegmentWorkers:
    """A pool of segment-writing processes fed through a bounded queue."""

    def __init__(self, index_path: str, count: int, segment_chars: int = SEGMENT_TEXT_CHARS):
        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.jobs = context.Queue(maxsize=2 * count)
        self.results = context.Queue()
        self.procs = [context.Process(target=_work, daemon=True,
                                      args=(index_path, self.jobs, self.results, segment_chars,
                                            os.getpid()))
                      for _ in range(count)]
        for proc in self.procs:
            proc.start()

    def send(self, batch: list[Article]) -> None:
        """Queue a batch, waiting while the workers are busy (and noticing if one died)."""
        while True:
            try:
                self.jobs.put(batch, timeout=_POLL_S)
                return
            except queue.Full:
                raise_if_stopped()
                self._check_alive()

    def finish(self) -> tuple[list[Segment], int]:
        """Wait for every worker's segment; returns them and the documents they hold."""
        for _ in self.procs:
            self.send(None)  # type: ignore[arg-type]
        segments, added, pending = [], 0, len(self.procs)
        while pending:
            try:
                status, payload, count = self.results.get(timeout=_POLL_S)
            except queue.Empty:
                raise_if_stopped()
                self._check_alive()
                continue
            if status == "error":
                _raise_worker_error(payload)
            pending -= 1
            added += count
            segments.extend(payload)
        for proc in self.procs:
            proc.join()
        return segments, added

    def _check_alive(self) -> None:
        if any(proc.exitcode not in (None, 0) for proc in self.procs):
            try:
                status, payload, _ = self.results.get(timeout=_POLL_S)
            except queue.Empty:
                status, payload = "", None
            if status == "error":
                _raise_worker_error(payload)
            raise SearchError(f"An indexing worker stopped unexpectedly:\n{payload or '(no message)'}")

    def close(self) -> None:
        """After :meth:`finish` (every batch taken, every worker gone): release the queues
        without waiting on them."""
        for q in (self.jobs, self.results):
            q.close()
            q.cancel_join_thread()

    def terminate(self) -> None:
        """Stop every worker now (SIGTERM, then SIGKILL after a grace period), and never
        wait at exit for batches that no one will read any more."""
        for q in (self.jobs, self.results):
            q.cancel_join_thread()
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(_STOP_S)
            if proc.is_alive():
                proc.kill()
                proc.join()


def _raise_worker_error(payload) -> None:
    text, code = payload
    if code is not None:  # disk full and the like: the parent reports OS errors as its own
        raise OSError(code, f"{os.strerror(code)} (in an indexing worker)")
    raise SearchError(f"An indexing worker failed:\n{text}")


def commit_with_segments(writer: SegmentWriter, segments: list[Segment],
                         before_toc: Callable[[int], None] | None = None) -> None:
    """Commit ``writer`` (its deletions, its own documents, Whoosh's usual merging of small
    existing segments) with the workers' finished ``segments`` added to the table of contents.

    The same steps as ``SegmentWriter.commit``, with the extra segments listed: the one
    atomic moment at which the new documents become visible. ``before_toc`` is called with
    the new generation number just before its table of contents is written.
    """
    final = writer._merge_segments(None, None, None)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    if before_toc is not None:
        before_toc(writer.generation)
    writer._commit_toc(final + segments)
    writer._finish()
