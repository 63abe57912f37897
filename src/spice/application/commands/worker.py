"""The in-process command worker: follows accepted commands in the log and runs them."""

from __future__ import annotations

from spice.application.commands.executor import CommandExecutor
from spice.application.delivery.follower import LogFollower
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.domain.envelope import AggregateType
from spice.domain.events import CommandAccepted

CONSUMER = "command-worker"


class CommandWorker(LogFollower):
    """At-least-once over the log; the executor makes a second run of a command a no-op."""

    name = "command-worker"

    def __init__(
        self, executor: CommandExecutor, registry: ConsumerRegistry, batch_size: int = 100
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
        for envelope in batch:
            if envelope.event_type == CommandAccepted.event_type:
                self.executor.execute(envelope)
            self.registry.save_checkpoint(CONSUMER, envelope.position)
            self.progress.advance(envelope.position)
        if len(batch) < self.batch_size:
            # Nothing else of ours up to the head we looked at before reading.
            reached = max(head, batch[-1].position if batch else start)
            self.registry.save_checkpoint(CONSUMER, reached)
            return reached, False
        return batch[-1].position, True
