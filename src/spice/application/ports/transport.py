"""The transport port: keyed, partitioned topics with consumer groups (Kafka in production).

Delivery is at least once: a message is delivered again until its group commits past it.
Messages with one key keep their order (they share a partition).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

Partition = tuple[str, int]  # (topic, partition)
Revoked = Callable[[list[Partition]], None]
Span = tuple[int, int]  # offsets [first, end) of a partition

# Topics of the command pipeline, under the transport's prefix.
COMMANDS = "commands"
EVENTS = "events"


def retry_topic(topic: str) -> str:
    return f"{topic}.retry"


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


@dataclass(frozen=True)
class Message:
    """A message read from a topic, with its partition, offset, key and headers."""

    topic: str
    partition: int
    offset: int
    key: str
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)
    timestamp: float = 0.0  # when the producer sent it (epoch seconds)


class Subscription(ABC):
    """One member of a consumer group. Offsets are committed by the caller, never by itself."""

    @abstractmethod
    def poll(self, max_messages: int, timeout: float) -> list[Message]:
        """Up to `max_messages` messages, waiting at most `timeout` seconds for the first."""

    @abstractmethod
    def commit(self, offsets: dict[Partition, int]) -> None:
        """Commit, per partition, the offset of the next message to read."""

    @abstractmethod
    def assignment(self) -> list[Partition]:
        """The partitions the group gives this member now."""

    @abstractmethod
    def close(self) -> None: ...


class Transport(ABC):
    """Producer and consumer groups over topics named `<prefix>.<name>`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def topic(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def pipeline_topics(self) -> list[str]:
        """Every topic the command pipeline uses, with its retry and dead-letter topics."""
        names = [self.topic(COMMANDS), self.topic(EVENTS)]
        return [*names, *map(retry_topic, names), *map(dlq_topic, names)]

    @abstractmethod
    def ensure_topics(self, topics: list[str], partitions: int) -> None:
        """Create the topics that do not exist yet."""

    @abstractmethod
    def publish(
        self, topic: str, key: str, value: bytes, headers: dict[str, str] | None = None
    ) -> None:
        """Queue a message; `flush` waits until everything queued is stored by the broker."""

    @abstractmethod
    def flush(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Wait until every queued message is acknowledged, however long the broker is away
        (or until `cancelled()`); raises `Unavailable` if a message was refused for good."""

    def group(self, handler: str, topic: str) -> str:
        """The consumer group of `handler` on `topic`. Each topic has a group of its own: a
        group over several topics balances their partitions together, so one worker could
        get every partition of the commands topic and another every partition of its retry
        topic. The main topic keeps the group name it always had (`<prefix>.<handler>`)."""
        retry = retry_topic("")
        return f"{self.prefix}.{handler}{retry if topic.endswith(retry) else ''}"

    @abstractmethod
    def subscribe(
        self,
        group: str,
        topics: list[str],
        on_revoke: Revoked | None = None,
        member: str | None = None,
    ) -> Subscription:
        """Join `group` on `topics`; `on_revoke` hears partitions taken away by a rebalance.
        `member` names this member to the broker (a worker's id: what its tools show)."""

    @abstractmethod
    def read_to_end(self, topic: str, timeout: float = 30.0) -> list[Message]:
        """Every message of `topic` up to the end it has when called, in (partition, offset)
        order, read outside any consumer group (audits, tests); `Unavailable` when the end is
        not reached within `timeout`."""

    @abstractmethod
    def unread(self, group: str, topic: str, timeout: float = 30.0) -> dict[Partition, Span]:
        """Per partition of `topic` holding messages `group` has not committed, the offsets
        [next to read, end) as the broker reports them now; `Unavailable` past `timeout`."""

    @abstractmethod
    def delete_topics(self, topics: list[str]) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
