"""A time budget for one search: checked between steps and inside the loops that can run
long, so that a pathological query ends with a clear error instead of holding a server
worker (one of two, on two cores) for seconds while every other request waits."""

from __future__ import annotations

import time

from .errors import QueryTimeoutError


class Budget:
    """Seconds allowed from now; ``seconds <= 0`` means no limit."""

    def __init__(self, seconds: float = 0.0):
        self.seconds = seconds
        self.deadline = time.perf_counter() + seconds if seconds > 0 else float("inf")

    @property
    def expired(self) -> bool:
        return time.perf_counter() > self.deadline

    def check(self) -> None:
        """Raise :class:`QueryTimeoutError` once the budget is spent."""
        if time.perf_counter() > self.deadline:
            raise QueryTimeoutError(
                f"The search was stopped after {self.seconds:g} s, the time a search may take. "
                "Make the query narrower: longer prefixes (ukrain* rather than u*), fewer "
                "wildcards, ranges or quoted phrases of common words, or fewer words.")


#: The budget of calls made without one.
UNLIMITED = Budget()
