"""The relay: every envelope of the log, in log order, onto the transport.

Accepted commands go to the commands topic, keyed by database, branch, class and instance,
so the commands on one instance run in the order they were accepted while the commands on
the many instances of one class spread over the partitions (and the workers). A command
that depends on another still in flight (an instance of a class being created, a link to an
instance being created) is accepted only once that one has run: the API's precheck waits
for the commands in flight before it refuses. Everything else goes to the events topic
keyed by aggregate id. The checkpoint moves only after the broker acknowledged
the batch, so a relay that dies publishes its last batch again (consumers skip duplicates)
and a new relay starts from the checkpoint, or from the start of the log, never "from now".
"""

from __future__ import annotations

from spice.application.delivery.follower import LogFollower
from spice.application.log.serialization import envelope_to_bytes
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.transport import COMMANDS, EVENTS, Transport
from spice.domain.commands import CreateInstance
from spice.domain.envelope import EventEnvelope
from spice.domain.events import CommandAccepted

RELAY = "relay"
POSITION = "spice-position"


def command_key(envelope: EventEnvelope) -> str:
    """The partition key of an accepted command: its database, branch, class and instance.
    A create that names no instance (its id comes from the primary key or the command) is
    keyed by its command: creates of one id from two clients may then run side by side,
    and the instance stream's sequence lets one of them win, as it does in one process."""
    data = envelope.data
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    instance = (payload or {}).get("instance_id")
    if instance is None and data.get("command_type") == CreateInstance.command_type:
        instance = envelope.aggregate_id
    parts = (data.get("database"), data.get("branch"), (payload or {}).get("class_id"), instance)
    return "/".join(str(p) for p in parts if p) or "system"


class Relay(LogFollower):
    """Publishes the log to the transport in order, from its checkpoint: accepted commands to
    the commands topic (keyed by command), events to the events topic (keyed by aggregate)."""

    name = "relay"

    def __init__(
        self,
        store: EventStore,
        registry: ConsumerRegistry,
        transport: Transport,
        batch_size: int = 500,
    ) -> None:
        super().__init__(store)
        self.registry = registry
        self.transport = transport
        self.batch_size = batch_size
        self.commands = transport.topic(COMMANDS)
        self.events = transport.topic(EVENTS)
        self.progress.advance(registry.checkpoint(RELAY))

    def step(self) -> tuple[int, bool]:
        start = self.registry.checkpoint(RELAY)
        batch = self.store.read_all(start, self.batch_size)
        if not batch:
            return start, False
        for envelope in batch:
            if envelope.event_type == CommandAccepted.event_type:
                topic, key = self.commands, command_key(envelope)
            else:
                topic, key = self.events, envelope.aggregate_id
            headers = {POSITION: str(envelope.position), "event_type": envelope.event_type}
            self.transport.publish(topic, key, envelope_to_bytes(envelope), headers)
        self.transport.flush(self._stop.is_set)
        self.registry.save_checkpoint(RELAY, batch[-1].position)
        return batch[-1].position, len(batch) == self.batch_size
