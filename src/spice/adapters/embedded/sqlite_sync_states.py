"""Connectors' sync states in a SQLite file."""

from __future__ import annotations

from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.sync_states import SCHEMA, SQLSyncStates


class SQLiteSyncStates(SQLSyncStates):
    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        db = SQLiteDatabase(path, synchronous)
        db.connection().executescript(SCHEMA)
        super().__init__(db)
