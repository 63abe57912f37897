"""A background thread that follows the log from a checkpoint and hands over batches."""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from spice.application.ports.event_store import EventStore

log = logging.getLogger(__name__)


class LogFollower(ABC):
    """Runs `step()` until stopped; each step processes what is new and reports progress."""

    name = "follower"

    def __init__(self, store: EventStore, idle_wait: float = 0.5) -> None:
        self.store = store
        self.idle_wait = idle_wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._progress = threading.Condition()
        self._position = 0
        self._listeners: list[Callable[[int], None]] = []
        self._failing = False

    @abstractmethod
    def step(self) -> tuple[int, bool]:
        """Process one batch; return (position reached, whether more may be waiting)."""

    @property
    def position(self) -> int:
        return self._position

    @property
    def failing(self) -> bool:
        """Whether the last step failed (what it follows into, or from, is away): waits
        for this follower would only time out, so readers use their fallback instead."""
        return self._failing

    def on_progress(self, listener: Callable[[int], None]) -> None:
        """Call `listener(position)` after each step (from the follower's thread)."""
        self._listeners.append(listener)

    def off_progress(self, listener: Callable[[int], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _advance(self, position: int) -> None:
        with self._progress:
            self._position = max(self._position, position)
            self._progress.notify_all()
        for listener in list(self._listeners):
            try:
                listener(self._position)
            except Exception:  # a broken listener must not stop the follower
                log.exception("%s progress listener failed", self.name)

    def run_until_caught_up(self) -> int:
        """Process everything in the log now (used by tests, rebuilds and start-up)."""
        while True:
            position, more = self.step()
            self._advance(position)
            if not more:
                return position

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                position, more = self.step()
                self._failing = False
                self._advance(position)
            except Exception:  # noqa: BLE001 - keep following; the step is idempotent
                if not self._failing:
                    log.exception("%s step failed; retrying", self.name)
                self._failing = True
                self._stop.wait(1.0)
                continue
            if not more:
                self.store.wait_for(position, self.idle_wait, cancelled=self._stop.is_set)

    def start(self) -> None:
        """Start following; a follower stopped before may be started again."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.store._notify_appended()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait_position(self, position: int, timeout: float) -> bool:
        """Block until this follower has processed the log up to `position`."""
        deadline = time.monotonic() + timeout
        with self._progress:
            while self.position < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._progress.wait(min(remaining, 0.2))
        return True
