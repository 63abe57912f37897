"""The streams decisions read, kept in memory: served without the store once read, extended
by what is appended (here or by another process), never stale once the append is heard of,
and the same as the store's own answers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import spice.application.log.cached_streams as cached
from spice.application.log.cached_streams import CachedStreams
from spice.application.ports.event_store import EventStore
from tests.contract.test_event_store import event


class Counting:
    """Counts the store's stream reads, to tell memory from the store."""

    def __init__(self, store: EventStore) -> None:
        self.reads: Counter[str] = Counter()
        for name in ("read_stream", "read_streams", "heads"):
            original = getattr(store, name)

            def counted(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
                self.reads[_name] += 1
                return _original(*args, **kw)

            setattr(store, name, counted)


def test_a_kept_stream_is_read_once_and_extended_by_appends(event_store: EventStore) -> None:
    event_store.append([event("class:d:main:C", 1)])
    streams = CachedStreams(event_store)
    counting = Counting(event_store)
    assert [e.sequence_number for e in streams.read_stream("class:d:main:C")] == [1]
    assert streams.read_stream("class:d:main:Missing") == []
    reads = sum(counting.reads.values())
    event_store.append([event("class:d:main:C", 2), event("class:d:main:Missing", 1)])
    assert [e.sequence_number for e in streams.read_stream("class:d:main:C")] == [1, 2]
    assert streams.read_stream("class:d:main:C", 2) == event_store.read_stream("class:d:main:C", 2)
    assert [e.sequence_number for e in streams.read_stream("class:d:main:Missing")] == [1]
    heads = streams.heads(["class:d:main:C", "class:d:main:Missing"])
    assert heads == event_store.heads(["class:d:main:C", "class:d:main:Missing"])
    assert sum(counting.reads.values()) - reads == 2  # the two reads of the store above


def test_other_streams_are_always_read_from_the_store(event_store: EventStore) -> None:
    streams = CachedStreams(event_store)
    counting = Counting(event_store)
    event_store.append([event("inst:d:main:C:1", 1)])
    for _ in range(2):
        assert len(streams.read_stream("inst:d:main:C:1")) == 1
    assert counting.reads["read_stream"] == 2


def test_another_process_s_append_is_seen_once_heard_of(
    two_event_stores: tuple[EventStore, EventStore],
) -> None:
    mine, other = two_event_stores
    other.append([event("db:d", 1)])
    streams = CachedStreams(mine)
    mine.head_position()
    assert len(streams.read_stream("db:d")) == 1
    other.append([event("db:d", 2)])
    mine.head_position()  # what the command worker does before each batch
    assert [e.sequence_number for e in streams.read_stream("db:d")] == [1, 2]


def test_a_tail_too_long_to_apply_starts_over_from_the_store(
    event_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "MAX_TAIL", 3)
    streams = CachedStreams(event_store)
    event_store.append([event("branch:d:b", 1)])
    assert len(streams.read_stream("branch:d:b")) == 1
    event_store.append([event("x", seq) for seq in range(1, 5)] + [event("branch:d:b", 2)])
    assert [e.sequence_number for e in streams.read_stream("branch:d:b")] == [1, 2]
    event_store.append([event("branch:d:b", 3)])
    assert [e.sequence_number for e in streams.read_stream("branch:d:b")] == [1, 2, 3]
