"""SQLite event store: the embedded source of truth."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase, chunks
from spice.application.ports.event_store import EventStore
from spice.application.serialization import GENESIS_HASH, dumps, event_hash, loads
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict
from spice.domain.events import COMMAND_AGGREGATE, EventEnvelope

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    sequence_number INTEGER NOT NULL,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (aggregate_id, sequence_number)
);
-- Commands are found by the worker through a partial index: domain events never touch it.
CREATE INDEX IF NOT EXISTS command_positions ON events (position)
    WHERE aggregate_type = 'Command';
"""

COLUMNS = (
    "position, event_id, event_type, aggregate_type, aggregate_id, sequence_number, "
    "occurred_at, actor, data, metadata, schema_version, prev_hash, hash"
)


def _row_to_event(row: tuple) -> EventEnvelope:
    return EventEnvelope(
        position=row[0],
        event_id=row[1],
        event_type=row[2],
        aggregate_type=row[3],
        aggregate_id=row[4],
        sequence_number=row[5],
        occurred_at=row[6],
        actor=row[7],
        data=loads(row[8]),
        metadata=loads(row[9]),
        schema_version=row[10],
        prev_hash=row[11],
        hash=row[12],
    )


class SQLiteEventStore(EventStore):
    """Events in one table; positions are assigned inside the write transaction."""

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        super().__init__()
        self._db = SQLiteDatabase(path, synchronous)
        self._db.connection().executescript(SCHEMA)

    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        if not events:
            return []
        try:
            with self._db.write() as conn:
                stored = self._append_in(conn, events)
        except sqlite3.IntegrityError:
            return self._replayed_or_raise(events, None)
        except ConcurrencyConflict as conflict:
            return self._replayed_or_raise(events, conflict)
        self._notify_appended()
        return stored

    def _append_in(
        self, conn: sqlite3.Connection, events: Sequence[EventEnvelope]
    ) -> list[EventEnvelope]:
        heads = self._head_seqs(conn, list({e.aggregate_id for e in events}))
        for e in events:
            current = heads.get(e.aggregate_id, 0)
            if e.sequence_number != current + 1:
                raise ConcurrencyConflict(e.aggregate_id, e.sequence_number - 1, current)
            heads[e.aggregate_id] = e.sequence_number
        last = conn.execute(
            "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"
        ).fetchone()
        position, prev = (last[0], last[1]) if last else (0, GENESIS_HASH)
        rows, stored = [], []
        for e in events:
            position += 1
            data_json, meta_json = dumps(e.data), dumps(e.metadata)
            digest = event_hash(prev, e, position, data_json, meta_json)
            rows.append(
                (
                    position,
                    e.event_id,
                    e.event_type,
                    e.aggregate_type,
                    e.aggregate_id,
                    e.sequence_number,
                    e.occurred_at,
                    e.actor,
                    data_json,
                    meta_json,
                    e.schema_version,
                    prev,
                    digest,
                )
            )
            stored.append(e.stored(position, prev, digest))
            prev = digest
        conn.executemany(f"INSERT INTO events ({COLUMNS}) VALUES ({','.join('?' * 13)})", rows)
        return stored

    def _head_seqs(self, conn: sqlite3.Connection, aggregate_ids: list[str]) -> dict[str, int]:
        # One MAX() per stream uses SQLite's min/max shortcut on the (aggregate, seq) index;
        # a grouped IN query would scan every entry of each stream.
        query = "SELECT MAX(sequence_number) FROM events WHERE aggregate_id = ?"
        heads: dict[str, int] = {}
        for aggregate_id in aggregate_ids:
            seq = conn.execute(query, (aggregate_id,)).fetchone()[0]
            if seq is not None:
                heads[aggregate_id] = seq
        return heads

    def _replayed_or_raise(
        self, events: Sequence[EventEnvelope], conflict: ConcurrencyConflict | None
    ) -> list[EventEnvelope]:
        stored = self._get_many([e.event_id for e in events])
        if not stored and conflict is not None:
            raise conflict
        if len(stored) == len(events) and all(stored[e.event_id].same_fact(e) for e in events):
            return [stored[e.event_id] for e in events]
        raise IdempotencyConflict(
            "event id reused for a different event",
            {"event_ids": sorted(stored)[:10]},
        )

    def _get_many(self, event_ids: list[str]) -> dict[str, EventEnvelope]:
        found: dict[str, EventEnvelope] = {}
        conn = self._db.connection()
        for part in chunks(event_ids):
            marks = ",".join("?" * len(part))
            for row in conn.execute(
                f"SELECT {COLUMNS} FROM events WHERE event_id IN ({marks})", part
            ):
                found[row[1]] = _row_to_event(row)
        return found

    def read_stream(
        self, aggregate_id: str, from_seq: int = 1, to_seq: int | None = None
    ) -> list[EventEnvelope]:
        rows = self._db.connection().execute(
            f"SELECT {COLUMNS} FROM events WHERE aggregate_id = ? AND sequence_number >= ? "
            "AND sequence_number <= ? ORDER BY sequence_number",
            (aggregate_id, from_seq, to_seq if to_seq is not None else 2**62),
        )
        return [_row_to_event(r) for r in rows]

    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> list[EventEnvelope]:
        conn = self._db.connection()
        if aggregate_type is None:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?",
                (after_position, limit),
            )
        elif aggregate_type == COMMAND_AGGREGATE:
            # The literal lets SQLite use the partial index of commands.
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM events WHERE aggregate_type = '{COMMAND_AGGREGATE}' "
                "AND position > ? ORDER BY position LIMIT ?",
                (after_position, limit),
            )
        else:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM events WHERE aggregate_type = ? AND position > ? "
                "ORDER BY position LIMIT ?",
                (aggregate_type, after_position, limit),
            )
        return [_row_to_event(r) for r in rows]

    def get_event(self, event_id: str) -> EventEnvelope | None:
        return self._get_many([event_id]).get(event_id)

    def heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]:
        found: dict[str, EventEnvelope] = {}
        conn = self._db.connection()
        for part in chunks(list(dict.fromkeys(aggregate_ids))):
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM events e WHERE position IN ("
                "SELECT MAX(position) FROM events "
                f"WHERE aggregate_id IN ({marks}) GROUP BY aggregate_id)",
                part,
            )
            found.update((r[4], _row_to_event(r)) for r in rows)
        return found

    def stream_ids(self, prefix: str, after: str = "", limit: int = 1000) -> list[str]:
        # A range on the (aggregate_id, sequence_number) index: the prefix, then past it.
        rows = self._db.connection().execute(
            "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_id > ? "
            "AND aggregate_id >= ? AND aggregate_id < ? ORDER BY aggregate_id LIMIT ?",
            (after, prefix, prefix + "\U0010ffff", limit),
        )
        return [r[0] for r in rows]

    def head_position(self) -> int:
        row = self._db.connection().execute("SELECT MAX(position) FROM events").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self._db.close()
