"""SQLite consumer registry: checkpoints and processed event ids."""

from __future__ import annotations

from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.application.ports.consumer_registry import ConsumerRegistry

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (consumer TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (consumer, event_id)
);
"""


class SQLiteConsumerRegistry(ConsumerRegistry):
    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        self._db = SQLiteDatabase(path, synchronous)
        self._db.connection().executescript(SCHEMA)

    def checkpoint(self, consumer: str) -> int:
        row = (
            self._db.connection()
            .execute("SELECT position FROM checkpoints WHERE consumer = ?", (consumer,))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def save_checkpoint(self, consumer: str, position: int) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE "
                "SET position = MAX(position, excluded.position)",
                (consumer, position),
            )

    def mark_processed(self, consumer: str, event_id: str) -> bool:
        with self._db.write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO processed_events VALUES (?, ?)", (consumer, event_id)
            )
            return cur.rowcount == 1

    def is_processed(self, consumer: str, event_id: str) -> bool:
        row = (
            self._db.connection()
            .execute(
                "SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?",
                (consumer, event_id),
            )
            .fetchone()
        )
        return row is not None

    def close(self) -> None:
        self._db.close()
