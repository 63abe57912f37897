"""A clock for tests that moves only when told, for code that takes a clock."""

from __future__ import annotations


class ManualClock:
    """Seconds; starts at `now` and moves when a test adds to it."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
