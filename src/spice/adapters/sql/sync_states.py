"""Connectors' sync states on a SQL database (SQLite or PostgreSQL): a row per connector
holding the state as JSON."""

from __future__ import annotations

import dataclasses

import orjson

from spice.adapters.sql.database import SQLDatabase, placeholders
from spice.application.ports.sources import SyncState, SyncStates

SCHEMA = """
CREATE TABLE IF NOT EXISTS connector_sync_states (
    database_name TEXT NOT NULL, connector TEXT NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (database_name, connector)
);
"""
UPSERT = (
    "INSERT INTO connector_sync_states VALUES (?, ?, ?) ON CONFLICT (database_name, connector) "
    "DO UPDATE SET state = excluded.state"
)


def _state(raw: str | bytes) -> SyncState:
    return SyncState(**orjson.loads(raw))


class SQLSyncStates(SyncStates):
    def __init__(self, db: SQLDatabase, owns_db: bool = True) -> None:
        self._db = db
        self._owns_db = owns_db
        self._q = placeholders(db.mark)

    def get(self, database: str, connector: str) -> SyncState | None:
        with self._db.query() as conn:
            row = conn.execute(
                self._q(
                    "SELECT state FROM connector_sync_states "
                    "WHERE database_name = ? AND connector = ?"
                ),
                (database, connector),
            ).fetchone()
        return _state(row[0]) if row else None

    def put(self, state: SyncState) -> None:
        raw = orjson.dumps(dataclasses.asdict(state)).decode()
        with self._db.write() as conn:
            conn.execute(self._q(UPSERT), (state.database, state.connector, raw))

    def all(self, database: str | None = None) -> list[SyncState]:
        sql = "SELECT state FROM connector_sync_states"
        args: tuple[str, ...] = ()
        if database is not None:
            sql, args = f"{sql} WHERE database_name = ?", (database,)
        with self._db.query() as conn:
            rows = conn.execute(self._q(f"{sql} ORDER BY database_name, connector"), args)
            return [_state(r[0]) for r in rows.fetchall()]

    def forget(self, database: str, connector: str) -> None:
        with self._db.write() as conn:
            conn.execute(
                self._q(
                    "DELETE FROM connector_sync_states WHERE database_name = ? AND connector = ?"
                ),
                (database, connector),
            )

    def close(self) -> None:
        if self._owns_db:
            self._db.close()
