"""How far something has got through the log, and waiting for it to get further."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
Listener = Callable[[int], None]


class Progress:
    """A position in the log that a follower (or another process, watched) has reached.

    It only moves forward (`advance`), except where the thing followed may be rebuilt into a
    new generation that starts lower (`reset`); waiters see either. `failing` says that the
    last attempt to move failed, so a wait would only time out and readers should fall back.
    Listeners hear every change, on the thread that made it.
    """

    def __init__(self, name: str, position: int = 0) -> None:
        self.name = name
        self._position = position
        self._failing = False
        self._wanted = 0  # the highest position a reader waits for
        self._changed = threading.Condition()
        self._listeners: list[Listener] = []

    @property
    def position(self) -> int:
        return self._position

    @property
    def failing(self) -> bool:
        return self._failing

    @property
    def wanted(self) -> int:
        """The highest position a reader has waited for (`want`)."""
        return self._wanted

    def want(self, position: int) -> None:
        """Say that a reader waits for `position`: a follower that spaces its steps out
        takes the next one at once."""
        self._wanted = max(self._wanted, position)

    def mark_failing(self, failing: bool) -> None:
        self._failing = failing

    def advance(self, position: int) -> None:
        """Move to `position` unless already past it."""
        with self._changed:
            self._position = max(self._position, position)
            self._changed.notify_all()
        self._tell()

    def reset(self, position: int) -> None:
        """Move to `position`, even back (a new generation of what is followed)."""
        with self._changed:
            self._position = position
            self._changed.notify_all()
        self._tell()

    def on_progress(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def off_progress(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def wait(self, position: int, timeout: float) -> bool:
        """Block until `position` is reached; False when `timeout` passes first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._position < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.2))
        return True

    def _tell(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self._position)
            except Exception:  # a broken listener must not stop the follower
                log.exception("%s progress listener failed", self.name)
