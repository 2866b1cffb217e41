"""``search serve`` under faults, as an operator meets them: real server processes on a
free port, real sockets. A worker killed under load is replaced while the others keep
serving; workers dying in a loop stop the server with a non-zero status and the reason;
SIGTERM lets the requests in flight finish; slow clients do not starve the others;
``/healthz``, ``--access-log`` and ``--log-level`` work; an empty index is served."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from search.backends.embedded import storage

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.exists("/proc/self/task"),
                                reason="needs fork and /proc")

SEARCH = os.path.join(os.path.dirname(sys.executable), "search")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return sorted({int(p) for p in f.read().split()})
    except FileNotFoundError:
        return []


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """A ``search serve`` process tree, started and waited for."""

    def __init__(self, args: list[str], processes: int = 2, python: str | None = None,
                 stderr=None, port: int | None = None):
        self.port = port or _free_port()
        if python is None:
            command = [SEARCH, "serve", "--port", str(self.port), "--processes", str(processes), *args]
        else:  # (a module setting changed, then serve() as the CLI calls it)
            command = [sys.executable, "-c", python.format(port=self.port, processes=processes)]
        self.log = stderr
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=stderr or subprocess.DEVNULL, text=True)
        self.processes = processes
        deadline = time.time() + 60
        while True:
            try:
                if _get(self.port, "/healthz", timeout=5)[0] == 200 and \
                        len(_children(self.process.pid)) == processes:
                    break
            except OSError:
                pass
            assert time.time() < deadline and self.process.poll() is None, "the server did not start"
            time.sleep(0.2)

    @property
    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            workers = self.workers  # (read before the parent dies: then it has no children)
            self.process.kill()
            for pid in workers:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.wait(10)


@pytest.fixture
def log(tmp_path):
    """A file for a server's stderr, read back by the test."""
    with open(tmp_path / "server.log", "w+", encoding="utf-8") as f:
        yield f


@pytest.fixture
def serving(seed_index):
    started: list[Server] = []

    def start(*args: str, index: str = seed_index, **kw) -> Server:
        server = Server(["--index", index, *args], **kw)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_a_worker_killed_under_load_is_replaced_and_the_others_keep_serving(serving):
    server = serving()
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()
    clients = 4

    def client() -> None:  # a new connection per request: only requests in flight can fail
        while not stop.is_set():
            try:
                status, body = _get(server.port, "/api/search?q=patriot", timeout=20)
            except (OSError, http.client.HTTPException) as exc:
                failures.append(type(exc).__name__)
                continue
            assert status == 200 and json.loads(body)["total"] > 0, status
            answered[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    rng = random.Random(7)
    kills = 3
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.3, 1.0))
            before = answered[0]
            victim = rng.choice(server.workers)
            os.kill(victim, signal.SIGKILL)
            deadline = time.time() + 15
            while victim in server.workers or len(server.workers) < 2:
                assert time.time() < deadline, "no replacement worker"
                time.sleep(0.02)
            while answered[0] < before + 10:  # serving goes on
                assert time.time() < deadline and server.process.poll() is None
                time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert server.process.poll() is None and len(server.workers) == 2
    # Each kill can fail only the requests open on that worker: one per client at most.
    assert len(failures) <= kills * clients, failures
    assert answered[0] >= 30


def test_workers_dying_in_a_loop_stop_the_server_with_the_reason(serving, log, tmp_path):
    server = serving(stderr=log)
    from web.server import MAX_RESTARTS

    deadline = time.time() + 60
    killed: set[int] = set()
    while server.process.poll() is None:
        for pid in set(server.workers) - killed:
            os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        assert time.time() < deadline
        time.sleep(0.01)
    assert server.process.wait() != 0 and len(killed) >= MAX_RESTARTS
    log.seek(0)
    text = log.read()
    assert f"{MAX_RESTARTS} workers died within" in text and "was killed by signal 9" in text
    assert "Error:" in text and "Traceback" not in text
    assert server.workers == []


