"""``search serve``: the web app under waitress, a production WSGI server (the engine
notices a re-index by itself, so no restart is needed).

Python runs one thread at a time, so the server forks a process per core, which accept
connections on one shared socket (as gunicorn's workers do) and take equal shares of
them. They share the index files, including the memory-mapped impact lists, through the
operating system's page cache.

The parent process only supervises (as gunicorn's arbiter does): a worker that dies (an
OOM kill, ``kill -9``, an exception) is logged and replaced at once by a fresh fork of
the warmed-up parent, and the others keep serving meanwhile; only when workers keep
dying does the server stop, with a non-zero status and the reason logged. SIGTERM or
Ctrl-C stops it gracefully: the workers stop accepting, finish the requests they have
(for up to ``grace`` seconds), close their idle connections, and exit.

Slow clients hold no thread (waitress reads and writes on its main loop and hands only
complete requests to the worker thread), but each holds a connection: so each process
takes many connections (polled, not ``select``-ed, so past 1,024 descriptors), a request
must arrive whole within ``REQUEST_TIMEOUT`` of its first byte (a slowloris client
sending a header line every few seconds is cut off), and an idle kept-alive connection
is closed after ``IDLE_TIMEOUT``.
"""

from __future__ import annotations

import collections
import gc
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from typing import Any, Sequence

from search.backends.embedded import storage
from search.backends.embedded.interrupts import signal_on_parent_death
from search.errors import SearchError
from search.backend_choice import EMBEDDED, backend_spec
from search.backends.embedded.storage import resolve_index_dir

log = logging.getLogger("search.server")


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


def make_app(index_dir: str | None = None, seeds: str | Sequence[str] | None = None,
             time_budget: float | None = None):
    from . import create_app

    index_dir = resolve_index_dir(index_dir)
    if backend_spec(None) == EMBEDDED:  # a cluster index is built with `search index --backend`
        ensure_index(index_dir, seeds)
    config: dict[str, Any] = {"SEARCH_INDEX": index_dir}
    if time_budget is not None:
        config["TIME_BUDGET"] = time_budget
    return create_app(config)


#: Threads per process (waitress's main thread reads requests and writes responses
#: besides). Requests are short and CPU-bound, and a process runs one thread at a time:
#: a second thread only interleaves requests, each waiting for the other, and the handoffs
#: of the interpreter lock cost CPU. 8 concurrent clients at ~108k articles, 2 processes,
#: alternating runs: p95 37-49 ms and 6.6-8.1 ms of server CPU per request with 1 thread,
#: 50-55 ms and 8.1-8.9 ms with 2; with 8 threads, 78-166 ms (before the connections were
#: shared equally). A slow client holds no thread: waitress buffers the response.
DEFAULT_THREADS = 1
#: Seconds a stopping server gives the requests in flight (a search has a budget of about
#: a second, see ``search.settings.Limits``).
DEFAULT_GRACE = 10.0
#: Connections one process holds at most (waitress's default, 100, let 205 slowloris
#: connections shut two processes to everyone else).
CONNECTION_LIMIT = 2000
#: Seconds a request may take to arrive in full, from its first byte (nginx's
#: client_header_timeout is 60 s; our requests are a line and a few headers).
REQUEST_TIMEOUT = 10
#: Seconds a kept-alive connection may stay idle between requests.
IDLE_TIMEOUT = 30
#: The server gives up when this many workers died within ``RESTART_WINDOW`` seconds.
MAX_RESTARTS = 10
RESTART_WINDOW = 60.0


class ServerError(SearchError):
    """The server cannot go on (workers dying in a loop)."""


