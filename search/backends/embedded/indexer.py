"""Building and updating the index from files.

The work is split so both cores are busy: this process reads files and skips articles
already indexed; worker processes (:mod:`search.parallel`) extract entities, analyse text
and each write a segment of their own. Nothing becomes visible until the single commit at
the end, so a crash, a kill or Ctrl-C leaves the previous index as it was.

What is already indexed is decided from the index itself and its manifest, never from
Whoosh's term list alone (which still holds the ids of deleted articles until their segment
is merged away): an article is skipped only when an article with its id is live in the
index *with the same content fingerprint*. So an article that was removed and comes back is
indexed again, a file edited and reverted gets its old text back, and an edited article
that carries its own id (JSON Lines, CSV) replaces the old one. The manifest (file ->
ids, id -> fingerprint) is committed with the index (see ``storage``), and a file whose
listed articles are not all live is read again, which also repairs indexes damaged before.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import math
import os
import shutil
import stat as stat_module
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from whoosh import index as whoosh_index

from . import storage
from ...errors import IngestError, SearchError
from ...ingest.formats import Problem, ReadOptions, format_for, input_files, read_path
from ...ingest.report import PARALLEL_MIN_BYTES, IndexReport, Progress
from ...models import Article
from .interrupts import HeldSignals, mark_committed, raise_if_stopped
from .parallel import (SEGMENT_TEXT_CHARS, SegmentBuilder, SegmentWorkers, commit_with_segments,
                       new_segment_writer)

BATCH_SIZE = 64


def _file_key(path: str) -> str:
    return os.path.abspath(path)


def fingerprint(article: Article) -> str:
    """What an article says, hashed: a file that gives its own ids can change an article's
    text without changing its id, and this is how that is noticed."""
    extra = sorted(article.extra.items()) if article.extra else ()
    date = article.date.isoformat() if article.date else ""
    parts = (article.title, article.body, date, article.source, article.url,
             "\x1e".join(article.authors), repr(extra))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _kind(mode: int) -> str:
    for test, name in ((stat_module.S_ISFIFO, "a FIFO"), (stat_module.S_ISSOCK, "a socket"),
                       (stat_module.S_ISCHR, "a character device"),
                       (stat_module.S_ISBLK, "a block device"), (stat_module.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


@dataclass
class _Input:
    path: str
    key: str
    stat: os.stat_result


def _scan(paths: list[str], report: IndexReport) -> tuple[list[_Input], set[str]]:
    """The regular files under ``paths``, and the keys of files that exist but cannot be
    used now (whose articles must be kept). FIFOs, sockets and devices are reported and
    never opened: opening a FIFO waits for a writer that may never come."""
    inputs: list[_Input] = []
    kept: set[str] = set()
    for item in input_files(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        key = _file_key(item)
        try:
            st = os.stat(item)
        except OSError as exc:
            report.problems.append(Problem(item, None, f"cannot read: {exc.strerror}"))
            kept.add(key)
            continue
        if not stat_module.S_ISREG(st.st_mode):
            report.problems.append(Problem(item, None, f"{_kind(st.st_mode)}, not a regular file: skipped"))
            kept.add(key)
            continue
        inputs.append(_Input(item, key, st))
    return inputs, kept


def _open_problem(path: str) -> str | None:
    """Why ``path`` cannot be opened for reading now (None: it can). Opened without
    blocking and checked again, in case it was swapped for a FIFO since it was listed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    return None if stat_module.S_ISREG(mode) else f"{_kind(mode)}, not a regular file: skipped"


def _live_ids(ix: whoosh_index.Index) -> set[str]:
    """Ids of the articles live in the index. Whoosh's term list still holds the ids of
    deleted articles, so the ids of deleted documents are checked one by one."""
    ids: set[str] = set()
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            terms = {t.decode("utf-8") for t in leaf.lexicon("id")}
            if leaf.has_deletions():
                for docnum in leaf.deleted_docs_set:
                    doc_id = leaf.stored_fields(docnum).get("id")
                    if doc_id in terms and not any(True for _ in leaf.postings("id", doc_id).all_ids()):
                        terms.discard(doc_id)
            ids |= terms
    return ids


