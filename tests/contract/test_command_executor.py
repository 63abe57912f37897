"""The command executor under faults, on every event store: transient failures retried,
retries exhausted, an unexpected error recorded with nothing half-written, a completed
command run again, an interrupted run resumed, and two executors racing on one instance."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.application.commands import worker as worker_module
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.ids import new_id
from spice.application.commands.tracking import CommandTracker
from spice.application.commands.worker import CONSUMER, CommandWorker
from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.event_store import EventStore
from spice.domain import commands as c
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.errors import ConcurrencyConflict
from tests.at_once import at_once

CUSTOMER = {
    "id": "Customer",
    "properties": [
        {"name": "customer_id", "type": "string", "primary_key": True},
        {"name": "name", "type": "string"},
    ],
}


class Faults:
    """Makes appends that carry domain events fail: `fail` times with `error`, or, with
    `lost_races`, as if another writer always got there first."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.fail = 0
        self.error: Exception = OSError("disk I/O error")
        self.lost_races = False
        self.original = store.append
        store.append = self.append  # type: ignore[method-assign]

    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        domain = [e for e in events if e.aggregate_type != AggregateType.COMMAND]
        if domain and self.lost_races:
            raise ConcurrencyConflict(domain[0].aggregate_id, 0, 1)
        if domain and self.fail > 0:
            self.fail -= 1
            raise self.error
        return self.original(events)


def _executor(store: EventStore, tracker: CommandTracker) -> CommandExecutor:
    return CommandExecutor(store, tracker, max_attempts=3, backoff=0.001)


def _accept(store: EventStore, command: c.Command) -> EventEnvelope:
    issued = c.IssuedCommand(new_id(), command, "tester")
    (stored,) = store.append([issued.to_envelope(utc_now())])
    return stored


@pytest.fixture
def shop(event_store: EventStore) -> tuple[EventStore, CommandTracker]:
    tracker = CommandTracker(InMemoryCommandStatusStore())
    executor = _executor(event_store, tracker)
    for command in (
        c.CreateDatabase(database="shop", name="shop"),
        c.CreateClass(database="shop", definition=CUSTOMER),
        c.CreateInstance(database="shop", class_id="Customer", data={"customer_id": "k"}),
    ):
        assert executor.execute(_accept(event_store, command)).status == "COMPLETED"
    return event_store, tracker


def _rename(name: str, expected_seq: int | None = None) -> c.UpdateInstance:
    return c.UpdateInstance(
        database="shop",
        class_id="Customer",
        instance_id="k",
        data={"name": name},
        expected_seq=expected_seq,
    )


def _statuses(status: CommandStatus) -> list[str]:
    return [h["status"] for h in status.history]


def _instance_events(store: EventStore) -> list[EventEnvelope]:
    return store.read_stream("inst:shop:main:Customer:k")


def test_a_transient_failure_is_retried_to_completion(shop: Any) -> None:
    store, tracker = shop
    faults = Faults(store)
    faults.fail = 2
    status = _executor(store, tracker).execute(_accept(store, _rename("Kim")))
    assert status.status == "COMPLETED"
    assert _statuses(status) == [
        "PENDING",
        "PROCESSING",
        "RETRYING",
        "PROCESSING",
        "RETRYING",
        "PROCESSING",
        "COMPLETED",
    ]
    assert status.attempts == 3
    assert "disk I/O error" in status.history[2]["message"]
    assert [e.event_type for e in _instance_events(store)] == [
        "InstanceCreated",
        "InstanceUpdated",
    ]


def test_an_unexpected_error_fails_with_internal_error_and_writes_no_event(shop: Any) -> None:
    store, tracker = shop
    faults = Faults(store)
    faults.fail, faults.error = 99, RuntimeError("bug")
    before = store.head_position()
    accepted = _accept(store, _rename("Kim"))
    status = _executor(store, tracker).execute(accepted)
    assert (status.status, status.error["code"], status.attempts) == ("FAILED", "INTERNAL_ERROR", 3)
    assert "bug" in status.error["message"]
    written = store.read_all(before, 100)
    assert [e.event_type for e in written] == ["CommandAccepted", "CommandFailed"]
    assert len(_instance_events(store)) == 1


