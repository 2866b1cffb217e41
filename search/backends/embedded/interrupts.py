"""Holding off Ctrl-C and SIGTERM while the index must not be left half-done.

A signal that arrives while a commit is being written, or while a failed run is being
cleaned up, is recorded instead of raising in the middle of it; the caller then decides
what it means (after a commit: "interrupted, but committed"; during a clean-up: nothing
more, the run is already ending). Signals can only be handled in the main thread, so in
any other thread this does nothing.
"""

from __future__ import annotations

import signal
import threading

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

    def release(self) -> None:
        previous, self._previous = self._previous, None
        for signum, handler in (previous or {}).items():
            signal.signal(signum, handler)

    def __enter__(self) -> "HeldSignals":
        self.hold()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
