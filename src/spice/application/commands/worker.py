"""The in-process command worker: follows accepted commands in the log and runs them."""

from __future__ import annotations

import logging
import time

from spice.application.commands.executor import CommandExecutor
from spice.application.delivery.follower import LogFollower
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.domain.envelope import AggregateType
from spice.domain.events import CommandAccepted

log = logging.getLogger(__name__)
CONSUMER = "command-worker"
# How far the checkpoint may lag behind: positions, and seconds.
CHECKPOINT_EVERY = 1000
CHECKPOINT_SECONDS = 1.0


class CommandWorker(LogFollower):
    """At-least-once over the log; the executor makes a second run of a command a no-op.

    Each step runs every accepted command it finds (up to `batch_size` command events) as
    one batch. The checkpoint only saves reading again: a command run before a crash
    finds its outcome in the log and is reported, not run again. So it is written at most
    once a second (or every 1,000 positions), and when the worker stops; it is read once,
    at start, and after that this worker knows where it got to."""

    name = "command-worker"

    def __init__(
        self, executor: CommandExecutor, registry: ConsumerRegistry, batch_size: int = 500
    ) -> None:
        super().__init__(executor.store)
        self.executor = executor
        self.registry = registry
        self.batch_size = batch_size
        self._saved = registry.checkpoint(CONSUMER)
        self._saved_at = time.monotonic()
        self.progress.advance(self._saved)

    def step(self) -> tuple[int, bool]:
        # This worker is the only writer of its checkpoint: where it got to is its progress
        # (never behind what it saved: both only move forward, the checkpoint to it).
        start = self.progress.position
        head = self.store.head_position()
        commands = AggregateType.COMMAND.value
        batch = self.store.read_all(start, self.batch_size, aggregate_type=commands)
        accepted = [e for e in batch if e.event_type == CommandAccepted.event_type]
        if accepted:
            self.executor.execute_batch(accepted, head_read=True)
        if len(batch) < self.batch_size:
            # Nothing else of ours up to the head we looked at before reading.
            reached, more = max(head, batch[-1].position if batch else start), False
        else:
            reached, more = batch[-1].position, True
        if reached > self._saved and (
            reached - self._saved >= CHECKPOINT_EVERY
            or time.monotonic() - self._saved_at >= CHECKPOINT_SECONDS
        ):
            self._save(reached)
        return reached, more

    def _save(self, position: int) -> None:
        self.registry.save_checkpoint(CONSUMER, position)
        self._saved, self._saved_at = position, time.monotonic()

    def stop(self) -> None:
        super().stop()
        if self.progress.position > self._saved and not self.running:
            try:
                self._save(self.progress.position)
            except Exception:  # noqa: BLE001 - the checkpoint only saves reading again
                log.warning("%s could not write its checkpoint on stop", self.name, exc_info=True)
