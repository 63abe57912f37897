"""The Transport contract (at-least-once, keyed order, committed offsets), on every adapter."""

from __future__ import annotations

import time

from spice.application.ports.transport import COMMANDS, Message, Subscription, Transport


def _drain(sub: Subscription, want: int, seconds: float = 20) -> list[Message]:
    got: list[Message] = []
    deadline = time.monotonic() + seconds
    while len(got) < want and time.monotonic() < deadline:
        got.extend(sub.poll(100, 0.5))
    return got


def _next_offsets(messages: list[Message]) -> dict[tuple[str, int], int]:
    offsets: dict[tuple[str, int], int] = {}
    for m in messages:
        part = (m.topic, m.partition)
        offsets[part] = max(offsets.get(part, 0), m.offset + 1)
    return offsets


def test_messages_of_one_key_arrive_in_order_with_headers(transport: Transport) -> None:
    topic = transport.topic(COMMANDS)
    for i in range(30):
        transport.publish(topic, f"agg-{i % 3}", f"{i}".encode(), {"attempt": str(i)})
    transport.flush()
    sub = transport.subscribe("g1", [topic])
    try:
        got = _drain(sub, 30)
    finally:
        sub.close()
    assert len(got) == 30
    for key in ("agg-0", "agg-1", "agg-2"):
        values = [int(m.value) for m in got if m.key == key]
        assert values == sorted(values) and len(values) == 10
    assert all(m.headers["attempt"] == m.value.decode() for m in got)
    # One key, one partition.
    assert len({m.partition for m in got if m.key == "agg-1"}) == 1


def test_uncommitted_messages_are_delivered_again(transport: Transport) -> None:
    topic = transport.topic(COMMANDS)
    for i in range(20):
        transport.publish(topic, f"k{i}", f"{i}".encode())
    transport.flush()
    first = transport.subscribe("g2", [topic])
    got = _drain(first, 20)
    # Finish the first half of each partition; commits are offsets, per partition.
    done: list[Message] = []
    for part in {m.partition for m in got}:
        in_part = [m for m in got if m.partition == part]
        done.extend(in_part[: len(in_part) // 2])
    first.commit(_next_offsets(done))
    first.close()
    second = transport.subscribe("g2", [topic])
    try:
        again = _drain(second, 20 - len(done), seconds=10)
        assert second.poll(100, 1.0) == []
    finally:
        second.close()
    assert len(got) == 20 and done
    assert sorted(m.value for m in again) == sorted(m.value for m in got if m not in done)


def test_groups_each_get_every_message(transport: Transport) -> None:
    topic = transport.topic(COMMANDS)
    for i in range(5):
        transport.publish(topic, "k", f"{i}".encode())
    transport.flush()
    for group in ("ga", "gb"):
        sub = transport.subscribe(group, [topic])
        try:
            assert [int(m.value) for m in _drain(sub, 5)] == [0, 1, 2, 3, 4]
        finally:
            sub.close()


def test_read_to_end_returns_exactly_what_was_published(transport: Transport) -> None:
    topic = transport.topic(COMMANDS)
    assert transport.read_to_end(topic) == []
    for i in range(25):
        transport.publish(topic, f"agg-{i % 5}", f"{i}".encode())
    transport.flush()
    got = transport.read_to_end(topic)
    assert sorted(int(m.value) for m in got) == list(range(25))
    assert got == sorted(got, key=lambda m: (m.partition, m.offset))
    transport.publish(topic, "agg-0", b"late")
    transport.flush()
    assert len(transport.read_to_end(topic)) == 26


def test_unread_spans_what_a_group_has_not_committed(transport: Transport) -> None:
    topic = transport.topic(COMMANDS)
    assert transport.unread("gu", topic) == {}
    for i in range(12):
        transport.publish(topic, f"agg-{i % 4}", f"{i}".encode())
    transport.flush()
    published = transport.read_to_end(topic)
    ends = _next_offsets(published)
    assert transport.unread("gu", topic) == {part: (0, end) for part, end in ends.items()}
    sub = transport.subscribe("gu", [topic])
    try:
        got = _drain(sub, 12)
        first = got[0]
        sub.commit({(first.topic, first.partition): first.offset + 1})
    finally:
        sub.close()
    spans = transport.unread("gu", topic)
    part = (first.topic, first.partition)
    expected = {p: (0, end) for p, end in ends.items()} | {part: (first.offset + 1, ends[part])}
    assert spans == {p: span for p, span in expected.items() if span[0] < span[1]}
    assert transport.unread("other", topic) == {p: (0, end) for p, end in ends.items()}
