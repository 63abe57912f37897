"""SQLite consumer registry: checkpoints and processed event ids."""

from __future__ import annotations

from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.consumer_registry import SCHEMA, TIMED, SQLConsumerRegistry


class SQLiteConsumerRegistry(SQLConsumerRegistry):
    """Checkpoints, processed events and leases in a SQLite file."""

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        db = SQLiteDatabase(path, synchronous)
        conn = db.connection()
        conn.executescript(SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(processed_events)")}
        if "processed_at" not in columns:
            conn.execute("ALTER TABLE processed_events ADD COLUMN processed_at REAL")
        super().__init__(db, greatest="MAX")
        conn.executescript(TIMED.format(now=self.clock()))
