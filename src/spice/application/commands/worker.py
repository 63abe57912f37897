"""The in-process command worker: follows accepted commands in the log and runs them."""

from __future__ import annotations

from spice.application.commands.executor import CommandExecutor
from spice.application.delivery.follower import LogFollower
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.domain.envelope import AggregateType
from spice.domain.events import CommandAccepted

CONSUMER = "command-worker"
# Positions a checkpoint may lag behind when the steps between ran no command.
CHECKPOINT_EVERY = 1000


class CommandWorker(LogFollower):
    """At-least-once over the log; the executor makes a second run of a command a no-op.

    Each step runs every accepted command it finds (up to `batch_size` command events) as
    one batch, and records its checkpoint once after it: a crash inside a step runs the
    step's commands again, and each finds its outcome in the log. The checkpoint is read
    once, at start; after that this worker knows where it got to."""

    name = "command-worker"

    def __init__(
        self, executor: CommandExecutor, registry: ConsumerRegistry, batch_size: int = 500
    ) -> None:
        super().__init__(executor.store)
        self.executor = executor
        self.registry = registry
        self.batch_size = batch_size
        self._saved = registry.checkpoint(CONSUMER)
        self.progress.advance(self._saved)

    def step(self) -> tuple[int, bool]:
        # This worker is the only writer of its checkpoint: where it got to is in memory.
        start = max(self.progress.position, self._saved)
        head = self.store.head_position()
        commands = AggregateType.COMMAND.value
        batch = self.store.read_all(start, self.batch_size, aggregate_type=commands)
        accepted = [e for e in batch if e.event_type == CommandAccepted.event_type]
        if accepted:
            self.executor.execute_batch(accepted)
        if len(batch) < self.batch_size:
            # Nothing else of ours up to the head we looked at before reading.
            reached, more = max(head, batch[-1].position if batch else start), False
        else:
            reached, more = batch[-1].position, True
        # A step that found only outcomes (mostly this worker's own) ran nothing: a restart
        # from before them would read them again and run nothing either, so the checkpoint
        # is written only when it protects work done, or has fallen far behind.
        if reached > self._saved and (accepted or reached - self._saved >= CHECKPOINT_EVERY):
            self.registry.save_checkpoint(CONSUMER, reached)
            self._saved = reached
        return reached, more