def test_workers_stop_when_the_supervisor_is_killed(serving, seed_index):
    # kill -9 (or the out-of-memory killer) on the parent: its workers must not go on
    # serving unsupervised, holding the port so that the server cannot start again
    server = serving()
    workers = server.workers
    assert len(workers) == 2
    server.process.kill()
    server.process.wait(10)
    deadline = time.time() + 15
    while any(_alive(pid) for pid in workers):
        assert time.time() < deadline, "workers outlived their supervisor"
        time.sleep(0.05)
    again = Server(["--index", seed_index], processes=1, port=server.port)
    try:
        assert _get(server.port, "/healthz")[0] == 200
    finally:
        again.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # an exited process waits as a zombie until init reaps it
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_lets_requests_in_flight_finish_then_exits(serving, log, tmp_path):
    server = serving("--grace", "20", stderr=log)
    with socket.create_connection(("127.0.0.1", server.port)) as idle, \
            socket.create_connection(("127.0.0.1", server.port)) as in_flight:
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")  # then kept alive, idle
        first = b""
        while b'"pid":' not in first:
            first += idle.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK")
        in_flight.sendall(b"GET /api/search?q=patriot HTTP/1.1\r\nHost: x\r\n")  # not finished
        time.sleep(0.5)
        started = time.time()
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)  # the workers have stopped accepting, and wait for this request
        assert server.process.poll() is None
        in_flight.sendall(b"Accept: application/json\r\n\r\n")
        answer = b""
        while b'"total":' not in answer:
            chunk = in_flight.recv(65536)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK")
        idle.settimeout(5)
        assert idle.recv(100) == b""  # closed by the server, not left hanging
    assert server.process.wait(15) == 0 and time.time() - started < 15
    with pytest.raises(OSError):
        _get(server.port, "/healthz", timeout=2)
    log.seek(0)
    assert "SIGTERM: stopping the workers gracefully" in log.read()


SLOW_SERVER = ("import web.server as s; s.REQUEST_TIMEOUT = 2; s.configure_logging('WARNING'); "
               "s.serve({index!r}, '127.0.0.1', {{port}}, processes={{processes}})")


def test_slow_clients_do_not_starve_the_others_and_are_cut_off(seed_index):
    # 300 slowloris connections, each sending a header line every second: waitress's
    # default limit (100 connections a process) let 205 shut out everyone else.
    server = Server([], python=SLOW_SERVER.format(index=seed_index))
    slow: list[socket.socket] = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"GET /api/search?q=patriot HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        cut = set()
        started = time.time()
        times = []
        while time.time() - started < 4.5:
            for i, s in enumerate(slow):
                if i not in cut:
                    try:
                        s.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        cut.add(i)
            t = time.perf_counter()
            status, _ = _get(server.port, "/api/search?q=patriot", timeout=10)
            times.append(time.perf_counter() - t)
            assert status == 200
            time.sleep(0.3)
        assert max(times) < 3, times  # answered while 300 slow connections are open
        for s in slow:  # each was closed by the server, its request never completed
            s.settimeout(5)
            try:
                assert s.recv(100) == b""
            except ConnectionResetError:
                pass
    finally:
        for s in slow:
            s.close()
        server.stop()


def test_healthz_access_log_and_log_level(serving, log, tmp_path):
    access = tmp_path / "access.log"
    server = serving("--access-log", str(access), "--log-level", "debug", stderr=log)
    status, body = _get(server.port, "/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["articles"] == 5
    assert health["pid"] in server.workers
    assert _get(server.port, "/api/search?q=patriot")[0] == 200
    assert _get(server.port, "/no/such%0Apage%22")[0] == 404
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 0
    lines = access.read_text(encoding="utf-8").splitlines()
    assert any('"GET /api/search?q=patriot HTTP/1.1" 200 ' in line for line in lines)
    assert any('"GET /no/such\\x0apage\\x22 HTTP/1.1" 404 ' in line for line in lines)
    assert all(line.endswith("ms") and line.startswith("127.0.0.1 - - [") for line in lines)
    log.seek(0)
    assert "DEBUG" in log.read()  # --log-level debug: the workers' start is logged


def test_an_empty_index_is_served(serving, tmp_path):
    root = str(tmp_path / "empty")
    storage.prepare_root(root)
    storage.publish(root, storage.new_generation(root))
    server = serving(index=root, processes=1)
    status, body = _get(server.port, "/api/search?q=anything")
    assert status == 200 and json.loads(body)["total"] == 0
    assert json.loads(_get(server.port, "/healthz")[1])["articles"] == 0
    assert _get(server.port, "/?q=anything")[0] == 200
