"""``search serve``: the web app under waitress, a production WSGI server (threads handle
concurrent requests; the engine notices a re-index by itself, so no restart is needed).

Python runs one thread at a time, so on a machine with several cores the server forks
several processes that accept connections on one shared socket (as gunicorn's workers
do). They share the index files, including the memory-mapped impact lists, through the
operating system's page cache.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
from typing import Sequence

from search import storage
from search.errors import SearchError
from search.storage import resolve_index_dir

log = logging.getLogger(__name__)


def ensure_index(index_dir: str, seeds: str | Sequence[str] | None = None) -> bool:
    """Build the index from ``seeds`` when ``index_dir`` holds none yet; True if it built one."""
    if storage.current_generation(index_dir) is not None and storage.is_index_dir(index_dir):
        return False
    if not seeds:
        return False
    from search.indexer import index_paths

    paths = [seeds] if isinstance(seeds, str) else list(seeds)
    report = index_paths(paths, index_dir)
    log.info("built the index at %s: %d articles from %s", index_dir, report.total, ", ".join(paths))
    return True


def make_app(index_dir: str | None = None, seeds: str | Sequence[str] | None = None):
    from . import create_app

    index_dir = resolve_index_dir(index_dir)
    ensure_index(index_dir, seeds)
    return create_app({"SEARCH_INDEX": index_dir})


#: Threads per process. Requests are short and CPU-bound, and a process runs one thread
#: at a time: more threads only interleave requests, each waiting for the others, and
#: thrash the caches (8 concurrent clients at ~108k articles, 2 processes, alternating
#: runs: p95 51-77 ms with 2 threads, 69-86 with 4, 78-166 with 8). Waitress buffers each
#: response and its main thread sends it, so a slow client holds no thread.
DEFAULT_THREADS = 2


def default_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def serve(index_dir: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          threads: int = DEFAULT_THREADS,
          seeds: str | Sequence[str] | None = None, processes: int = 1) -> None:
    """Serve the search UI and API until interrupted, from ``processes`` processes."""
    import waitress

    app = make_app(index_dir, seeds)
    try:  # before forking: the workers share what it builds
        app.extensions["search_engine"].warm_up()
    except SearchError as exc:  # the pages explain it too; serve them
        log.warning("%s", exc)
    # What warm_up built lives as long as the server: the garbage collector need not scan
    # it again. Otherwise each full collection walks millions of objects (about 50 ms,
    # a pause every few hundred requests), and writes to their pages, which the forked
    # workers then stop sharing.
    gc.freeze()
    processes = processes if hasattr(os, "fork") else 1
    try:
        listener = socket.create_server((host, port))
    except OSError as exc:
        raise SearchError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                          "Choose another --port, or stop the program using it.") from None
    print(f"Serving {app.config['SEARCH_INDEX']} on http://{host}:{port}/ "
          f"({processes} process{'es' if processes > 1 else ''}; Ctrl-C to stop)", flush=True)
    run = lambda: waitress.serve(app, sockets=[listener], threads=threads, ident="news-search")
    if processes == 1:
        run()
        return
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                run()
            finally:
                os._exit(0)
        children.append(pid)
    listener.close()
    _wait_for(children)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _wait_for(children: list[int]) -> None:
    """Wait until a worker exits or we are interrupted (Ctrl-C, or SIGTERM from a service
    manager), then stop them all."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        os.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