def test_retries_run_out_after_repeated_lost_races(shop: Any) -> None:
    store, tracker = shop
    Faults(store).lost_races = True
    status = _executor(store, tracker).execute(_accept(store, _rename("Kim")))
    assert (status.status, status.error["code"]) == ("FAILED", "RETRIES_EXHAUSTED")
    assert _statuses(status).count("RETRYING") == 3
    assert len(_instance_events(store)) == 1


def test_a_completed_command_run_again_appends_nothing(shop: Any) -> None:
    store, tracker = shop
    accepted = _accept(store, _rename("Kim"))
    first = _executor(store, tracker).execute(accepted)
    head = store.head_position()
    again = _executor(store, CommandTracker(InMemoryCommandStatusStore())).execute(accepted)
    assert store.head_position() == head
    assert (again.status, again.result) == ("COMPLETED", first.result)


def test_a_run_interrupted_by_a_dead_worker_is_resumed_and_counted(shop: Any) -> None:
    store, tracker = shop
    accepted = _accept(store, _rename("Kim"))
    issued = c.IssuedCommand.from_envelope(accepted)
    tracker.accepted(issued, accepted.aggregate_id)
    tracker.transition(issued.command_id, "PROCESSING", "Processing started", 10, attempts=1)
    # ... and the worker died here. Another one runs the command again.
    status = _executor(store, tracker).execute(accepted)
    assert status.status == "COMPLETED"
    assert _statuses(status) == ["PENDING", "PROCESSING", "RETRYING", "PROCESSING", "COMPLETED"]
    assert status.attempts == 2
    assert status.history[2]["message"] == "resuming after 1 interrupted attempt"


