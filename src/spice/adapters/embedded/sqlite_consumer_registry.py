"""SQLite consumer registry: checkpoints and processed event ids."""

from __future__ import annotations

from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.consumer_registry import SCHEMA, SQLConsumerRegistry


class SQLiteConsumerRegistry(SQLConsumerRegistry):
    """Checkpoints, processed events and leases in a SQLite file."""

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        db = SQLiteDatabase(path, synchronous)
        db.connection().executescript(SCHEMA)
        super().__init__(db, greatest="MAX")
