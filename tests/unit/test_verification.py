"""verify_log on a SQLite log tampered with behind the store's back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.application.commands.ids import new_id
from spice.application.log.serialization import event_hash, utc_now
from spice.application.log.verification import Anchor, check_anchor, verify_log
from spice.domain.canonical import dumps
from spice.domain.envelope import EventEnvelope

COUNT = 20


def event(aggregate_id: str, seq: int) -> EventEnvelope:
    return EventEnvelope(
        event_id=new_id(),
        event_type="ThingChanged",
        aggregate_type="Thing",
        aggregate_id=aggregate_id,
        sequence_number=seq,
        occurred_at=utc_now(),
        actor="tester",
        data={"seq": seq, "amount": seq * 10},
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def store(path: Path) -> Iterator[SQLiteEventStore]:
    store = SQLiteEventStore(path)
    for seq in range(1, COUNT // 2 + 1):
        store.append([event("a", seq), event("b", seq)])
    yield store
    store.close()


def tamper(path: Path, sql: str, *args: object) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute(sql, args).rowcount == 1


def test_untouched_log_verifies(store: SQLiteEventStore) -> None:
    assert store.head_position() == COUNT
    assert verify_log(store)[:2] == (COUNT, [])


def test_edited_data_is_reported_at_its_position(store: SQLiteEventStore, path: Path) -> None:
    tamper(path, "UPDATE events SET data = ? WHERE position = 7", dumps({"seq": 4, "amount": 1}))
    count, problems, _ = verify_log(store, batch=5)
    assert count == COUNT
    assert [(p.position, p.kind) for p in problems] == [(7, "edited")]


def test_edited_actor_is_reported(store: SQLiteEventStore, path: Path) -> None:
    tamper(path, "UPDATE events SET actor = 'mallory' WHERE position = 20")
    assert [(p.position, p.kind) for p in verify_log(store)[1]] == [(20, "edited")]


def test_removed_row_is_reported_at_the_next_position(store: SQLiteEventStore, path: Path) -> None:
    tamper(path, "DELETE FROM events WHERE position = 12")
    count, problems, _ = verify_log(store)
    assert count == COUNT - 1
    assert problems
    assert {(p.position, p.kind) for p in problems} == {(13, "removed")}


def test_forged_row_at_the_end_is_reported(store: SQLiteEventStore, path: Path) -> None:
    forged = event("a", COUNT // 2 + 1).stored(COUNT + 1, "f" * 64, "e" * 64)
    forge(path, forged)
    count, problems, _ = verify_log(store)
    assert count == COUNT + 1
    assert (COUNT + 1, "inserted") in {(p.position, p.kind) for p in problems}
    assert all(p.position == COUNT + 1 for p in problems)


def test_forged_row_in_the_middle_is_reported(store: SQLiteEventStore, path: Path) -> None:
    # A careful forger: makes room at position 5 and hashes the forged row correctly.
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE events SET position = position + 1000 WHERE position >= 5")
        conn.execute("UPDATE events SET position = position - 999 WHERE position > 1000")
        prev = conn.execute("SELECT hash FROM events WHERE position = 4").fetchone()[0]
    forged = event("c", 1)
    forged = forged.stored(5, prev, event_hash(prev, forged, 5))
    forge(path, forged)

    count, problems, _ = verify_log(store)
    assert count == COUNT + 1
    assert problems
    assert min(p.position for p in problems) == 6
    assert (6, "inserted") in {(p.position, p.kind) for p in problems}


def forge(path: Path, e: EventEnvelope) -> None:
    """Insert `e` as a row, exactly as the store would have written it."""
    tamper(
        path,
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        e.position,
        e.event_id,
        e.event_type,
        e.aggregate_type,
        e.aggregate_id,
        e.sequence_number,
        e.occurred_at,
        e.actor,
        dumps(e.data),
        dumps(e.metadata),
        e.schema_version,
        e.prev_hash,
        e.hash,
    )


def test_an_anchor_finds_a_cut_tail_and_an_edited_anchor(
    store: SQLiteEventStore, path: Path
) -> None:
    _, _, anchor = verify_log(store)
    assert anchor.position == COUNT and check_anchor(store, anchor) is None
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM events WHERE position > ?", (COUNT - 3,))
    assert verify_log(store)[1] == []
    problem = check_anchor(store, anchor)
    assert problem is not None and problem.kind == "truncated"
    earlier = Anchor(COUNT - 3, "0" * 64)
    problem = check_anchor(store, earlier)
    assert problem is not None and problem.kind == "edited"
