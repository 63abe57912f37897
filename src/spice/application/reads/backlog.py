"""What waits to be done, for the metrics: commands accepted and not run yet (from the log),
and in the distributed profile the messages the command workers have not committed on the
commands topics (consumer lag) and the dead letters not replayed yet."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spice.application.delivery.dead_letters import REPLAYER
from spice.application.delivery.remote_progress import PendingCommands
from spice.application.delivery.transport_consumer import COMMAND_WORKERS
from spice.application.ports.event_store import EventStore
from spice.application.ports.transport import COMMANDS, EVENTS, Transport, dlq_topic, retry_topic
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)
KAFKA_TIMEOUT = 5.0  # seconds a scrape waits for the broker


@dataclass
class Backlog:
    events: EventStore
    pending: PendingCommands
    transport: Transport | None = None

    def commands_waiting(self) -> int:
        return self.pending.count_waiting(self.events.head_position())

    def consumer_lag(self) -> dict[str, int]:
        """Messages of the commands topics the command workers have not committed."""
        if self.transport is None:
            return {}
        commands = self.transport.topic(COMMANDS)
        counts: dict[str, int] = {}
        for topic in (commands, retry_topic(commands)):
            counts |= self._unread(self.transport.group(COMMAND_WORKERS, topic), [topic])
        return counts

    def dead_letters(self) -> dict[str, int]:
        """Dead letters of each topic not replayed yet (`spice dlq replay`)."""
        if self.transport is None:
            return {}
        group = f"{self.transport.prefix}.{REPLAYER}"
        topics = [dlq_topic(self.transport.topic(name)) for name in (COMMANDS, EVENTS)]
        return self._unread(group, topics)

    def _unread(self, group: str, topics: list[str]) -> dict[str, int]:
        assert self.transport is not None
        counts: dict[str, int] = {}
        for topic in topics:
            try:
                spans = self.transport.unread(group, topic, KAFKA_TIMEOUT)
            except Unavailable as exc:
                log.warning("metrics: %s of %s unknown: %s", group, topic, exc.message)
                continue
            counts[topic] = sum(end - first for first, end in spans.values())
        return counts
