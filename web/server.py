"""``search serve``: the web app under waitress, a production WSGI server (the engine
notices a re-index by itself, so no restart is needed).

Python runs one thread at a time, so the server forks a process per core, which accept
connections on one shared socket (as gunicorn's workers do) and take equal shares of
them. They share the index files, including the memory-mapped impact lists, through the
operating system's page cache.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import socket
from typing import Sequence

from search.backends.embedded import storage
from search.errors import SearchError
from search.backend_choice import EMBEDDED, backend_spec
from search.backends.embedded.storage import resolve_index_dir

log = logging.getLogger(__name__)


def ensure_index(index_dir: str, seeds: str | Sequence[str] | None = None) -> bool:
    """Build the index from ``seeds`` when ``index_dir`` holds none yet; True if it built one."""
    if storage.current_generation(index_dir) is not None and storage.is_index_dir(index_dir):
        return False
    if not seeds:
        return False
    from search.backends.embedded.indexer import index_paths

    paths = [seeds] if isinstance(seeds, str) else list(seeds)
    report = index_paths(paths, index_dir)
    log.info("built the index at %s: %d articles from %s", index_dir, report.total, ", ".join(paths))
    return True


def make_app(index_dir: str | None = None, seeds: str | Sequence[str] | None = None):
    from . import create_app

    index_dir = resolve_index_dir(index_dir)
    if backend_spec(None) == EMBEDDED:  # a cluster index is built with `search index --backend`
        ensure_index(index_dir, seeds)
    return create_app({"SEARCH_INDEX": index_dir})


#: Threads per process (waitress's main thread reads requests and writes responses
#: besides). Requests are short and CPU-bound, and a process runs one thread at a time:
#: a second thread only interleaves requests, each waiting for the other, and the handoffs
#: of the interpreter lock cost CPU. 8 concurrent clients at ~108k articles, 2 processes,
#: alternating runs: p95 37-49 ms and 6.6-8.1 ms of server CPU per request with 1 thread,
#: 50-55 ms and 8.1-8.9 ms with 2; with 8 threads, 78-166 ms (before the connections were
#: shared equally). A slow client holds no thread: waitress buffers the response.
DEFAULT_THREADS = 1


def default_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def serve(index_dir: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          threads: int = DEFAULT_THREADS,
          seeds: str | Sequence[str] | None = None, processes: int = 1) -> None:
    """Serve the search UI and API until interrupted, from ``processes`` processes."""
    app = make_app(index_dir, seeds)
    try:  # before forking: the workers share what it builds
        app.extensions["search_engine"].warm_up()
    except SearchError as exc:  # the pages explain it too; serve them
        log.warning("%s", exc)
    # What warm_up built lives as long as the server: the garbage collector need not scan
    # it again. Otherwise each full collection walks millions of objects (118 ms in a
    # worker at ~108k articles, against 6 ms frozen), and writes to their pages, which the
    # forked workers then stop sharing.
    gc.freeze()
    processes = processes if hasattr(os, "fork") else 1
    try:
        listener = socket.create_server((host, port))
    except OSError as exc:
        raise SearchError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                          "Choose another --port, or stop the program using it.") from None
    print(f"Serving {app.extensions['search_engine'].index_dir} on http://{host}:{port}/ "
          f"({processes} process{'es' if processes > 1 else ''}; Ctrl-C to stop)", flush=True)
    if processes == 1:
        _run_worker(app, listener, threads)
        return
    share = _ConnectionShare(processes)
    children = []
    for slot in range(processes):
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                _run_worker(app, listener, threads, share, slot)
            finally:
                os._exit(0)
        children.append(pid)
    listener.close()
    _wait_for(children)


def _run_worker(app, listener: socket.socket, threads: int, share: "_ConnectionShare | None" = None,
                slot: int = 0) -> None:
    from waitress.server import create_server

    logging.basicConfig()  # (as waitress.serve does: its warnings are shown)
    server = create_server(app, sockets=[listener], threads=threads, ident="news-search")
    if share is not None:
        share.join(server, slot)
    server.run()


class _ConnectionShare:
    """Lets a worker accept a connection only while it holds no more than any other.

    A browser (and the load test) keeps its connection open, and every request on it goes
    to the worker that accepted it. Racing to accept, two workers split 8 connections 4/4
    only about a quarter of the time, and at 2/6 the busier worker's clients wait three
    times as long. So each worker publishes its count in shared memory, and rings the
    others' doorbells (pipes) when it changes: waitress asks a server whether it is
    ``readable()`` each time its loop wakes, so the worker with the fewest connections
    is always listening. Made before the fork, shared by the workers."""

    def __init__(self, workers: int):
        self.counts = multiprocessing.RawArray("i", workers)
        self.doorbells = [os.pipe() for _ in range(workers)]
        for _, ring in self.doorbells:
            os.set_blocking(ring, False)

    def join(self, server, slot: int) -> None:
        from waitress import wasyncore

        class Doorbell(wasyncore.file_dispatcher):
            def readable(self) -> bool:
                return True

            def writable(self) -> bool:
                return False

            def handle_read(self) -> None:
                try:
                    self.recv(512)
                except OSError:
                    pass

        Doorbell(self.doorbells[slot][0], map=server._map)
        readable = server.readable

        def fair_readable() -> bool:
            mine = len(server.active_channels)
            if mine != self.counts[slot]:
                self.counts[slot] = mine
                self._ring_all_but(slot)
            return readable() and mine <= min(self.counts)

        server.readable = fair_readable

    def _ring_all_but(self, slot: int) -> None:
        for other, (_, ring) in enumerate(self.doorbells):
            if other != slot:
                try:
                    os.write(ring, b"\0")
                except BlockingIOError:  # already ringing
                    pass


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
