"""Building and updating the index from files.

The work is split so both cores are busy: this process reads files and skips known ids;
worker processes (:mod:`search.parallel`) extract entities, analyse text and each write a
segment of their own. Nothing becomes visible until the single commit at the end, so a
crash or Ctrl-C leaves the previous index as it was.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from whoosh import index as whoosh_index
from whoosh.index import LockError

from . import storage
from ...errors import IndexLockedError, SearchError
from ...ingest.formats import Problem, ReadOptions, input_files, read_path
from ...models import Article
from .parallel import (SEGMENT_TEXT_CHARS, SegmentBuilder, SegmentWorkers, commit_with_segments,
                       new_segment_writer)

BATCH_SIZE = 64
#: Below this many files' worth of bytes, worker start-up costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


@dataclass
class Progress:
    articles: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.articles / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if not self.bytes_done or not self.bytes_total:
            return None
        return self.elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done


@dataclass
class IndexReport:
    index_dir: str
    added: int = 0
    removed: int = 0
    duplicates: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    total: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing skipped (notices of what was assumed or cut do not count)."""
        return not any(p.skipped for p in self.problems)


def _new_articles(batches: Iterator[list[Article]], known: set[str],
                  report: IndexReport) -> Iterator[list[Article]]:
    """The batches without articles whose id is already indexed (or seen earlier in this run):
    checked here, before any analysis is spent on them."""
    for batch in batches:
        fresh = []
        for article in batch:
            if article.id in known:
                report.duplicates += 1
            else:
                known.add(article.id)
                fresh.append(article)
        if fresh:
            yield fresh


def _file_key(path: str) -> str:
    return os.path.abspath(path)


class _Run:
    """One ``search index`` run: which files to read, and what they held."""

    def __init__(self, paths: list[str], manifest: dict, report: IndexReport,
                 options: ReadOptions | None = None):
        self.options = dataclasses.replace(options or ReadOptions(), roots=tuple(paths))
        self.manifest_files: dict[str, dict] = manifest.setdefault("files", {})
        self.report = report
        self.to_read: list[tuple[str, os.stat_result]] = []
        self.ids_by_file: dict[str, list[str]] = {}
        self.given_dirs = [_file_key(p) for p in paths if os.path.isdir(p)]
        for item in input_files(paths):
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            try:
                stat = os.stat(item)
            except OSError as exc:
                report.problems.append(Problem(item, None, f"cannot read: {exc.strerror}"))
                continue
            previous = self.manifest_files.get(_file_key(item))
            if previous and previous["size"] == stat.st_size and previous["mtime"] == stat.st_mtime_ns:
                report.files_unchanged += 1
            else:
                self.to_read.append((item, stat))

    @property
    def bytes_total(self) -> int:
        return sum(stat.st_size for _, stat in self.to_read)

    def batches(self, progress: Progress) -> Iterator[list[Article]]:
        batch: list[Article] = []
        for path, stat in self.to_read:
            ids = self.ids_by_file.setdefault(_file_key(path), [])
            for record in read_path(path, self.options):
                if isinstance(record, Problem):
                    self.report.problems.append(record)
                    continue
                ids.append(record.id)
                batch.append(record)
                if len(batch) >= BATCH_SIZE:
                    yield batch
                    batch = []
            progress.bytes_done += stat.st_size
            self.report.files_read += 1
        if batch:
            yield batch

    def stale_ids(self) -> set[str]:
        """Ids no file provides any more: from files that changed or were removed."""
        gone = {key for key in self.manifest_files
                if any(key.startswith(d + os.sep) for d in self.given_dirs) and not os.path.exists(key)}
        old: set[str] = set()
        for key in set(self.ids_by_file) | gone:
            old.update(self.manifest_files.get(key, {}).get("ids", []))
        for key in gone:
            del self.manifest_files[key]
        stats = {_file_key(path): stat for path, stat in self.to_read}
        for key, ids in self.ids_by_file.items():
            stat = stats[key]
            self.manifest_files[key] = {"size": stat.st_size, "mtime": stat.st_mtime_ns, "ids": ids}
        still_provided = {i for entry in self.manifest_files.values() for i in entry["ids"]}
        return old - still_provided


def index_paths(paths: list[str], index_dir: str, *, rebuild: bool = False,
                workers: int | None = None,
                on_progress: Callable[[Progress], None] | None = None,
                segment_chars: int = SEGMENT_TEXT_CHARS,
                options: ReadOptions | None = None) -> IndexReport:
    """Index the articles in ``paths`` (files or folders) into ``index_dir``.

    Incremental unless ``rebuild``: files whose size and mtime are unchanged are not
    read again, and articles already indexed (same id) are not added twice. Each worker
    starts a new segment after ``segment_chars`` characters of text. ``options`` are the
    limits, date order and collection given to every input format.
    """
    started = time.monotonic()
    storage.prepare_root(index_dir)
    live = storage.current_generation(index_dir)
    fresh = rebuild or live is None
    generation = storage.new_generation(index_dir) if fresh else live
    assert generation is not None
    manifest = {"files": {}} if fresh else storage.load_manifest(generation)
    report = IndexReport(index_dir=index_dir)
    run = _Run(paths, manifest, report, options)
    progress = Progress(bytes_total=run.bytes_total)
    if workers is None:
        workers = (os.cpu_count() or 1) if progress.bytes_total >= PARALLEL_MIN_BYTES else 1

    ix = whoosh_index.open_dir(generation)
    try:
        writer = new_segment_writer(ix, lock=True)
    except LockError:
        raise IndexLockedError(f"Another process is writing the index at {index_dir}. "
                               "Wait for it to finish, then run this again.") from None
    pool = None
    builder = SegmentBuilder(ix, segment_chars)  # when this process indexes alone
    try:
        pool = SegmentWorkers(generation, workers, segment_chars) if workers > 1 else None
        with ix.reader() as reader:
            known = {t.decode("utf-8") for t in reader.lexicon("id")}
        for batch in _new_articles(run.batches(progress), known, report):
            if pool:
                pool.send(batch)
            else:
                builder.add(batch)
            progress.articles += len(batch)
            if on_progress:
                on_progress(progress)
        segments, report.added = pool.finish() if pool else (builder.finish(), progress.articles)
        if report.added != progress.articles:
            raise SearchError(f"Only {report.added} of {progress.articles} articles were indexed; "
                              "the index was left as it was. Run the command again.")
        for stale in run.stale_ids():
            report.removed += writer.delete_by_term("id", stale)
        commit_with_segments(writer, segments)
    except BaseException:
        if pool:
            pool.terminate()
        builder.cancel()
        writer.cancel()
        if fresh:
            shutil.rmtree(generation, ignore_errors=True)
        raise
    storage.save_manifest(generation, manifest)
    if fresh:
        storage.publish(index_dir, generation)
    with storage.open_live(index_dir).reader() as reader:
        report.total = reader.doc_count()
    report.seconds = time.monotonic() - started
    if on_progress:
        on_progress(progress)
    return report
