"""Apache Kafka transport (confluent-kafka, librdkafka).

The producer is idempotent (`enable.idempotence`, `acks=all`): the broker drops the copies
its own retries would make, and messages of one key stay in order. Consumers never commit
by themselves; the caller commits what it has finished.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

from spice.application.ports.transport import (
    Message,
    Partition,
    Revoked,
    Span,
    Subscription,
    Transport,
)
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)
PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # the characters Kafka allows in topic names


def parse_url(url: str) -> tuple[str, str]:
    """(bootstrap servers, topic prefix) of `kafka://host:port[,host:port]?prefix=name`."""
    parts = urlsplit(url)
    if parts.scheme != "kafka" or not parts.netloc:
        raise ValueError(f"bad Kafka URL {url!r} (kafka://host:port?prefix=name)")
    prefix = dict(parse_qsl(parts.query)).get("prefix", "spice")
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"bad topic prefix {prefix!r}")
    return parts.netloc, prefix


class KafkaTransport(Transport):
    """Topics on Apache Kafka: an idempotent producer, consumers in groups with manual commits
    and cooperative rebalancing; topic names carry the URL's prefix."""

    def __init__(self, url: str, session_timeout_ms: int = 10_000) -> None:
        servers, prefix = parse_url(url)
        super().__init__(prefix)
        self.servers = servers
        self.session_timeout_ms = session_timeout_ms
        self._producer: Producer | None = None
        self._lock = threading.Lock()
        self._failures: list[str] = []

    def _admin(self) -> AdminClient:
        return AdminClient({"bootstrap.servers": self.servers})

    def ensure_topics(self, topics: list[str], partitions: int) -> None:
        admin = self._admin()
        try:
            existing = set(admin.list_topics(timeout=15).topics)
        except KafkaException as exc:
            raise Unavailable(f"Kafka failed: {exc}") from exc
        missing = [NewTopic(t, num_partitions=partitions) for t in topics if t not in existing]
        for topic, future in admin.create_topics(missing).items() if missing else ():
            try:
                future.result(timeout=30)
            except KafkaException as exc:
                if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise Unavailable(f"could not create topic {topic}: {exc}") from exc

    def delete_topics(self, topics: list[str]) -> None:
        if not topics:
            return
        admin = self._admin()  # kept alive until the futures resolve
        for future in admin.delete_topics(topics).values():
            try:
                future.result(timeout=30)
            except KafkaException as exc:
                log.warning("could not delete topic: %s", exc)

    def _producer_now(self) -> Producer:
        with self._lock:
            if self._producer is None:
                self._producer = Producer(
                    {
                        "bootstrap.servers": self.servers,
                        "enable.idempotence": True,
                        "acks": "all",
                        "linger.ms": 5,
                        "compression.type": "lz4",
                        # librdkafka keeps retrying this long while the broker is away.
                        "message.timeout.ms": 600_000,
                    }
                )
            return self._producer

    def _delivered(self, err: KafkaError | None, _msg: Any) -> None:
        if err is not None:
            self._failures.append(str(err))

    def publish(
        self, topic: str, key: str, value: bytes, headers: dict[str, str] | None = None
    ) -> None:
        producer = self._producer_now()
        while True:
            try:
                producer.produce(
                    topic,
                    value=value,
                    key=key.encode(),
                    headers=list((headers or {}).items()),
                    on_delivery=self._delivered,
                )
                return
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.1)

    def flush(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        producer = self._producer_now()
        while producer.flush(1.0) > 0:
            if cancelled():
                raise Unavailable("stopped while Kafka was not acknowledging messages")
        failures, self._failures = self._failures, []
        if failures:
            raise Unavailable(f"Kafka refused {len(failures)} messages: {failures[0]}")

    def subscribe(
        self,
        group: str,
        topics: list[str],
        on_revoke: Revoked | None = None,
        member: str | None = None,
    ) -> Subscription:
        return _KafkaSubscription(self, group, topics, on_revoke, member)

    def read_to_end(self, topic: str, timeout: float = 30.0) -> list[Message]:
        # Assigned partitions, not a group: nothing waits for a rebalance, and the end of
        # each partition is read from the broker instead of guessed from an empty poll.
        consumer = Consumer(
            {
                "bootstrap.servers": self.servers,
                "group.id": "spice-reader",
                "enable.auto.commit": False,
            }
        )
        try:
            deadline = time.monotonic() + timeout
            meta = consumer.list_topics(topic, timeout=timeout)
            parts = sorted(meta.topics[topic].partitions) if topic in meta.topics else []
            ends = {p: _watermarks(consumer, topic, p, deadline)[1] for p in parts}
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
            found: list[Message] = []
            pending = {p for p, end in ends.items() if end > 0}
            while pending:
                if time.monotonic() > deadline:
                    raise Unavailable(f"could not read {topic} to its end within {timeout:g}s")
                for raw in consumer.consume(500, 0.5):
                    if raw.error() is None and raw.partition() in pending:
                        found.append(_message(raw))
                        if (raw.offset() or 0) + 1 >= ends[int(raw.partition() or 0)]:
                            pending.discard(int(raw.partition() or 0))
            return sorted(found, key=lambda m: (m.partition, m.offset))
        except KafkaException as exc:
            raise Unavailable(f"Kafka failed to read {topic}: {exc}") from exc
        finally:
            consumer.close()

    def unread(self, group: str, topic: str, timeout: float = 30.0) -> dict[Partition, Span]:
        # A consumer of the group that never subscribes: it reads the group's committed
        # offsets without joining it, so no rebalance is caused or waited for.
        consumer = Consumer(
            {"bootstrap.servers": self.servers, "group.id": group, "enable.auto.commit": False}
        )
        try:
            deadline = time.monotonic() + timeout
            meta = consumer.list_topics(topic, timeout=timeout)
            parts = sorted(meta.topics[topic].partitions) if topic in meta.topics else []
            committed = consumer.committed([TopicPartition(topic, p) for p in parts], timeout)
            spans: dict[Partition, Span] = {}
            for tp in committed:
                low, end = _watermarks(consumer, topic, tp.partition, deadline)
                first = max(low, tp.offset) if tp.offset >= 0 else low
                if end > first:
                    spans[(topic, tp.partition)] = (first, end)
            return spans
        except KafkaException as exc:
            raise Unavailable(f"Kafka failed to read the offsets of {topic}: {exc}") from exc
        finally:
            consumer.close()

    def close(self) -> None:
        if self._producer is not None:
            self._producer.flush(10)


def _watermarks(consumer: Consumer, topic: str, partition: int, deadline: float) -> Span:
    """The first offset a partition still holds and the one after its last message, asked
    again until `deadline` while the broker cannot say (a topic just made has no elected
    leader yet)."""
    while True:
        try:
            left = max(0.1, deadline - time.monotonic())
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), left)
            return int(low), int(high)
        except KafkaException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _message(raw: Any) -> Message:
    headers = {str(h[0]): _text(h[1]) for h in raw.headers() or []}
    value = raw.value() or b""
    return Message(
        str(raw.topic()),
        int(raw.partition() or 0),
        int(raw.offset() or 0),
        _text(raw.key()),
        value.encode() if isinstance(value, str) else value,
        headers,
        raw.timestamp()[1] / 1000,
    )


