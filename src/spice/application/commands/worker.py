"""The in-process command worker: follows accepted commands in the log and runs them."""

from __future__ import annotations

from spice.application.commands.executor import CommandExecutor
from spice.application.delivery.follower import LogFollower
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.domain.envelope import AggregateType
from spice.domain.events import CommandAccepted

CONSUMER = "command-worker"


class CommandWorker(LogFollower):
    """At-least-once over the log; the executor makes a second run of a command a no-op.

    Each step runs every accepted command it finds (up to `batch_size` command events) as
    one batch, and records its checkpoint once after it: a crash inside a step runs the
    step's commands again, and each finds its outcome in the log."""

    name = "command-worker"

    def __init__(
        self, executor: CommandExecutor, registry: ConsumerRegistry, batch_size: int = 500
    ) -> None:
        super().__init__(executor.store)
        self.executor = executor
        self.registry = registry
        self.batch_size = batch_size
        self.progress.advance(registry.checkpoint(CONSUMER))

    def step(self) -> tuple[int, bool]:
        start = self.registry.checkpoint(CONSUMER)
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
        if reached != start:
            self.registry.save_checkpoint(CONSUMER, reached)
        return reached, more
