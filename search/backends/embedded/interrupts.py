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
from contextlib import contextmanager
from typing import Iterator

HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Held:
    """The signals that arrived while held, first one first."""

    def __init__(self) -> None:
        self.signals: list[int] = []

    def __bool__(self) -> bool:
        return bool(self.signals)

    @property
    def first(self) -> int | None:
        return self.signals[0] if self.signals else None


@contextmanager
def held_signals() -> Iterator[Held]:
    """Within the block, SIGINT and SIGTERM are recorded in the ``Held`` it yields."""
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def record(signum, frame) -> None:
        held.signals.append(signum)

    previous = {signum: signal.signal(signum, record) for signum in HELD_SIGNALS}
    try:
        yield held
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
