"""``search serve --access-log``: one line per request, in the Combined Log Format that log
tools read, plus the time taken (waitress writes no access log of its own).

A WSGI middleware around the app: it sees each request's status, the bytes of its
answer and how long they took, and logs the line once the answer has been sent (when the
server closes the response)."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any, Callable, Iterable, Iterator

ACCESS_LOGGER = "search.access"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\]')  # a request must not forge or break a log line


class AccessLog:
    """Wraps a WSGI app; ``target`` is a file to append to, or ``-`` for stderr."""

    def __init__(self, app: Callable, target: str = "-"):
        self.app = app
        self.logger = logging.getLogger(ACCESS_LOGGER)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False  # (its own format, not the server's log lines)
        if not self.logger.handlers:
            handler = (logging.StreamHandler(sys.stderr) if target == "-"
                       else logging.FileHandler(target, encoding="utf-8"))  # (appends)
            handler.setFormatter(logging.Formatter("%(message)s"))
            self.logger.addHandler(handler)

    def __getattr__(self, name: str) -> Any:  # (config, extensions... of the Flask app)
        return getattr(self.app, name)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start_response(code: str, headers, *args):
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, *args)

        def done(size: int) -> None:
            self.logger.info(_line(environ, status[0], size, time.perf_counter() - started))

        return _Counted(self.app(environ, recording_start_response), done)


class _Counted:
    """The app's response, counted as it is sent; closing it (as the server does when it
    is sent) closes the app's response and logs the line."""

    def __init__(self, inner: Iterable[bytes], done: Callable[[int], None]):
        self.inner, self.done, self.size = inner, done, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.inner, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.size)


def _safe(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _line(environ: dict, status: str, size: int, seconds: float) -> str:
    path = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        path += "?" + environ["QUERY_STRING"]
    request = f'{environ.get("REQUEST_METHOD", "-")} {path} {environ.get("SERVER_PROTOCOL", "-")}'
    when = time.strftime("%d/%b/%Y:%H:%M:%S %z")
    return (f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{_safe(request)}" {status} {size} '
            f'"{_safe(environ.get("HTTP_REFERER", "-"))}" "{_safe(environ.get("HTTP_USER_AGENT", "-"))}" '
            f"{seconds * 1000:.1f}ms")
