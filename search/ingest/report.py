"""What an indexing run reports, whichever backend it loads into: its progress as it goes,
its counts and problems at the end, and from what size it is worth worker processes.

The embedded indexer (``backends/embedded/indexer.py``) and the cluster's bulk loader
(``backends/opensearch/loader.py``) both fill them; the CLI renders them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .formats import Problem

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
    added: int = 0  # articles that were not in the index
    updated: int = 0  # articles whose id was indexed with other content: replaced
    removed: int = 0  # articles no file provides any more
    unchanged: int = 0  # read again (their file changed) but indexed already, same content
    duplicates: int = 0  # an id seen twice in this run: indexed once
    files_read: int = 0
    files_unchanged: int = 0
    total: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    #: A signal (SIGINT, SIGTERM) that arrived while the commit was being written: the
    #: run was committed all the same, and the caller should stop now.
    interrupted: int | None = None

    @property
    def clean(self) -> bool:
        """Nothing skipped (notices of what was assumed or cut do not count)."""
        return not any(p.skipped for p in self.problems)
