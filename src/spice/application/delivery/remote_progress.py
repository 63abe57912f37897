"""Progress made by other processes, as an API process of the distributed profile sees it.

`ReadModelWatch` follows the document read model's checkpoint (its projector runs in a
worker process), so reads can wait for a position as they do in one process.
`PendingCommands` tells whether every command accepted so far has its outcome in the log,
which is what the API waits for before it refuses a command that may depend on one in
flight (the command workers run elsewhere).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from spice.application.delivery.follower import LogFollower
from spice.application.ports.event_store import EventStore
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.events import CommandAccepted


class ReadModelWatch(LogFollower):
    """Reports the checkpoint of a read model written by another process. A read model that
    can be rebuilt into a new generation (the search index) may go back: `monotonic=False`
    reports the checkpoint as it is, so waits see that."""

    def __init__(
        self,
        store: EventStore,
        checkpoint: Callable[[], int],
        interval: float = 0.01,
        name: str = "read-model-watch",
        monotonic: bool = True,
    ) -> None:
        self.name = name
        self.monotonic = monotonic
        super().__init__(store)
        self._checkpoint = checkpoint
        self.interval = interval
        try:
            self.progress.advance(checkpoint())
        except Exception:  # noqa: BLE001 - the store may be away; the loop keeps asking
            self.progress.mark_failing(True)

    def step(self) -> tuple[int, bool]:
        position = self._checkpoint()
        if not self.monotonic:
            self.progress.reset(position)
        return position, False

    def _idle(self, position: int) -> None:
        """The checkpoint is another process's: while the log is known to be ahead of it,
        ask again after `interval`; else wait until the log grows (or the idle wait ends)."""
        if self.store.heard > position:
            self._stop.wait(self.interval)
        else:
            super()._idle(position)


class PendingCommands:
    """Scans accepted commands from a low-water mark: the mark moves past each command once
    its outcome is in the log. Commands accepted more than `window` positions before this
    process started are not waited for."""

    def __init__(self, store: EventStore, window: int = 10_000, batch: int = 1000) -> None:
        self.store = store
        self.batch = batch
        self._mark = max(0, store.head_position() - window)

    def _waiting(self, head: int) -> dict[str, EventEnvelope]:
        """The acceptance of each command up to `head` without an outcome yet."""
        waiting: dict[str, EventEnvelope] = {}
        position = self._mark
        while chunk := self.store.read_all(
            position, self.batch, aggregate_type=AggregateType.COMMAND.value
        ):
            for envelope in chunk:
                if envelope.event_type == CommandAccepted.event_type and envelope.position <= head:
                    waiting[envelope.aggregate_id] = envelope
                else:
                    waiting.pop(envelope.aggregate_id, None)
            position = chunk[-1].position
        positions = [e.position for e in waiting.values()]
        self._mark = min(positions) - 1 if positions else max(self._mark, head)
        return waiting

    def _pending(self, head: int) -> bool:
        return bool(self._waiting(head))

    def count_waiting(self, head: int) -> int:
        """How many commands accepted up to `head` have no outcome yet."""
        return len(self._waiting(head))

    def oldest_waiting(self, head: int) -> str | None:
        """When the oldest command accepted up to `head` that has no outcome was accepted."""
        waiting = self._waiting(head)
        return min(waiting.values(), key=lambda e: e.position).occurred_at if waiting else None

    def settled(self, timeout: float) -> bool:
        """Wait until every command accepted up to now has an outcome (False on timeout)."""
        head = self.store.head_position()
        deadline = time.monotonic() + timeout
        while self._pending(head):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.store.wait_for(self.store.head_position(), min(remaining, 0.2))
        return True
