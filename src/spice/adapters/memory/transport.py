"""In-memory transport, for unit tests: partitioned topics and one member per group."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable

from spice.application.ports.transport import (
    Message,
    Partition,
    Revoked,
    Span,
    Subscription,
    Transport,
)


class InMemoryTransport(Transport):
    """Messages stay in memory; every subscription of a group gets all partitions."""

    def __init__(self, prefix: str = "spice", partitions: int = 4) -> None:
        super().__init__(prefix)
        self.partitions = partitions
        self._topics: dict[str, list[list[Message]]] = {}
        self._committed: dict[tuple[str, Partition], int] = {}
        self._changed = threading.Condition()

    def ensure_topics(self, topics: list[str], partitions: int) -> None:
        with self._changed:
            for topic in topics:
                self._topics.setdefault(topic, [[] for _ in range(partitions)])

    def publish(
        self, topic: str, key: str, value: bytes, headers: dict[str, str] | None = None
    ) -> None:
        with self._changed:
            if topic not in self._topics:
                raise KeyError(f"unknown topic {topic!r}")
            parts = self._topics[topic]
            index = zlib.crc32(key.encode()) % len(parts)
            log = parts[index]
            message = Message(topic, index, len(log), key, value, dict(headers or {}), time.time())
            log.append(message)
            self._changed.notify_all()

    def flush(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        return None

    def read_to_end(self, topic: str, timeout: float = 30.0) -> list[Message]:
        with self._changed:
            return [m for part in self._topics.get(topic, []) for m in part]

    def subscribe(
        self,
        group: str,
        topics: list[str],
        on_revoke: Revoked | None = None,
        member: str | None = None,
    ) -> Subscription:
        return _MemorySubscription(self, group, topics)

    def unread(self, group: str, topic: str, timeout: float = 30.0) -> dict[Partition, Span]:
        with self._changed:
            spans = {
                (topic, p): (self._committed.get((group, (topic, p)), 0), len(log))
                for p, log in enumerate(self._topics.get(topic, []))
            }
        return {part: span for part, span in spans.items() if span[1] > span[0]}

    def delete_topics(self, topics: list[str]) -> None:
        with self._changed:
            for topic in topics:
                self._topics.pop(topic, None)


class _MemorySubscription(Subscription):
    def __init__(self, transport: InMemoryTransport, group: str, topics: list[str]) -> None:
        self.t = transport
        self.group = group
        self.topics = topics
        with transport._changed:
            self._next = {
                (topic, p): transport._committed.get((group, (topic, p)), 0)
                for topic in topics
                for p in range(len(transport._topics[topic]))
            }

    def _take(self, max_messages: int) -> list[Message]:
        taken: list[Message] = []
        for (topic, p), offset in self._next.items():
            log = self.t._topics[topic][p]
            batch = log[offset : offset + max_messages - len(taken)]
            taken.extend(batch)
            self._next[(topic, p)] = offset + len(batch)
        return taken

    def poll(self, max_messages: int, timeout: float) -> list[Message]:
        with self.t._changed:
            taken = self._take(max_messages)
            if not taken:
                self.t._changed.wait(timeout)
                taken = self._take(max_messages)
            return taken

    def commit(self, offsets: dict[Partition, int]) -> None:
        with self.t._changed:
            for part, offset in offsets.items():
                key = (self.group, part)
                self.t._committed[key] = max(offset, self.t._committed.get(key, 0))

    def assignment(self) -> list[Partition]:
        return list(self._next)  # one member has every partition

    def close(self) -> None:
        return None
