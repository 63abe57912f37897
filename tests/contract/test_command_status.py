"""The CommandStatusStore contract, run against every adapter."""

from __future__ import annotations

import dataclasses
import queue

from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore
from spice.application.commands.ids import new_id
from spice.application.ports.command_status import (
    COMPLETED,
    FAILED,
    PENDING,
    CommandStatus,
    CommandStatusStore,
)
from tests.services import redis_prefix_url


def status(command_id: str | None = None, **changes: object) -> CommandStatus:
    base = CommandStatus(
        command_id=command_id or new_id(),
        command_type="CreateDatabase",
        status=PENDING,
        aggregate_id="db:shop",
        actor="alice",
        database="shop",
        created_at="2024-01-01T00:00:00.000000Z",
        updated_at="2024-01-01T00:00:00.000000Z",
    )
    return dataclasses.replace(base, **changes)


def test_insert_if_absent_keeps_the_first(command_status_store: CommandStatusStore) -> None:
    first = status(message="first")
    assert command_status_store.insert_if_absent(first) is True
    second = dataclasses.replace(first, status=COMPLETED, message="second")
    assert command_status_store.insert_if_absent(second) is False
    assert command_status_store.get(first.command_id) == first


def test_many_inserted_at_once_keep_the_first_of_each(
    command_status_store: CommandStatusStore,
) -> None:
    known = status(message="known")
    command_status_store.insert_if_absent(known)
    fresh = [status(message=f"fresh {i}") for i in range(3)]
    again = dataclasses.replace(known, status=COMPLETED, message="again")
    stored = command_status_store.insert_many_if_absent([fresh[0], again, *fresh[1:]])
    assert stored == [True, False, True, True]
    found = command_status_store.get_many([known.command_id, *(f.command_id for f in fresh)])
    assert found == {known.command_id: known, **{f.command_id: f for f in fresh}}
    assert command_status_store.insert_many_if_absent([]) == []


def test_save_overwrites(command_status_store: CommandStatusStore) -> None:
    pending = status()
    command_status_store.insert_if_absent(pending)
    done = dataclasses.replace(pending, status=COMPLETED, progress=100, attempts=1)
    command_status_store.save(done)
    got = command_status_store.get(pending.command_id)
    assert got == done
    assert got is not None and got.is_final


def test_save_of_a_new_command_stores_it(command_status_store: CommandStatusStore) -> None:
    fresh = status(database=None)
    command_status_store.save(fresh)
    assert command_status_store.get(fresh.command_id) == fresh


def test_many_saved_at_once_are_read_at_once(command_status_store: CommandStatusStore) -> None:
    old = status(message="old")
    command_status_store.insert_if_absent(old)
    done = dataclasses.replace(old, status=COMPLETED, message="done", attempts=1)
    fresh = [status(message=f"fresh {i}") for i in range(3)]
    command_status_store.save_many([done, *fresh])
    wanted = [old.command_id, new_id(), *(f.command_id for f in fresh)]
    found = command_status_store.get_many(wanted)
    assert found == {done.command_id: done, **{f.command_id: f for f in fresh}}
    assert command_status_store.get_many([]) == {}


def test_get_of_unknown_command_is_none(command_status_store: CommandStatusStore) -> None:
    command_status_store.insert_if_absent(status())
    assert command_status_store.get(new_id()) is None


def test_round_trip_of_history_result_and_error(command_status_store: CommandStatusStore) -> None:
    full = status(
        status=FAILED,
        progress=50,
        message="gave up",
        history=[
            {"status": PENDING, "at": "2024-01-01T00:00:00Z"},
            {"status": FAILED, "at": "2024-01-01T00:00:01Z", "attempt": 3},
        ],
        result={"positions": [1, 2], "nested": {"ok": False, "note": "ünïcode"}},
        error={"code": "OCC_CONFLICT", "details": {"actual_seq": 4}},
        attempts=3,
    )
    command_status_store.save(full)
    got = command_status_store.get(full.command_id)
    assert got == full
    assert got is not None and got.to_dict() == full.to_dict()


def test_finished_statuses_past_their_retention_are_forgotten(
    command_status_store: CommandStatusStore,
) -> None:
    old, recent = "2024-01-01T00:00:00.000000Z", "2024-03-01T00:00:00.000000Z"
    done_long_ago = status(status=COMPLETED, updated_at=old)
    failed_long_ago = status(status=FAILED, updated_at=old)
    done_lately = status(status=COMPLETED, updated_at=recent)
    waiting_long = status(status=PENDING, updated_at=old)
    for each in (done_long_ago, failed_long_ago, done_lately, waiting_long):
        command_status_store.save(each)
    forgotten = command_status_store.prune("2024-02-01T00:00:00.000000Z")
    if isinstance(command_status_store, RedisCommandStatusStore):
        assert forgotten == 0  # Redis forgets by itself: final statuses carry a TTL
        ttl = command_status_store._redis.ttl  # noqa: SLF001 - what the store set
        assert 0 < ttl(command_status_store._key(done_long_ago.command_id)) <= 86400  # noqa: SLF001
        assert ttl(command_status_store._key(waiting_long.command_id)) == -1  # noqa: SLF001
        return
    assert forgotten == 2
    assert command_status_store.get(done_long_ago.command_id) is None
    assert command_status_store.get(failed_long_ago.command_id) is None
    assert command_status_store.get(done_lately.command_id) == done_lately
    assert command_status_store.get(waiting_long.command_id) == waiting_long  # still to run


def test_redis_publishes_what_it_inserts_to_the_other_processes() -> None:
    """Another process (another store on the same prefix) hears each status that a batch of
    inserts stored, and not the one that was known already."""
    url = redis_prefix_url()
    writer, reader = RedisCommandStatusStore(url), RedisCommandStatusStore(url)
    heard: queue.Queue[CommandStatus] = queue.Queue()
    try:
        reader.watch(heard.put)
        known = status(message="known")
        writer.insert_if_absent(known)
        assert heard.get(timeout=10) == known
        fresh = [status(message=f"fresh {i}") for i in range(3)]
        writer.insert_many_if_absent(
            [fresh[0], dataclasses.replace(known, message="x"), *fresh[1:]]
        )
        assert [heard.get(timeout=10) for _ in fresh] == fresh
        assert heard.empty()
    finally:
        writer.delete_all()
        writer.close()
        reader.close()
