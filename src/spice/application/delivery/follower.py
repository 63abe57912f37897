"""A background thread that follows the log from a checkpoint and hands over batches."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

from spice.application.delivery.progress import Progress
from spice.application.ports.event_store import EventStore

log = logging.getLogger(__name__)


class LogFollower(ABC):
    """Runs `step()` on a thread of its own until stopped. A step processes what is new
    and is idempotent, so a failed one is simply run again; `progress` says how far the
    follower has got, for anyone who waits on it."""

    name = "follower"

    def __init__(self, store: EventStore, idle_wait: float = 0.5, position: int = 0) -> None:
        self.store = store
        self.idle_wait = idle_wait
        self.progress = Progress(self.name, position)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abstractmethod
    def step(self) -> tuple[int, bool]:
        """Process one batch; return (position reached, whether more may be waiting)."""

    def run_until_caught_up(self) -> int:
        """Process everything in the log now (used by tests, rebuilds and start-up)."""
        while True:
            position, more = self.step()
            self.progress.advance(position)
            if not more:
                return position

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                position, more = self.step()
                self.progress.mark_failing(False)
                self.progress.advance(position)
            except Exception:  # noqa: BLE001 - keep following; the step is idempotent
                if not self.progress.failing:
                    log.exception("%s step failed; retrying", self.name)
                self.progress.mark_failing(True)
                self._stop.wait(1.0)
                continue
            if not more:
                self._idle(position)

    def _idle(self, position: int) -> None:
        """Wait for the log to grow past `position` (or for `stop`)."""
        self.store.wait_for(position, self.idle_wait, cancelled=self._stop.is_set)

    def start(self) -> None:
        """Start following; a follower stopped before may be started again."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """Whether its thread is following the log now."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self.store.wake_waiters()
        if self._thread is not None:
            self._thread.join(timeout=10)
