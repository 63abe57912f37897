"""The consumer registry on a SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

from spice.adapters.sql.database import SQLDatabase, placeholders
from spice.application.ports.consumer_registry import ConsumerRegistry

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (consumer TEXT PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (consumer, event_id)
);
"""


class SQLConsumerRegistry(ConsumerRegistry):
    """`greatest` is the dialect's two-argument maximum (MAX on SQLite, GREATEST elsewhere)."""

    def __init__(self, db: SQLDatabase, greatest: str) -> None:
        self._db = db
        self._q = placeholders(db.mark)
        self._greatest = greatest

    def checkpoint(self, consumer: str) -> int:
        with self._db.query() as conn:
            row = conn.execute(
                self._q("SELECT position FROM checkpoints WHERE consumer = ?"), (consumer,)
            ).fetchone()
        return int(row[0]) if row else 0

    def save_checkpoint(self, consumer: str, position: int) -> None:
        with self._db.write() as conn:
            conn.execute(
                self._q(
                    "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE "
                    f"SET position = {self._greatest}(checkpoints.position, excluded.position)"
                ),
                (consumer, position),
            )

    def mark_processed(self, consumer: str, event_id: str) -> bool:
        with self._db.write() as conn:
            row = conn.execute(
                self._q(
                    "INSERT INTO processed_events VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING 1"
                ),
                (consumer, event_id),
            ).fetchone()
            return row is not None

    def is_processed(self, consumer: str, event_id: str) -> bool:
        with self._db.query() as conn:
            row = conn.execute(
                self._q("SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?"),
                (consumer, event_id),
            ).fetchone()
        return row is not None

    def close(self) -> None:
        self._db.close()