def default_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def configure_logging(level: str = "INFO") -> None:
    """Log lines with time, level and process to stderr. Waitress's "Task queue depth"
    warnings are only shown at DEBUG: with one thread per process, a request waiting for
    the previous one is how the server is meant to work, not a problem."""
    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s")
    logging.getLogger("search").setLevel(level.upper())
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def serve(index_dir: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          threads: int = DEFAULT_THREADS,
          seeds: str | Sequence[str] | None = None, processes: int = 1, *,
          grace: float = DEFAULT_GRACE, access_log: str | None = None,
          time_budget: float | None = None) -> None:
    """Serve the search UI and API from ``processes`` processes until SIGTERM or Ctrl-C
    (then finish the requests in flight within ``grace`` seconds). ``access_log``: a file
    to log each request to, ``-`` for stderr."""
    if not logging.getLogger().handlers:
        configure_logging()
    app = make_app(index_dir, seeds, time_budget)
    try:  # before forking: the workers share what it builds
        app.extensions["search_engine"].warm_up()
    except SearchError as exc:  # the pages explain it too; serve them
        log.warning("%s", exc)
    else:
        _warm_pages(app)
    # What warm_up built lives as long as the server: the garbage collector need not scan
    # it again. Otherwise each full collection walks millions of objects (118 ms in a
    # worker at ~108k articles, against 6 ms frozen), and writes to their pages, which the
    # forked workers then stop sharing.
    gc.freeze()
    # Most objects a results page allocates are gone when it is sent; those a collection
    # walks are the ones still in use, and the caches' new entries. One worker's share of
    # the load test at Reuters x5: 108 young and 9 middle collections, 34 ms, with Python's
    # default threshold (700); 6 young ones, 12-16 ms, with this.
    gc.set_threshold(YOUNG_OBJECTS, 10, 10)
    handler = app
    if access_log:
        from .accesslog import AccessLog

        handler = AccessLog(app, access_log)
    _raise_open_files_limit()
    try:
        listener = socket.create_server((host, port), backlog=1024)
    except OSError as exc:
        raise SearchError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                          "Choose another --port, or stop the program using it.") from None
    processes = processes if hasattr(os, "fork") else 0
    print(f"Serving {app.extensions['search_engine'].index_dir} on http://{host}:{port}/ "
          f"({max(processes, 1)} process{'es' if processes > 1 else ''}; Ctrl-C to stop)", flush=True)
    if not processes:  # (no fork: serve from this process)
        _Worker(handler, listener, threads, grace).run()
        return
    status = _Supervisor(handler, listener, threads, processes, grace).run()
    if status:
        raise ServerError(status)


#: Objects allocated (less freed) between two collections of the youngest generation.
YOUNG_OBJECTS = 10_000
#: Pages answered once before the workers fork (see ``_warm_pages``).
WARM_PAGES = ("/search?q=news", "/search")


def _warm_pages(app) -> None:
    """Answer a results page before forking, as a user's first search would: its templates
    compile and what a first search builds on demand (the knowledge base's alias tables
    for the query's entities, the routing map's URL builders) is built once, in the parent,
    which the workers share. Otherwise each worker built them while its first user waited:
    140 ms at Reuters x5 against 25-35 ms for the next searches, and the requests queued
    behind it on that worker waited as long. Nothing of the answer is kept but caches."""
    client = app.test_client()
    for path in WARM_PAGES:
        try:
            client.get(path).close()
        except Exception:  # (a page that fails here fails for users too: logged there)
            log.debug("warming %s failed", path, exc_info=True)


