"""The EventStore contract, run against every adapter."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pytest

from spice.application.commands.ids import new_id
from spice.application.log.group_commit import Grouped
from spice.application.log.serialization import GENESIS_HASH, event_hash, utc_now
from spice.application.log.verification import verify_log
from spice.application.ports.event_store import EventStore
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict
from tests.at_once import at_once


def event(aggregate_id: str, seq: int, aggregate_type: str = "Thing", **data: Any) -> EventEnvelope:
    return EventEnvelope(
        event_id=new_id(),
        event_type="ThingChanged",
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        sequence_number=seq,
        occurred_at=utc_now(),
        actor="tester",
        data={"seq": seq, **data},
        metadata={"database": "db1"},
    )


def stream(aggregate_id: str, count: int, start: int = 1) -> list[EventEnvelope]:
    return [event(aggregate_id, seq) for seq in range(start, start + count)]


# --- append ---------------------------------------------------------------------------------


def test_append_one_event(event_store: EventStore) -> None:
    e = event("a", 1)
    [stored] = event_store.append([e])
    assert stored.position == 1
    assert stored.same_fact(e)
    assert event_store.head_position() == 1
    assert event_store.read_stream("a") == [stored]


def test_append_many_events_in_one_batch(event_store: EventStore) -> None:
    batch = [event("a", 1), event("b", 1), event("a", 2)]
    stored = event_store.append(batch)
    assert [s.position for s in stored] == [1, 2, 3]
    assert all(s.same_fact(e) for s, e in zip(stored, batch, strict=True))
    assert event_store.read_all() == stored


def test_positions_have_no_gaps_across_batches(event_store: EventStore) -> None:
    event_store.append(stream("a", 2))
    event_store.append([event("b", 1)])
    event_store.append([event("a", 3)])
    assert [e.position for e in event_store.read_all()] == [1, 2, 3, 4]
    assert event_store.head_position() == 4


def test_batch_with_one_conflict_writes_nothing(event_store: EventStore) -> None:
    event_store.append([event("a", 1)])
    batch = [event("b", 1), event("c", 1), event("a", 1)]  # a/1 is taken
    with pytest.raises(ConcurrencyConflict):
        event_store.append(batch)
    assert event_store.head_position() == 1
    assert all(event_store.get_event(e.event_id) is None for e in batch)
    assert event_store.read_stream("b") == []


def test_appended_groups_commit_together_and_a_conflicting_group_fails_alone(
    event_store: EventStore,
) -> None:
    event_store.append([event("a", 1)])
    groups = [[event("b", 1), event("b", 2)], [event("a", 1)], [event("a", 2)], [event("c", 1)]]
    answers = event_store.append_groups(groups)
    assert isinstance(answers[1], ConcurrencyConflict)
    assert answers[1].details == {"aggregate_id": "a", "expected_seq": 0, "actual_seq": 1}
    stored = [a for a in answers if isinstance(a, list)]
    assert [[e.position for e in group] for group in stored] == [[2, 3], [4], [5]]
    assert event_store.read_all(1) == [e for group in stored for e in group]
    count, problems, _ = verify_log(event_store)
    assert (count, problems) == (5, [])


def test_appended_groups_that_repeat_stored_events_answer_as_append_would(
    event_store: EventStore,
) -> None:
    [first] = event_store.append([event("a", 1)])
    reused = dataclasses.replace(event("z", 1), event_id=first.event_id)
    answers = event_store.append_groups([[first], [event("b", 1)], [reused]])
    assert answers[0] == [first]  # the same fact again: a no-op returning it
    assert isinstance(answers[1], list) and answers[1][0].position == 2
    assert isinstance(answers[2], IdempotencyConflict)
    assert event_store.head_position() == 2


@pytest.mark.parametrize(
    ("seq", "expected_seq"),
    [(2, 1), (1, 0), (4, 3)],  # taken, taken, non-contiguous
)
def test_occ_conflict_reports_actual_sequence(
    event_store: EventStore, seq: int, expected_seq: int
) -> None:
    event_store.append(stream("a", 2))
    with pytest.raises(ConcurrencyConflict) as info:
        event_store.append([event("a", seq)])
    assert info.value.aggregate_id == "a"
    assert info.value.actual_seq == 2
    assert info.value.expected_seq == expected_seq
    assert event_store.head_position() == 2


def test_new_stream_must_start_at_one(event_store: EventStore) -> None:
    with pytest.raises(ConcurrencyConflict) as info:
        event_store.append([event("a", 2)])
    assert info.value.actual_seq == 0
    assert event_store.head_position() == 0


def test_a_branch_stream_continues_its_parents_sequence_and_main_does_not(
    event_store: EventStore,
) -> None:
    def on(branch: str, seq: int) -> EventEnvelope:
        return dataclasses.replace(
            event(f"inst:db1:{branch}:A:a1", seq), metadata={"database": "db1", "branch": branch}
        )

    with pytest.raises(ConcurrencyConflict):
        event_store.append([on("main", 3)])
    (first,) = event_store.append([on("feature/x", 3)])
    assert first.sequence_number == 3
    with pytest.raises(ConcurrencyConflict):
        event_store.append([on("feature/x", 3)])
    with pytest.raises(ConcurrencyConflict):
        event_store.append([on("feature/x", 5)])
    event_store.append([on("feature/x", 4)])
    assert [e.sequence_number for e in event_store.read_stream("inst:db1:feature/x:A:a1")] == [
        3,
        4,
    ]


def test_heads_and_stream_ids_as_of_a_position(event_store: EventStore) -> None:
    event_store.append(stream("s:a", 2))  # positions 1, 2
    event_store.append(stream("s:b", 1))  # position 3
    assert event_store.heads(["s:a", "s:b"], until_position=1)["s:a"].sequence_number == 1
    assert "s:b" not in event_store.heads(["s:a", "s:b"], until_position=2)
    assert event_store.stream_ids("s:", until_position=2) == ["s:a"]
    assert event_store.stream_ids("s:") == ["s:a", "s:b"]


def test_non_contiguous_within_one_batch_conflicts(event_store: EventStore) -> None:
    with pytest.raises(ConcurrencyConflict) as info:
        event_store.append([event("a", 1), event("a", 3)])
    assert info.value.actual_seq == 1
    assert event_store.head_position() == 0


def test_reappending_the_same_events_is_a_no_op(event_store: EventStore) -> None:
    batch = [event("a", 1), event("a", 2)]
    first = event_store.append(batch)
    event_store.append([event("b", 1)])
    again = event_store.append(batch)
    assert again == first
    assert [e.position for e in again] == [1, 2]
    assert event_store.head_position() == 3
    assert event_store.append(batch[1:]) == first[1:]


@pytest.mark.parametrize(
    "change",
    [{"data": {"seq": 1, "other": True}}, {"sequence_number": 2}, {"event_type": "Other"}],
    ids=["data", "sequence", "type"],
)
def test_same_event_id_with_another_fact_is_refused(
    event_store: EventStore, change: dict[str, Any]
) -> None:
    original = event("a", 1)
    event_store.append([original])
    with pytest.raises(IdempotencyConflict):
        event_store.append([dataclasses.replace(original, **change)])
    assert event_store.read_all() == [event_store.get_event(original.event_id)]
    assert event_store.read_all()[0].data == original.data


# --- reads ----------------------------------------------------------------------------------


def test_read_stream_with_bounds(event_store: EventStore) -> None:
    for seq in range(1, 6):
        event_store.append([event("a", seq), event(f"other-{seq}", 1)])
    assert [e.sequence_number for e in event_store.read_stream("a")] == [1, 2, 3, 4, 5]
    assert [e.sequence_number for e in event_store.read_stream("a", from_seq=3)] == [3, 4, 5]
    assert [e.sequence_number for e in event_store.read_stream("a", 2, 4)] == [2, 3, 4]
    assert [e.sequence_number for e in event_store.read_stream("a", to_seq=1)] == [1]
    assert event_store.read_stream("missing") == []


def test_read_all_after_position_and_limit(event_store: EventStore) -> None:
    event_store.append(stream("a", 6))
    assert [e.position for e in event_store.read_all(after_position=2, limit=2)] == [3, 4]
    assert [e.position for e in event_store.read_all(after_position=4)] == [5, 6]
    assert event_store.read_all(after_position=6) == []
    assert [e.position for e in event_store.read_all(limit=1)] == [1]


def test_read_all_filters_by_aggregate_type(event_store: EventStore) -> None:
    event_store.append(
        [
            event("a", 1, "Alpha"),
            event("b", 1, "Beta"),
            event("a", 2, "Alpha"),
            event("b", 2, "Beta"),
            event("a", 3, "Alpha"),
        ]
    )
    assert [e.position for e in event_store.read_all(aggregate_type="Alpha")] == [1, 3, 5]
    assert [e.position for e in event_store.read_all(aggregate_type="Beta")] == [2, 4]
    alpha = event_store.read_all(after_position=1, limit=1, aggregate_type="Alpha")
    assert [e.position for e in alpha] == [3]
    assert event_store.read_all(aggregate_type="Gamma") == []


def test_get_event(event_store: EventStore) -> None:
    stored = event_store.append(stream("a", 3))
    assert event_store.get_event(stored[1].event_id) == stored[1]
    assert event_store.get_event(new_id()) is None


def test_heads_are_last_event_per_existing_stream(event_store: EventStore) -> None:
    event_store.append([event("a", 1), event("b", 1), event("a", 2)])
    event_store.append([event("a", 3)])
    heads = event_store.heads(["a", "b", "missing"])
    assert set(heads) == {"a", "b"}
    assert (heads["a"].sequence_number, heads["a"].position) == (3, 4)
    assert (heads["b"].sequence_number, heads["b"].position) == (1, 2)
    assert event_store.head("a") == heads["a"]
    assert event_store.head("missing") is None
    assert event_store.heads([]) == {}


def test_streams_read_together_are_whole_and_in_order(event_store: EventStore) -> None:
    event_store.append([event("a", 1), event("b", 1), event("a", 2)])
    event_store.append([event("a", 3), event("c", 1)])
    ids = ["a", "missing", *(f"x{i}" for i in range(1200)), "b"]  # "b" in a later chunk
    found = event_store.read_streams(ids)
    assert set(found) == set(ids)
    assert found["a"] == event_store.read_stream("a")
    assert [e.sequence_number for e in found["a"]] == [1, 2, 3]
    assert found["b"] == event_store.read_stream("b")
    assert found["missing"] == [] and found["x1199"] == []
    assert event_store.read_streams([]) == {}


def test_head_position(event_store: EventStore) -> None:
    assert event_store.head_position() == 0
    event_store.append(stream("a", 2))
    assert event_store.head_position() == 2


# --- hash chain -----------------------------------------------------------------------------


def test_hash_chain_links_every_event(event_store: EventStore) -> None:
    event_store.append(stream("a", 3))
    event_store.append([event("b", 1), event("a", 4)])
    log = event_store.read_all()
    assert log[0].prev_hash == GENESIS_HASH
    for before, after in zip(log, log[1:], strict=False):
        assert after.prev_hash == before.hash
    for e in log:
        assert e.hash == event_hash(e.prev_hash, e, e.position)
    assert len({e.hash for e in log}) == len(log)
    assert verify_log(event_store)[:2] == (5, [])


def test_verify_log_reads_in_batches(event_store: EventStore) -> None:
    event_store.append(stream("a", 7))
    seen: list[int] = []
    assert verify_log(event_store, batch=3, progress=seen.append)[:2] == (7, [])
    assert seen == [3, 6, 7]


# --- wait_for -------------------------------------------------------------------------------


def test_wait_for_returns_at_once_when_events_exist(event_store: EventStore) -> None:
    event_store.append(stream("a", 2))
    started = time.monotonic()
    assert event_store.wait_for(1, timeout=5) is True
    assert time.monotonic() - started < 1


def test_wait_for_times_out_without_events(event_store: EventStore) -> None:
    event_store.append(stream("a", 1))
    started = time.monotonic()
    assert event_store.wait_for(1, timeout=0.3) is False
    assert time.monotonic() - started >= 0.3


def test_wait_for_wakes_when_another_thread_appends(event_store: EventStore) -> None:
    def append_later() -> None:
        time.sleep(0.2)
        event_store.append([event("a", 1)])

    writer = threading.Thread(target=append_later)
    started = time.monotonic()
    writer.start()
    try:
        assert event_store.wait_for(0, timeout=10) is True
    finally:
        writer.join()
    assert time.monotonic() - started < 5
    assert event_store.head_position() == 1


def test_group_commit_answers_every_caller_as_its_own_append_would(
    event_store: EventStore,
) -> None:
    """Sixteen threads append through one grouped `append_groups` at once; each gets its own
    events back (or its own conflict), and the log holds each accepted group whole, in order."""
    log = Grouped(event_store.append_groups)
    event_store.append([event("taken", 1)])

    def append(n: int) -> list[EventEnvelope]:
        group = [event("taken", 1)] if n == 7 else [event(f"s{n}", 1), event(f"s{n}", 2)]
        return log.call(group)

    answers = at_once(16, append)
    assert isinstance(answers.pop(7), ConcurrencyConflict)
    assert all(isinstance(a, list) for a in answers.values())
    for n, stored in answers.items():
        assert isinstance(stored, list)
        assert [e.aggregate_id for e in stored] == [f"s{n}", f"s{n}"]
        assert stored[1].position == (stored[0].position or 0) + 1
        assert event_store.read_stream(f"s{n}") == stored
    assert event_store.head_position() == 1 + 2 * 15


def test_stream_ids_by_prefix_in_pages(event_store: EventStore) -> None:
    for aggregate_id in ["inst:d:main:A:2", "inst:d:main:A:1", "inst:d:main:AB:1", "inst:d:x:A:3"]:
        event_store.append([event(aggregate_id, 1)])
    event_store.append([event("inst:d:main:A:1", 2)])
    assert event_store.stream_ids("inst:d:main:A:") == ["inst:d:main:A:1", "inst:d:main:A:2"]
    assert event_store.stream_ids("inst:d:main:A:", limit=1) == ["inst:d:main:A:1"]
    assert event_store.stream_ids("inst:d:main:A:", after="inst:d:main:A:1") == ["inst:d:main:A:2"]
    assert event_store.stream_ids("inst:d:main:") == [
        "inst:d:main:A:1",
        "inst:d:main:A:2",
        "inst:d:main:AB:1",
    ]
    assert event_store.stream_ids("nothing:") == []


def test_concurrent_appends_are_read_in_order_without_gaps(event_store: EventStore) -> None:
    """A follower of $all that reads while four writers append never sees a position before
    an earlier one has committed: each read continues exactly where the last one ended."""
    writers, batches = 4, 40
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for seq in range(1, batches + 1):
                event_store.append([event(f"w{n}", seq)])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    seen: list[int] = []
    try:
        while len(seen) < writers * batches and not errors:
            for e in event_store.read_all(after_position=seen[-1] if seen else 0, limit=7):
                assert e.position == (seen[-1] if seen else 0) + 1, "a position was skipped"
                seen.append(e.position)
    finally:
        for t in threads:
            t.join()
    assert not errors
    assert seen == list(range(1, writers * batches + 1))
    assert [e.position for e in event_store.read_all(limit=1000)] == seen


def test_a_second_store_on_the_same_log_sees_its_appends(
    two_event_stores: tuple[EventStore, EventStore],
) -> None:
    """Two processes (here two store objects) on one log: a reader waiting in one wakes for
    an append made by the other, and both read the same chain."""
    mine, other = two_event_stores
    writer = threading.Timer(0.2, lambda: other.append([event("a", 1)]))
    writer.start()
    try:
        assert mine.wait_for(0, timeout=10) is True
    finally:
        writer.join()
    assert mine.read_all() == other.read_all()
    mine.append([event("a", 2)])
    assert [e.sequence_number for e in other.read_stream("a")] == [1, 2]
