"""What the metrics count as waiting, on every transport: messages of the commands topics
the command workers' group has not committed, and dead letters not replayed yet."""

from __future__ import annotations

from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.delivery.remote_progress import PendingCommands
from spice.application.delivery.transport_consumer import COMMAND_WORKERS
from spice.application.ports.transport import COMMANDS, EVENTS, Transport, dlq_topic, retry_topic
from spice.application.reads.backlog import Backlog


def test_the_command_workers_lag_and_the_dead_letters(transport: Transport) -> None:
    events = InMemoryEventStore()
    backlog = Backlog(events, PendingCommands(events), transport)
    commands = transport.topic(COMMANDS)
    for i in range(3):
        transport.publish(commands, f"c{i}", b"{}")
    transport.publish(dlq_topic(commands), "c9", b"{}")
    transport.flush()
    assert backlog.consumer_lag() == {commands: 3, retry_topic(commands): 0}
    dead = {dlq_topic(commands): 1, dlq_topic(transport.topic(EVENTS)): 0}
    assert backlog.dead_letters() == dead
    workers = transport.subscribe(f"{transport.prefix}.{COMMAND_WORKERS}", [commands])
    try:
        got: list = []
        for _ in range(30):  # a new group may wait for its partitions a few seconds
            got += workers.poll(10, 1.0)
            if len(got) == 3:
                break
        workers.commit({(m.topic, m.partition): m.offset + 1 for m in got})
    finally:
        workers.close()
    assert backlog.consumer_lag() == {commands: 0, retry_topic(commands): 0}
    assert backlog.commands_waiting() == 0
    assert Backlog(events, PendingCommands(events)).consumer_lag() == {}  # no transport
