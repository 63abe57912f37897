"""SQLite event store: the embedded source of truth."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.event_store import SQLEventStore

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


class SQLiteEventStore(SQLEventStore):
    """Events in one table of a WAL-mode file; a write transaction (BEGIN IMMEDIATE) holds
    the database's only write lock, which orders appends."""

    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        db = SQLiteDatabase(path, synchronous)
        db.connection().executescript(SCHEMA)
        super().__init__(db)

    def _take_head(self, conn: sqlite3.Connection) -> sqlite3.Cursor:
        # BEGIN IMMEDIATE already holds the write lock.
        return conn.execute("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")