def test_two_executors_racing_on_one_instance_one_wins(shop: Any) -> None:
    """Both expect sequence 1; whichever appends second finds 2 and fails with 409."""
    store, tracker = shop
    commands = [_accept(store, _rename(name, expected_seq=1)) for name in ("Ann", "Bob")]
    executors = [_executor(store, tracker) for _ in commands]
    barrier = threading.Barrier(2)
    results: dict[int, CommandStatus] = {}

    def run(i: int) -> None:
        barrier.wait()
        results[i] = executors[i].execute(commands[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    outcomes = sorted(
        (r.status, (r.error or {}).get("code"), (r.error or {}).get("kind"))
        for r in results.values()
    )
    assert outcomes == [
        ("COMPLETED", None, None),
        ("FAILED", "OCC_CONFLICT", "ConcurrencyConflict"),
    ]
    loser = next(r for r in results.values() if r.status == "FAILED")
    assert loser.error["details"] == {
        "aggregate_id": "inst:shop:main:Customer:k",
        "expected_seq": 1,
        "actual_seq": 2,
    }
    assert [e.sequence_number for e in _instance_events(store)] == [1, 2]


def test_two_creates_racing_for_one_unique_value_one_wins(event_store: EventStore) -> None:
    """Both deciders see the value free; the claim stream's sequence lets one append."""
    tracker = CommandTracker(InMemoryCommandStatusStore())
    unique = {
        "id": "Contact",
        "properties": [
            {"name": "code", "type": "string", "primary_key": True},
            {"name": "email", "type": "email", "unique": True},
        ],
    }
    setup = _executor(event_store, tracker)
    for command in (
        c.CreateDatabase(database="shop", name="shop"),
        c.CreateClass(database="shop", definition=unique),
    ):
        assert setup.execute(_accept(event_store, command)).status == "COMPLETED"
    commands = [
        _accept(
            event_store,
            c.CreateInstance(
                database="shop", class_id="Contact", data={"code": code, "email": "r@example.com"}
            ),
        )
        for code in ("C-1", "C-2")
    ]
    barrier = threading.Barrier(2)
    results: dict[int, CommandStatus] = {}

    def run(i: int) -> None:
        executor = _executor(event_store, tracker)
        barrier.wait()
        results[i] = executor.execute(commands[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.status for r in results.values()) == ["COMPLETED", "FAILED"]
    winner = next(r for r in results.values() if r.status == "COMPLETED")
    loser = next(r for r in results.values() if r.status == "FAILED")
    assert loser.error["code"] == "CONFLICT"
    holder = f"Contact/{winner.result['instance_id']}"
    assert loser.error["details"]["conflicts"][0]["held_by"] == holder


def _service_and_executor(store: EventStore, tracker: CommandTracker) -> tuple[Any, Any]:
    from spice.application.commands.decisions import Decisions
    from spice.application.commands.service import CommandService

    decisions = Decisions()
    service = CommandService(store, tracker, lambda _t: True, 0.1, decisions)
    executor = CommandExecutor(store, tracker, max_attempts=3, backoff=0.001, decisions=decisions)
    return service, executor


def test_commands_submitted_at_once_are_stored_together_and_each_answered(shop: Any) -> None:
    """Sixteen submits at once: each is stored and PENDING, their statuses written in fewer
    writes than commands; of two with one Idempotency-Key and different bodies, one fails
    alone."""
    store, tracker = shop
    service, _ = _service_and_executor(store, tracker)
    writes: list[int] = []
    insert_many = tracker.store.insert_many_if_absent

    def slow_insert_many(statuses: list[CommandStatus]) -> list[bool]:
        writes.append(len(statuses))
        time.sleep(0.02)  # the others queue behind this write
        return insert_many(statuses)

    tracker.store.insert_many_if_absent = slow_insert_many

    def submit(n: int) -> Any:
        key = "same-key" if n in (5, 6) else None
        return service.submit(_create(f"g{n}"), idempotency_key=key)

    answers = at_once(16, submit)
    pair = [answers.pop(5), answers.pop(6)]
    assert sorted(type(a).__name__ for a in pair) == ["Accepted", "IdempotencyConflict"]
    answers[5] = next(a for a in pair if not isinstance(a, Exception))
    for accepted in answers.values():
        assert accepted.status.status == "PENDING"
        assert tracker.get(accepted.command.command_id).status == "PENDING"
        assert store.get_event(accepted.command.command_id).data == accepted.command.data()
    assert sum(writes) == 15 and len(writes) < 15


@pytest.mark.parametrize("batched", [False, True])
def test_the_precheck_decision_is_used_when_nothing_else_was_written(
    shop: Any, monkeypatch: pytest.MonkeyPatch, batched: bool
) -> None:
    store, tracker = shop
    service, executor = _service_and_executor(store, tracker)
    accepted = service.submit(_rename("Lee"))
    import spice.application.commands.batch as batch_module
    import spice.application.commands.executor as module

    def no_second_decision(*_args: Any) -> Any:
        raise AssertionError("decided again on an unchanged log")

    monkeypatch.setattr(module, "decide", no_second_decision)
    monkeypatch.setattr(batch_module, "decide", no_second_decision)
    envelope = store.get_event(accepted.command.command_id)
    if batched:
        executor.execute_batch([envelope])
    else:
        executor.execute(envelope)
    assert tracker.get(accepted.command.command_id).status == "COMPLETED"
    assert _instance_events(store)[-1].data["changes"] == {"name": "Lee"}


def test_a_write_between_precheck_and_run_makes_the_run_decide_again(shop: Any) -> None:
    """The kept decision would still append (a new instance takes no expected sequence),
    but its link target was deleted meanwhile: only deciding again sees that."""
    store, tracker = shop
    service, executor = _service_and_executor(store, tracker)
    order = {
        "id": "Order",
        "properties": [{"name": "order_id", "type": "string", "primary_key": True}],
        "relationships": [{"predicate": "buyer", "target": "Customer", "cardinality": "n:1"}],
    }
    assert (
        executor.execute(_accept(store, c.CreateClass(database="shop", definition=order))).status
        == "COMPLETED"
    )
    data = {"order_id": "o1", "buyer": "k"}
    first = service.submit(c.CreateInstance(database="shop", class_id="Order", data=data))
    delete = c.DeleteInstance(database="shop", class_id="Customer", instance_id="k")
    assert executor.execute(_accept(store, delete)).status == "COMPLETED"
    status = executor.execute(store.get_event(first.command.command_id))
    assert status.status == "FAILED", status
    assert status.error["details"]["errors"][0]["code"] == "link_target_not_found"
    assert store.read_stream("inst:shop:main:Order:o1") == []


# --- batches: what the command worker runs ----------------------------------------------------


def _create(customer_id: str, **data: Any) -> c.CreateInstance:
    return c.CreateInstance(
        database="shop", class_id="Customer", data={"customer_id": customer_id, **data}
    )


def test_a_batch_is_appended_together_and_a_refused_command_fails_alone(shop: Any) -> None:
    store, tracker = shop
    before = store.head_position()
    commands = [_create("a"), _create("k"), _create("b", name=5), _create("c"), _rename("Kim")]
    accepted = [_accept(store, command) for command in commands]
    _executor(store, tracker).execute_batch(accepted)
    statuses = [tracker.get(e.event_id) for e in accepted]
    done, failed = "COMPLETED", "FAILED"
    assert [s.status for s in statuses] == [done, failed, failed, done, done]
    assert statuses[1].error["code"] == "CONFLICT"  # k exists
    assert statuses[2].error["code"] == "VALIDATION_FAILED"
    assert [_statuses(s) for s in statuses] == [
        ["PENDING", "PROCESSING", s.status] for s in statuses
    ]
    assert all(s.attempts == 1 for s in statuses)
    # One append after the five accepted commands: events and outcomes, in command order.
    written = store.read_all(before + len(accepted), 100)
    assert [(e.event_type, e.metadata.get("command_id")) for e in written] == [
        ("InstanceCreated", accepted[0].event_id),
        ("CommandCompleted", accepted[0].event_id),
        ("CommandFailed", accepted[1].event_id),
        ("CommandFailed", accepted[2].event_id),
        ("InstanceCreated", accepted[3].event_id),
        ("CommandCompleted", accepted[3].event_id),
        ("InstanceUpdated", accepted[4].event_id),
        ("CommandCompleted", accepted[4].event_id),
    ]
    assert statuses[3].result["position"] == written[5].position


def test_a_command_in_a_batch_sees_the_ones_decided_before_it(shop: Any) -> None:
    """The second create of the same id is refused though the first is not appended yet;
    an update of a customer created earlier in the batch continues its sequence."""
    store, tracker = shop
    accepted = [
        _accept(store, command)
        for command in (
            _create("n"),
            _create("n"),
            c.UpdateInstance(
                database="shop", class_id="Customer", instance_id="n", data={"name": "N"}
            ),
        )
    ]
    _executor(store, tracker).execute_batch(accepted)
    assert [tracker.get(e.event_id).status for e in accepted] == [
        "COMPLETED",
        "FAILED",
        "COMPLETED",
    ]
    events = store.read_stream("inst:shop:main:Customer:n")
    assert [(e.event_type, e.sequence_number) for e in events] == [
        ("InstanceCreated", 1),
        ("InstanceUpdated", 2),
    ]


def test_a_batch_reads_the_instance_streams_it_will_load_together(shop: Any) -> None:
    """Creates and an update in one batch: their instance streams are read in one go
    before the decisions, none of them one by one."""
    store, tracker = shop
    accepted = [_accept(store, _create(f"p{i}")) for i in range(4)]
    accepted.append(_accept(store, _rename("Kim")))
    singles: list[str] = []
    together: list[list[str]] = []
    read_stream, read_streams = store.read_stream, store.read_streams

    def one(aggregate_id: str, *args: Any) -> Any:
        if not reading_many:  # the memory store's read_streams reads them one by one
            singles.append(aggregate_id)
        return read_stream(aggregate_id, *args)

    def many(aggregate_ids: Any) -> Any:
        nonlocal reading_many
        together.append(list(aggregate_ids))
        reading_many = True
        try:
            return read_streams(together[-1])
        finally:
            reading_many = False

    reading_many = False

    store.read_stream, store.read_streams = one, many
    try:
        _executor(store, tracker).execute_batch(accepted)
    finally:
        store.read_stream, store.read_streams = read_stream, read_streams
    assert [tracker.get(e.event_id).status for e in accepted] == ["COMPLETED"] * 5
    instances = [f"inst:shop:main:Customer:{i}" for i in ("p0", "p1", "p2", "p3", "k")]
    assert [sorted(ids) for ids in together if ids[0].startswith("inst:")] == [sorted(instances)]
    assert not [a for a in singles if a.startswith("inst:")]


def test_commands_other_than_instance_writes_run_alone_in_log_order(shop: Any) -> None:
    store, tracker = shop
    order = {"id": "Order", "properties": [{"name": "order_id", "type": "string"}]}
    accepted = [
        _accept(store, command)
        for command in (
            _create("before"),
            c.CreateClass(database="shop", definition=order),
            c.CreateInstance(database="shop", class_id="Order", data={"order_id": "o1"}),
        )
    ]
    _executor(store, tracker).execute_batch(accepted)
    assert [tracker.get(e.event_id).status for e in accepted] == ["COMPLETED"] * 3
    positions = [tracker.get(e.event_id).result["position"] for e in accepted]
    assert positions == sorted(positions)


def test_a_batch_that_loses_a_race_decides_each_command_again_alone(shop: Any) -> None:
    store, tracker = shop
    accepted = [_accept(store, command) for command in (_create("x"), _rename("Lee"))]
    faults = Faults(store)
    real_append = faults.original
    raced = []

    def another_writer_first(events: Any) -> Any:
        if not raced and len(events) > 2:  # the batch's append: someone renamed k first
            raced.append(True)
            other = _accept(store, _rename("Other"))
            _executor(store, tracker).execute(other)
        return real_append(events)

    faults.original = another_writer_first
    _executor(store, tracker).execute_batch(accepted)
    assert raced
    assert [tracker.get(e.event_id).status for e in accepted] == ["COMPLETED", "COMPLETED"]
    assert [e.data["changes"] for e in _instance_events(store)[1:]] == [
        {"name": "Other"},
        {"name": "Lee"},
    ]
    assert len(store.read_stream("inst:shop:main:Customer:x")) == 1


def test_a_batch_run_again_appends_nothing_and_reports_the_logged_outcomes(shop: Any) -> None:
    store, tracker = shop
    accepted = [_accept(store, command) for command in (_create("r1"), _create("r1"))]
    _executor(store, tracker).execute_batch(accepted)
    head = store.head_position()
    fresh = CommandTracker(InMemoryCommandStatusStore())  # statuses lost: a crash
    _executor(store, fresh).execute_batch(accepted)
    assert store.head_position() == head
    again = [fresh.get(e.event_id) for e in accepted]
    assert [(s.status, s.result) for s in again] == [
        (s.status, s.result) for s in (tracker.get(e.event_id) for e in accepted)
    ]


# --- the command worker's checkpoint -------------------------------------------------------


def test_a_worker_restarted_from_an_old_checkpoint_runs_nothing_twice(
    shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkpoint is written at most once a second: a worker killed before writing it
    reads the commands of its last steps again, and reports their outcomes from the log."""
    monkeypatch.setattr(worker_module, "CHECKPOINT_SECONDS", 3600.0)
    store, tracker = shop
    registry = InMemoryConsumerRegistry()
    first = CommandWorker(_executor(store, tracker), registry)
    first.run_until_caught_up()  # the three commands of the fixture
    accepted = [_accept(store, _create(f"w{i}")) for i in range(3)]
    first.run_until_caught_up()
    assert registry.checkpoint(CONSUMER) < accepted[0].position  # not written yet: "killed"
    head = store.head_position()

    second = CommandWorker(_executor(store, tracker), registry)
    second.run_until_caught_up()
    assert store.head_position() == head  # nothing appended again
    assert [tracker.get(e.event_id).status for e in accepted] == ["COMPLETED"] * 3
    assert all(tracker.get(e.event_id).attempts == 1 for e in accepted)

    second.stop()  # a worker that stops writes where it got to
    assert registry.checkpoint(CONSUMER) == head