class _Run:
    """One ``search index`` run: which files to read, what they hold, and what the index
    must look like afterwards (the new manifest)."""

    def __init__(self, paths: list[str], inputs: list[_Input], kept: set[str],
                 manifest: dict[str, Any], live: set[str], report: IndexReport,
                 options: ReadOptions | None = None):
        self.options = dataclasses.replace(options or ReadOptions(), roots=tuple(paths))
        self.files: dict[str, dict] = manifest.setdefault("files", {})
        self.docs: dict[str, str] = manifest.setdefault("docs", {})
        self.old_ids = {i for entry in self.files.values() for i in entry["ids"]}
        self.live = live
        self.report = report
        self.kept = set(kept)  # files whose previous entry stays: they could not be read
        self.given_dirs = [_file_key(p) for p in paths if os.path.isdir(p)]
        self.to_read: list[_Input] = []
        self.ids_by_file: dict[str, list[str]] = {}
        self.replaced: set[str] = set()  # live ids whose new content replaces the old
        self.seen: set[str] = set()
        self.opened = 0
        for item in inputs:
            previous = self.files.get(item.key)
            if (previous and previous["size"] == item.stat.st_size
                    and previous["mtime"] == item.stat.st_mtime_ns
                    and all(i in live for i in previous["ids"])):
                self.seen.update(previous["ids"])
                if os.access(item.path, os.R_OK):
                    report.files_unchanged += 1
                else:  # unchanged, and its articles stay, but a rebuild could not read it
                    report.problems.append(Problem(item.path, None, "cannot read: Permission denied"))
                    self.kept.add(item.key)
            else:
                self.to_read.append(item)

    @property
    def bytes_total(self) -> int:
        return sum(item.stat.st_size for item in self.to_read)

    @property
    def readable(self) -> int:
        """Input files that were read or did not need to be."""
        return self.opened + self.report.files_unchanged

    def batches(self, progress: "Progress", batch_size: int) -> Iterator[list[Article]]:
        """The articles to index, in batches: those whose id is not live in the index with
        the same content, each id once."""
        batch: list[Article] = []
        for item in self.to_read:
            if format_for(item.path):  # (else read_path reports the unknown format)
                problem = _open_problem(item.path)
                if problem:
                    self.report.problems.append(Problem(item.path, None, problem))
                    self.kept.add(item.key)
                    continue
                self.opened += 1
            ids = self.ids_by_file.setdefault(item.key, [])
            for record in read_path(item.path, self.options):
                if isinstance(record, Problem):
                    self.report.problems.append(record)
                    if record.line is None and record.reason.startswith("cannot read"):
                        self.kept.add(item.key)  # an I/O error part-way: keep what it had
                    continue
                if self._wanted(record, ids):
                    batch.append(record)
                    if len(batch) >= batch_size:
                        yield batch
                        batch = []
            progress.bytes_done += item.stat.st_size
            self.report.files_read += 1
        if batch:
            yield batch

    def _wanted(self, article: Article, ids: list[str]) -> bool:
        doc_id = article.id
        ids.append(doc_id)
        if doc_id in self.seen:
            self.report.duplicates += 1
            return False
        self.seen.add(doc_id)
        mark = fingerprint(article)
        if doc_id in self.live:
            if self.docs.get(doc_id) == mark:
                self.report.unchanged += 1
                return False
            self.replaced.add(doc_id)
        self.docs[doc_id] = mark
        return True

    def _gone(self, key: str) -> bool:
        """The file was removed: it is under a folder we were given and does not exist. A
        file we merely cannot see now (an unreadable folder) is not gone."""
        if not any(key.startswith(d + os.sep) for d in self.given_dirs):
            return False
        try:
            os.stat(key)
        except (FileNotFoundError, NotADirectoryError):
            return True
        except OSError:
            return False
        return False

    def finish_manifest(self) -> set[str]:
        """Bring the manifest up to date; returns the ids no file provides any more."""
        for key in [k for k in self.files if k not in self.ids_by_file and k not in self.kept]:
            if self._gone(key):
                del self.files[key]
        stats = {item.key: item.stat for item in self.to_read}
        for key, ids in self.ids_by_file.items():
            st = stats[key]
            if key in self.kept:  # read in part: keep the old articles too, read it again next time
                previous = self.files.get(key, {"size": -1, "mtime": -1, "ids": []})
                ids = list(dict.fromkeys(previous["ids"] + ids))
                self.files[key] = {"size": -1, "mtime": -1, "ids": ids}
            else:
                self.files[key] = {"size": st.st_size, "mtime": st.st_mtime_ns, "ids": ids}
        provided = {i for entry in self.files.values() for i in entry["ids"]}
        for doc_id in [d for d in self.docs if d not in provided]:
            del self.docs[doc_id]
        return self.old_ids - provided