def _text(raw: str | bytes | None) -> str:
    if raw is None:
        return ""
    return raw.decode() if isinstance(raw, bytes) else raw


class _KafkaSubscription(Subscription):
    def __init__(
        self,
        transport: KafkaTransport,
        group: str,
        topics: list[str],
        on_revoke: Revoked | None,
        member: str | None,
    ) -> None:
        self._consumer = Consumer(
            {
                "bootstrap.servers": transport.servers,
                "group.id": group,
                # The member's name in the group, as the broker's tools list it.
                **({"client.id": member} if member else {}),
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": transport.session_timeout_ms,
                "heartbeat.interval.ms": max(transport.session_timeout_ms // 4, 500),
                "partition.assignment.strategy": "cooperative-sticky",
            }
        )
        self._on_revoke = on_revoke

        def revoked(_consumer: Any, parts: list[TopicPartition]) -> None:
            if parts:
                log.info("group %s: partitions taken away: %s", group, _named(parts))
            if self._on_revoke is not None and parts:
                self._on_revoke([(p.topic, p.partition) for p in parts])

        def assigned(_consumer: Any, parts: list[TopicPartition]) -> None:
            log.info("group %s: partitions assigned: %s", group, _named(parts) or "none")

        self._consumer.subscribe(topics, on_assign=assigned, on_revoke=revoked, on_lost=revoked)

    def poll(self, max_messages: int, timeout: float) -> list[Message]:
        # consume(n, timeout) waits until it has n messages or the time is up: wait for the
        # first only, then take what has arrived with it.
        raws = self._consumer.consume(1, timeout)
        if raws and max_messages > 1:
            raws += self._consumer.consume(max_messages - 1, 0)
        found: list[Message] = []
        for raw in raws:
            error = raw.error()
            if error is not None:
                if error.code() != KafkaError._PARTITION_EOF:
                    log.warning("Kafka consumer: %s", error)
                continue
            found.append(_message(raw))
        return found

    def commit(self, offsets: dict[Partition, int]) -> None:
        if not offsets:
            return
        parts = [TopicPartition(t, p, o) for (t, p), o in offsets.items()]
        try:
            self._consumer.commit(offsets=parts, asynchronous=False)
        except KafkaException as exc:
            # Partitions taken away by a rebalance cannot be committed; their next owner
            # reads them again (at least once) and the registry skips what was done.
            log.warning("Kafka commit failed: %s", exc)

    def assignment(self) -> list[Partition]:
        return [(p.topic, p.partition) for p in self._consumer.assignment()]

    def close(self) -> None:
        self._consumer.close()


def _named(parts: list[TopicPartition]) -> str:
    return ", ".join(f"{p.topic}[{p.partition}]" for p in parts)
