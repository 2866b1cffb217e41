"""Holding off Ctrl-C and SIGTERM while the index must not be left half-done.

Also while worker processes are forked: an exception raised by a signal handler inside
``os.fork``'s at-fork hooks is printed and swallowed by Python, so the signal would be lost.

A signal that arrives while a commit is being written, or while a failed run is being
cleaned up, is recorded instead of raising in the middle of it; the caller then decides
what it means (after a commit: "interrupted, but committed"; during a clean-up: nothing
more, the run is already ending). Signals can only be handled in the main thread, so in
any other thread this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class HeldSignals:
    """``hold()`` .. ``release()`` (or ``with HeldSignals() as held:``): in between,
    SIGINT and SIGTERM are recorded in ``signals`` instead of acting. Releasing twice is
    harmless."""

    def __init__(self) -> None:
        self.signals: list[int] = []
        self._previous: dict[int, object] | None = None

    @property
    def first(self) -> int | None:
        return self.signals[0] if self.signals else None

    def _record(self, signum, frame) -> None:
        self.signals.append(signum)

    def hold(self) -> None:
        if self._previous is None and threading.current_thread() is threading.main_thread():
            self._previous = {signum: signal.signal(signum, self._record) for signum in HELD_SIGNALS}

    def release(self, redeliver: bool = False) -> None:
        """Restore the handlers; with ``redeliver``, the held signals then act as they
        would have (a KeyboardInterrupt from here, say)."""
        previous, self._previous = self._previous, None
        for signum, handler in (previous or {}).items():
            signal.signal(signum, handler)
        if redeliver and previous:
            held, self.signals = self.signals, []
            for signum in dict.fromkeys(held):
                signal.raise_signal(signum)

    def __enter__(self) -> "HeldSignals":
        self.hold()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


class _StopRequest:
    signum: int | None = None
    #: The work is committed: a stop asked for from now on is recorded, not raised (the
    #: caller reports "interrupted after the commit" instead of denying the commit).
    committed: bool = False
    active: bool = False  # inside a stop_on_signals block (a request outside one is stale)


_stop = _StopRequest()


@contextmanager
def stop_on_signals() -> Iterator[_StopRequest]:
    """SIGINT and SIGTERM stop the work in the block (for a command line: SIGTERM from a
    supervisor or ``kill`` acts as Ctrl-C does). The handler raises KeyboardInterrupt at
    once and also records the request, because Python swallows an exception raised in
    a finalizer or an at-fork hook: :func:`raise_if_stopped` at safe points makes sure
    the request is not lost. Yields the request (its ``signum``, once one came)."""
    _stop.signum, _stop.committed = None, False
    if threading.current_thread() is not threading.main_thread():
        yield _stop
        return

    def stop(signum, frame):
        _stop.signum = signum
        if not _stop.committed:
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in HELD_SIGNALS}
    _stop.active = True
    try:
        yield _stop
    finally:
        _stop.active = False
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def mark_committed() -> None:
    """The work in ``stop_on_signals``' block is committed: a later stop only records
    itself. (A stop arriving between the commit and the caller's receiving the report
    would otherwise raise there, and be reported as "nothing was committed".)"""
    _stop.committed = True


def raise_if_stopped() -> None:
    """A stop was asked for (and its KeyboardInterrupt may have been swallowed): stop now."""
    if _stop.active and _stop.signum is not None:
        raise KeyboardInterrupt


_PR_SET_PDEATHSIG = 1


def signal_on_parent_death(signum: int, parent: int) -> None:
    """Ask the kernel to send this forked process ``signum`` when its parent dies, however
    it died (Linux's ``PR_SET_PDEATHSIG``; elsewhere the caller polls ``os.getppid()``), and
    exit now if ``parent`` is already gone (it may have died before the request was made)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux
    if os.getppid() != parent:
        os._exit(1)