def _raise_open_files_limit() -> None:
    """Each connection is a file descriptor: allow as many as the system lets us."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = CONNECTION_LIMIT + 256 if hard == resource.RLIM_INFINITY else min(hard, CONNECTION_LIMIT + 256)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ImportError, ValueError, OSError) as exc:
        log.warning("could not raise the open-files limit: %s", exc)


# -- a worker: one waitress server on the shared socket ---------------------------------------

def _server_classes():
    """Waitress's server and channel, taught to cut off slow requests and to stop gracefully
    (made on first use: the CLI should not import waitress for other commands)."""
    from waitress.channel import HTTPChannel
    from waitress.server import TcpWSGIServer

    class Channel(HTTPChannel):
        request_started = 0.0  # when the first byte of the request being read arrived

        def received(self, data):
            if self.request is None and data:
                self.request_started = time.time()
            return super().received(data)

    class Server(TcpWSGIServer):
        channel_class = Channel
        share: "_ConnectionShare | None" = None
        slot = 0
        stop_by: float | None = None  # set when stopping: the end of the grace period
        parent: int | None = None  # the supervisor (see _Supervisor._start)

        def maintenance(self, now: float) -> None:
            super().maintenance(now)  # (idle connections)
            if self.parent is not None and self.stop_by is None and os.getppid() != self.parent:
                log.warning("the supervisor is gone; stopping")
                os.kill(os.getpid(), signal.SIGTERM)
            for channel in self.active_channels.values():
                if (channel.request is not None and not channel.requests
                        and now - channel.request_started > REQUEST_TIMEOUT):
                    log.debug("closing a connection from %s: its request took over %d s to arrive",
                              channel.addr, REQUEST_TIMEOUT)
                    channel.will_close = True

        def readable(self) -> bool:
            if self.stop_by is not None:
                return self._drain()
            accepting = super().readable()
            if self.share is not None:
                accepting = self.share.allows(self.slot, len(self.active_channels)) and accepting
            return accepting

        def _drain(self) -> bool:
            """Accept nothing; close each connection once its requests are answered; stop
            when none is left or the grace period is over."""
            now = time.time()
            for channel in list(self.active_channels.values()):
                if not channel.requests and not channel.total_outbufs_len and (
                        channel.request is None or now > self.stop_by):
                    channel.will_close = True
            if not self.active_channels or now > self.stop_by:
                if self.active_channels:
                    log.warning("stopped with %d connection(s) still open after the grace period",
                                len(self.active_channels))
                raise SystemExit(0)  # (waitress's run() ends its loop on it)
            return False

    return Server


class _Worker:
    def __init__(self, app, listener: socket.socket, threads: int, grace: float,
                 share: "_ConnectionShare | None" = None, slot: int = 0):
        from waitress.adjustments import Adjustments

        adjustments = Adjustments(
            sockets=[listener], threads=threads, ident="news-search",
            connection_limit=CONNECTION_LIMIT, channel_timeout=IDLE_TIMEOUT, cleanup_interval=1,
            asyncore_use_poll=True)
        info = (listener.family, listener.type, listener.proto, listener.getsockname())
        self.server = _server_classes()(app, {}, True, listener, adj=adjustments, bind_socket=False,
                                        sockinfo=info)
        self.server.share, self.server.slot = share, slot
        if share is not None:  # a forked worker: its parent is the supervisor
            self.server.parent = os.getppid()
            share.join(self.server, slot)
        self.grace = grace

    def run(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        self.server.run()

    def _stop(self, signum, _frame) -> None:
        if self.server.stop_by is None:
            log.info("%s: finishing the requests in flight (up to %g s)",
                     signal.Signals(signum).name, self.grace)
            self.server.stop_by = time.time() + self.grace
            self.server.pull_trigger()  # (wake the loop now)


class _ConnectionShare:
    """Lets a worker accept a connection only while it holds no more than any other.

    A browser (and the load test) keeps its connection open, and every request on it goes
    to the worker that accepted it. Racing to accept, two workers split 8 connections 4/4
    only about a quarter of the time, and at 2/6 the busier worker's clients wait three
    times as long. So each worker publishes its count in shared memory, and rings the
    others' doorbells (pipes) when it changes: waitress asks a server whether it is
    ``readable()`` each time its loop wakes, so the worker with the fewest connections
    is always listening. Made before the fork, shared by the workers. A dead worker's
    count is ``VACANT`` until its replacement publishes its own, so that nobody waits for
    a worker that is gone."""

    VACANT = 2**31 - 1

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
        self.counts[slot] = -1  # (published on the first readable())

    def allows(self, slot: int, mine: int) -> bool:
        if mine != self.counts[slot]:
            self.counts[slot] = mine
            self._ring_all_but(slot)
        return mine <= min(self.counts)

    def vacate(self, slot: int) -> None:
        """A worker died: let the others accept without waiting for its count."""
        self.counts[slot] = self.VACANT
        self._ring_all_but(slot)

    def _ring_all_but(self, slot: int) -> None:
        for other, (_, ring) in enumerate(self.doorbells):
            if other != slot:
                try:
                    os.write(ring, b"\0")
                except BlockingIOError:  # already ringing
                    pass


# -- the parent: start, watch and replace the workers ----------------------------------------

class _Stop(Exception):
    """SIGTERM or SIGINT reached the parent."""


class _Supervisor:
    def __init__(self, app, listener: socket.socket, threads: int, processes: int, grace: float):
        self.app, self.listener, self.threads = app, listener, threads
        self.processes, self.grace = processes, grace
        self.share = _ConnectionShare(processes)
        self.workers: dict[int, int] = {}  # pid -> slot
        self.deaths: collections.deque[float] = collections.deque(maxlen=MAX_RESTARTS)
        self.stopping = False
        self.waiting = False

    def run(self) -> str:
        """Serve until told to stop (""), or until workers keep dying (the reason)."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._signalled)
        try:
            for slot in range(self.processes):
                self._start(slot)
            return self._watch()
        except _Stop:
            return ""
        finally:
            self._stop_all()

    def _signalled(self, signum, _frame) -> None:
        if not self.stopping:
            self.stopping = True
            log.info("%s: stopping the workers gracefully (up to %g s)",
                     signal.Signals(signum).name, self.grace)
            if self.waiting:
                raise _Stop

    def _start(self, slot: int) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop
            for sig in (signal.SIGTERM, signal.SIGINT):  # (until the worker sets its own)
                signal.signal(sig, signal.SIG_DFL)
            # Stopped gracefully if the supervisor dies, however it died (kill -9, the
            # out-of-memory killer): else the workers would go on serving unsupervised,
            # holding the port, and the server could not be started again. (Elsewhere than
            # Linux, Server.maintenance notices a new parent within a second.)
            signal_on_parent_death(signal.SIGTERM, parent)
            status = 1
            try:
                _Worker(self.app, self.listener, self.threads, self.grace, self.share, slot).run()
                status = 0
            except BaseException:  # noqa: B902 (logged, then this process ends)
                log.exception("worker failed")
            finally:
                logging.shutdown()
                os._exit(status)
        self.workers[pid] = slot
        log.debug("started worker %d (slot %d)", pid, slot)

    def _watch(self) -> str:
        while not self.stopping:
            self.waiting = True
            try:
                if self.stopping:
                    break
                pid, status = os.waitpid(-1, 0)
            finally:
                self.waiting = False
            slot = self.workers.pop(pid, None)
            if slot is None:
                continue
            self.share.vacate(slot)
            now = time.monotonic()
            self.deaths.append(now)
            why = _exit_reason(status)
            if len(self.deaths) == MAX_RESTARTS and now - self.deaths[0] < RESTART_WINDOW:
                reason = (f"{MAX_RESTARTS} workers died within {now - self.deaths[0]:.0f} s "
                          f"(the last {why}); stopping the server")
                log.critical(reason)
                return reason
            if self.stopping:
                break
            self._start(slot)
            log.error("worker %d %s; replaced it", pid, why)
        raise _Stop

    def _stop_all(self) -> None:
        """SIGTERM to each worker, then wait for them to finish their requests; SIGKILL
        for any still running after the grace period (and a few seconds more)."""
        self.stopping = True
        for pid in self.workers:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace + 5
        while self.workers and time.monotonic() < deadline:
            for pid in list(self.workers):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    del self.workers[pid]
            time.sleep(0.05)
        for pid in self.workers:
            log.warning("worker %d did not stop in time; killing it", pid)
            _signal(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.workers.clear()
        self.listener.close()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        hint = " (killed: out of memory, or kill -9)" if number == signal.SIGKILL else ""
        return f"was killed by signal {number} ({name}){hint}"
    return f"exited with status {os.WEXITSTATUS(status)}"