def _refusal(paths: list[str], report: IndexReport, index_dir: str, why: str) -> IngestError:
    listed = "; ".join(str(p) for p in report.problems[:3])
    more = f" (and {len(report.problems) - 3} more)" if len(report.problems) > 3 else ""
    detail = f": {listed}{more}" if listed else ""
    return IngestError(
        f"Nothing to index: {why} in {', '.join(paths)}{detail}. "
        f"The index at {index_dir} was left as it was; check the paths and run again.")


def _disk_error(exc: OSError, index_dir: str, written: int, free_at_start: int,
                progress: Progress | None) -> SearchError:
    """A clear message for a write that failed (disk full, quota, read-only...)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) and progress is None:
        return SearchError(f"Disk full: free some space at {index_dir} and run again. "
                           "The index was left as it was.")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        if progress.bytes_done and progress.bytes_total:
            needed = written * progress.bytes_total / progress.bytes_done
        else:
            needed = max(written, 2 * progress.bytes_total)
        short = max(needed - free_at_start, 2**20)
        return SearchError(
            f"Disk full: free at least {math.ceil(short / 2**20):,} MB at {index_dir} and run "
            f"again (this run needs about {math.ceil(needed / 2**20):,} MB; "
            f"{free_at_start / 2**20:,.0f} MB were free). The index was left as it was, and this "
            "run's partial files were removed.")
    return SearchError(f"Cannot write the index at {index_dir}: {exc.strerror or exc}. "
                       "The index was left as it was.")


def index_paths(paths: list[str], index_dir: str, *, rebuild: bool = False,
                workers: int | None = None,
                on_progress: Callable[[Progress], None] | None = None,
                segment_chars: int = SEGMENT_TEXT_CHARS,
                options: ReadOptions | None = None) -> IndexReport:
    """Index the articles in ``paths`` (files or folders) into ``index_dir``.

    Incremental unless ``rebuild``: files whose size and mtime are unchanged are not
    read again; articles already indexed with the same content are not added twice; an
    article whose content changed replaces the old one; articles of removed files are
    removed (files that exist but cannot be read keep theirs, and are reported). A run
    that finds nothing readable, or a rebuild that finds no article, refuses and leaves
    the index as it was. Each worker starts a new segment after ``segment_chars``
    characters of text. ``options`` are the limits, date order and collection given to
    every input format.
    """
    started = time.monotonic()
    report = IndexReport(index_dir=index_dir)
    inputs, kept = _scan(paths, report)
    if not any(format_for(item.path) for item in inputs):
        raise _refusal(paths, report, index_dir, "no readable input file of a known format")
    try:
        storage.prepare_root(index_dir)
        with storage.IndexLock(index_dir):
            storage.collect_garbage(index_dir)
            _index_locked(paths, inputs, kept, index_dir, rebuild, workers, on_progress,
                          segment_chars, report, options)
    except OSError as exc:  # before or after the run proper (which reports its own)
        raise _disk_error(exc, index_dir, 0, storage.free_bytes(index_dir), None) from None
    report.seconds = time.monotonic() - started
    return report


def _index_locked(paths, inputs, kept, index_dir, rebuild, workers, on_progress, segment_chars,
                  report: IndexReport, options: ReadOptions | None) -> None:
    live = storage.current_generation(index_dir)
    fresh = rebuild or live is None
    generation = storage.new_generation(index_dir) if fresh else live
    assert generation is not None
    progress = Progress()
    writer = pool = builder = None
    held = HeldSignals()
    written_before = 0 if fresh else storage.tree_bytes(generation)
    free_at_start = storage.free_bytes(index_dir)
    try:
        ix = whoosh_index.open_dir(generation)
        if fresh:
            manifest: dict[str, Any] = {"files": {}, "docs": {}}
            live_ids: set[str] = set()
        else:
            manifest = storage.load_manifest(generation, ix.latest_generation())
            live_ids = _live_ids(ix)
        run = _Run(paths, inputs, kept, manifest, live_ids, report, options)
        progress.bytes_total = run.bytes_total
        if workers is None:
            workers = (os.cpu_count() or 1) if progress.bytes_total >= PARALLEL_MIN_BYTES else 1
        writer = new_segment_writer(ix, lock=False)  # the index lock is ours (storage.IndexLock)
        builder = SegmentBuilder(ix, segment_chars)  # when this process indexes alone
        if workers > 1:
            forking = HeldSignals()  # see interrupts: a signal during fork would be lost
            forking.hold()
            try:
                pool = SegmentWorkers(generation, workers, segment_chars)
            finally:
                forking.release(redeliver=True)
        for batch in run.batches(progress, BATCH_SIZE):
            raise_if_stopped()
            if pool:
                pool.send(batch)
            else:
                builder.add(batch)
            progress.articles += len(batch)
            if on_progress:
                on_progress(progress)
        segments, added = pool.finish() if pool else (builder.finish(), progress.articles)
        if added != progress.articles:
            raise SearchError(f"Only {added} of {progress.articles} articles were indexed; "
                              "the index was left as it was. Run the command again.")
        if not run.readable:
            raise _refusal(paths, report, index_dir, "no readable file")
        if fresh and not added:
            raise _refusal(paths, report, index_dir, "no article")
        report.updated = len(run.replaced)
        report.added = added - report.updated
        for doc_id in run.replaced:
            writer.delete_by_term("id", doc_id)
        for stale in run.finish_manifest():
            report.removed += writer.delete_by_term("id", stale)
        held.hold()  # all or nothing: from here a Ctrl-C waits for the commit
        raise_if_stopped()
        commit_with_segments(writer, segments,
                             before_toc=lambda toc: storage.save_manifest(generation, toc, manifest))
        writer = None
        if fresh:
            storage.publish(index_dir, generation)
        mark_committed()  # (signals are still held here: no stop can fall in between)
    except BaseException as exc:
        held.release()
        with HeldSignals():  # a second Ctrl-C must not cut the clean-up short
            written = storage.tree_bytes(generation) - written_before
            # Each step on its own: closing a writer on a full disk fails too, and the
            # files must be removed all the same (the next run's collect_garbage retries).
            for step in (pool.terminate if pool else None, builder.cancel if builder else None,
                         writer.cancel if writer is not None else None,
                         (lambda: shutil.rmtree(generation, ignore_errors=True)) if fresh
                         else (lambda: storage.remove_unlisted(generation))):
                if step is not None:
                    try:
                        step()
                    except Exception:
                        pass
        if isinstance(exc, OSError):
            raise _disk_error(exc, index_dir, written, free_at_start, progress) from None
        raise
    try:  # committed: signals stay held until the report is complete, so it is never denied
        if pool:
            pool.close()
        try:
            storage.remove_unlisted(generation)  # the manifest of the generation just replaced
        except OSError:
            pass  # the next run's collect_garbage tries again
        with storage.open_live(index_dir).reader() as reader:
            report.total = reader.doc_count()
        if on_progress:
            on_progress(progress)
    finally:
        held.release()
        report.interrupted = held.first
