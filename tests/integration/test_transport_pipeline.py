"""The relay and the transport consumer: delivery, duplicates, stale events, retries that do not
hold up a partition, the DLQ and its replay, leases left by dead workers. Each test runs on
the in-memory adapters and on Kafka with the PostgreSQL consumer registry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.adapters.distributed.postgres_event_store import PostgresEventStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.adapters.memory.transport import InMemoryTransport
from spice.application.delivery import dead_letters
from spice.application.delivery.relay import RELAY, Relay
from spice.application.delivery.transport_consumer import ATTEMPT, TransportConsumer
from spice.application.log.serialization import envelope_from_bytes, envelope_to_bytes
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.transport import (
    COMMANDS,
    EVENTS,
    Message,
    Transport,
    dlq_topic,
    retry_topic,
)
from spice.domain.envelope import EventEnvelope
from tests.clock import ManualClock
from tests.services import consumer_registry, kafka_prefix_url, postgres_pool


def _event(aggregate: str, seq: int, event_id: str | None = None) -> EventEnvelope:
    return EventEnvelope(
        event_id=event_id or f"{aggregate}-{seq}",
        event_type="Thing",
        aggregate_type="Thing",
        aggregate_id=aggregate,
        sequence_number=seq,
        occurred_at="2026-01-01T00:00:00Z",
        actor="t",
        data={"n": seq},
    )


@pytest.fixture(params=["memory", "kafka"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.fixture
def transport(backend: str) -> Iterator[Transport]:
    t: Transport = (
        InMemoryTransport()
        if backend == "memory"
        else KafkaTransport(kafka_prefix_url(), session_timeout_ms=6000)
    )
    t.ensure_topics(t.pipeline_topics(), 4)
    yield t
    if isinstance(t, KafkaTransport):
        t.delete_topics(t.pipeline_topics())
    t.close()


@pytest.fixture
def registry(backend: str) -> Iterator[ConsumerRegistry]:
    with consumer_registry(backend) as made:
        yield made


def published(transport: Transport, topic: str) -> list[Message]:
    """Everything on `topic`, read to the end each partition has now."""
    return transport.read_to_end(topic)


class Running:
    """A consumer on its own thread, stopped at the end of the test."""

    def __init__(self, consumer: TransportConsumer) -> None:
        self.consumer = consumer
        self.thread = threading.Thread(target=consumer.run, kwargs={"poll": 0.05}, daemon=True)
        self.thread.start()

    def until(self, check: Callable[[], bool], seconds: float = 10) -> None:
        _until(check, seconds)

    def stop(self) -> None:
        self.consumer.stop()
        self.thread.join(5)


Start = Callable[[TransportConsumer], Running]


@pytest.fixture
def run() -> Iterator[Start]:
    started: list[Running] = []

    def start(consumer: TransportConsumer) -> Running:
        started.append(Running(consumer))
        return started[-1]

    yield start
    for r in started:
        r.stop()


def _consumer(
    transport: Transport,
    registry: ConsumerRegistry,
    handle: Callable[[EventEnvelope], object],
    **options: object,
) -> TransportConsumer:
    settings: dict[str, Any] = {"backoff": 0.05, "max_attempts": 3, **options}
    return TransportConsumer(
        transport,
        registry,
        "h",
        transport.topic(EVENTS),
        handle,
        "me",
        **settings,
    )


@pytest.fixture
def store(backend: str) -> Iterator[EventStore]:
    """The log the relay reads: in memory, or on PostgreSQL next to Kafka."""
    if backend == "memory":
        yield InMemoryEventStore()
        return
    with postgres_pool() as pool:
        made = PostgresEventStore(pool)
        yield made
        made.close()


def test_relay_publishes_the_log_in_order_and_resumes_from_its_checkpoint(
    transport: Transport, registry: ConsumerRegistry, store: EventStore
) -> None:
    store.append([_event("a", 1), _event("a", 2), _event("b", 1)])
    relay = Relay(store, registry, transport, batch_size=2)
    assert relay.run_until_caught_up() == 3
    store.append([_event("a", 3)])
    Relay(store, registry, transport).run_until_caught_up()  # a new relay, same checkpoint
    sent = published(transport, transport.topic(EVENTS))
    assert sorted(m.value for m in sent) == sorted(
        envelope_to_bytes(e) for e in store.read_all(0, 10)
    )
    of_a = [envelope_from_bytes(m.value).sequence_number for m in sent if m.key == "a"]
    assert of_a == [1, 2, 3]
    assert registry.checkpoint(RELAY) == 4
    # A relay with no checkpoint starts from the start of the log, not from now.
    fresh = InMemoryTransport()
    fresh.ensure_topics(fresh.pipeline_topics(), 4)
    Relay(store, InMemoryConsumerRegistry(), fresh).run_until_caught_up()
    assert len(fresh.read_to_end(fresh.topic(EVENTS))) == 4
    assert fresh.read_to_end(fresh.topic(COMMANDS)) == []


def test_the_same_event_delivered_twice_has_one_effect(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    effects = list[Any]()
    consumer = _consumer(transport, registry, effects.append)
    topic = transport.topic(EVENTS)
    for _ in range(2):
        transport.publish(topic, "a", envelope_to_bytes(_event("a", 1)))
    transport.publish(topic, "b", envelope_to_bytes(_event("b", 1)))
    r = run(consumer)
    r.until(lambda: consumer.stats.handled + consumer.stats.skipped == 3)
    assert sorted(e.event_id for e in effects) == ["a-1", "b-1"]
    assert consumer.stats.skipped == 1


def test_an_older_event_delivered_late_is_stale(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    effects = list[Any]()
    consumer = _consumer(transport, registry, effects.append, version_guard=True)
    topic = transport.topic(EVENTS)
    for seq in (1, 3, 2):
        transport.publish(topic, "a", envelope_to_bytes(_event("a", seq)))
    r = run(consumer)
    r.until(lambda: consumer.stats.handled + consumer.stats.skipped == 3)
    assert [e.sequence_number for e in effects] == [1, 3]
    assert registry.aggregate_version("h", "a") == 3


def test_a_failure_is_retried_later_without_holding_up_its_partition(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    effects, failures = list[str](), list[str]()

    def flaky(event: EventEnvelope) -> None:
        if event.event_id == "a-1" and len(failures) < 2:
            failures.append(event.event_id)
            raise RuntimeError("store away")
        effects.append(event.event_id)

    consumer = _consumer(transport, registry, flaky, backoff=0.2)
    topic = transport.topic(EVENTS)
    transport.publish(topic, "a", envelope_to_bytes(_event("a", 1)))
    transport.publish(topic, "a", envelope_to_bytes(_event("a", 2)))  # same partition
    r = run(consumer)
    r.until(lambda: "a-1" in effects)
    assert effects == ["a-2", "a-1"]  # the second did not wait for the first's retries
    retries = published(transport, retry_topic(topic))
    assert [m.headers[ATTEMPT] for m in retries] == ["1", "2"]
    assert published(transport, dlq_topic(topic)) == []


def test_a_poison_message_goes_to_the_dlq_and_can_be_replayed(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    effects = list[Any]()
    healthy = threading.Event()

    def handle(event: EventEnvelope) -> None:
        if event.event_id == "bad-1" and not healthy.is_set():
            raise ValueError("cannot handle this")
        effects.append(event.event_id)

    consumer = _consumer(transport, registry, handle)
    topic = transport.topic(EVENTS)
    transport.publish(topic, "bad", envelope_to_bytes(_event("bad", 1)))
    transport.publish(topic, "x", b"not json")
    transport.publish(topic, "ok", envelope_to_bytes(_event("ok", 1)))
    r = run(consumer)
    r.until(lambda: consumer.stats.dead_lettered == 2)
    assert effects == ["ok-1"]
    letters = dead_letters.replay(transport, topic, dry_run=True)
    assert sorted(letter.key for letter in letters) == ["bad", "x"]
    assert any("cannot handle this" in letter.error for letter in letters)
    healthy.set()  # the bug is fixed: replay
    assert len(dead_letters.replay(transport, topic)) == 2
    r.until(lambda: "bad-1" in effects)
    r.until(lambda: consumer.stats.dead_lettered == 3)  # the undecodable one, again
    assert len(published(transport, dlq_topic(topic))) == 3
    assert dead_letters.replay(transport, topic, dry_run=True)[-1].key == "x"
    assert effects.count("bad-1") == 1


def test_an_event_leased_by_a_dead_worker_waits_for_the_lease_then_is_handled(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    clock = ManualClock()
    registry.clock = clock  # leases run out only when the test says so
    effects = list[Any]()
    registry.claim("h", "a-1", "dead-worker", lease_seconds=30.0)  # claimed, never completed
    consumer = _consumer(transport, registry, effects.append, lease_seconds=0.4)
    transport.publish(transport.topic(EVENTS), "a", envelope_to_bytes(_event("a", 1)))
    r = run(consumer)
    r.until(lambda: consumer.stats.retried >= 2)  # looked twice: still leased
    assert effects == []
    clock.now += 30.1
    r.until(lambda: effects == [_event("a", 1)], seconds=10)
    assert consumer.stats.dead_lettered == 0


def test_an_event_that_keeps_killing_its_worker_goes_to_the_dlq(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    effects = list[Any]()
    for _ in range(3):  # three workers died holding it
        registry.claim("h", "a-1", "dead", lease_seconds=0)
    consumer = _consumer(transport, registry, effects.append)
    transport.publish(transport.topic(EVENTS), "a", envelope_to_bytes(_event("a", 1)))
    r = run(consumer)
    r.until(lambda: consumer.stats.dead_lettered == 1)
    assert effects == []


def test_a_leader_that_lost_its_lease_runs_again_when_it_gets_it_back() -> None:
    from spice.application.delivery.leader import LEADERS, run_as_leader

    store, registry = InMemoryEventStore(), InMemoryConsumerRegistry()
    clock = ManualClock()
    registry.clock = clock  # b's lease runs out only when the test says so
    transport = InMemoryTransport()
    transport.ensure_topics(transport.pipeline_topics(), 4)
    relay = Relay(store, registry, transport)
    stopped = threading.Event()
    leader = threading.Thread(
        target=run_as_leader, args=(registry, "relay", "a", relay, stopped, 0.3), daemon=True
    )
    leader.start()
    try:
        store.append([_event("a", 1)])
        _until(lambda: registry.checkpoint(RELAY) == 1)
        registry.release(LEADERS, "relay", "a", forget=True)
        registry.claim(LEADERS, "relay", "b", lease_seconds=0.3)  # b takes over, then dies
        _until(lambda: not relay.running)  # a's next heartbeat found the lease lost
        store.append([_event("a", 2)])
        time.sleep(0.5)  # a asks for the lease more than once meanwhile
        assert registry.checkpoint(RELAY) == 1  # a stood by while b held it
        clock.now += 0.31
        _until(lambda: registry.checkpoint(RELAY) == 2)  # a is active again
    finally:
        stopped.set()
        leader.join(5)


def _until(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_a_batch_is_claimed_handled_and_completed_together(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    batches: list[list[str]] = []
    consumer = _consumer(
        transport,
        registry,
        lambda _e: pytest.fail("handled alone"),
        handle_batch=lambda envelopes: batches.append([e.event_id for e in envelopes]),
    )
    topic = transport.topic(EVENTS)
    for seq in range(1, 6):
        transport.publish(topic, "a", envelope_to_bytes(_event("a", seq)))
    transport.publish(topic, "a", envelope_to_bytes(_event("a", 1)))  # delivered again
    transport.flush()
    r = run(consumer)
    r.until(lambda: consumer.stats.handled + consumer.stats.skipped == 6)
    handled = [event_id for batch in batches for event_id in batch]
    assert handled == [f"a-{seq}" for seq in range(1, 6)]  # in order, once each
    assert len(batches) < 5  # together
    assert all(registry.is_processed("h", event_id) for event_id in handled)


def test_a_failed_batch_retries_each_of_its_messages(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    batches: list[list[str]] = []

    def flaky(envelopes: list[EventEnvelope]) -> None:
        batches.append([e.event_id for e in envelopes])
        if len(batches) == 1:
            raise RuntimeError("store away")

    alone: list[str] = []
    consumer = _consumer(
        transport, registry, lambda e: alone.append(e.event_id), handle_batch=flaky, backoff=0.1
    )
    topic = transport.topic(EVENTS)
    for key in ("a", "b"):
        transport.publish(topic, key, envelope_to_bytes(_event(key, 1)))
    transport.flush()
    r = run(consumer)
    r.until(lambda: consumer.stats.handled == 2)
    failed = batches[0]  # both, or only the first if the second had not arrived yet
    assert consumer.stats.retried == len(failed) >= 1
    assert sorted(alone) == sorted(failed)  # a retry runs alone
    assert sorted([*alone, *(e for batch in batches[1:] for e in batch)]) == ["a-1", "b-1"]
    retried = published(transport, retry_topic(topic))
    assert [m.headers[ATTEMPT] for m in retried] == ["1"] * len(failed)
    assert sorted(envelope_from_bytes(m.value).event_id for m in retried) == sorted(failed)


def test_workers_share_the_commands_topic_and_its_retry_topic_each() -> None:
    """Each topic has a consumer group of its own, so two workers get half of each; in one
    group over both topics, one worker could get all of one topic and the other all of the
    other."""
    transport = KafkaTransport(kafka_prefix_url(), session_timeout_ms=6000)
    transport.ensure_topics(transport.pipeline_topics(), 8)
    registry = InMemoryConsumerRegistry()
    commands = transport.topic(COMMANDS)
    workers = [
        TransportConsumer(transport, registry, "w", commands, lambda _e: None, owner)
        for owner in ("w1", "w2")
    ]
    threads = [threading.Thread(target=w.run, kwargs={"poll": 0.05}) for w in workers]
    for thread in threads:
        thread.start()

    def shares() -> list[tuple[int, int]]:
        return [
            (
                sum(topic == commands for topic, _ in w.assignment()),
                sum(topic == retry_topic(commands) for topic, _ in w.assignment()),
            )
            for w in workers
        ]

    try:
        _until(lambda: shares() == [(4, 4), (4, 4)], 90)
    finally:
        for w in workers:
            w.stop()
        for thread in threads:
            thread.join(30)
        transport.delete_topics(transport.pipeline_topics())
        transport.close()


def test_a_message_claimed_before_runs_alone_not_in_a_batch(
    transport: Transport, registry: ConsumerRegistry, run: Start
) -> None:
    """A worker died while its batch held a-1 (claimed, never completed): a-1 may be what
    killed it, so it runs alone and cannot take a-2 down with it."""
    registry.claim("h", "a-1", "me", lease_seconds=30.0)
    alone: list[str] = []
    batches: list[list[str]] = []
    consumer = _consumer(
        transport,
        registry,
        lambda e: alone.append(e.event_id),
        handle_batch=lambda envelopes: batches.append([e.event_id for e in envelopes]),
    )
    topic = transport.topic(EVENTS)
    for seq in (1, 2):
        transport.publish(topic, "a", envelope_to_bytes(_event("a", seq)))
    transport.flush()
    r = run(consumer)
    r.until(lambda: consumer.stats.handled == 2)
    assert alone == ["a-1"]
    assert batches == [["a-2"]]
