"""SQLite command status store."""

from __future__ import annotations

from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.database import chunks
from spice.application.ports.command_status import CommandStatus, CommandStatusStore
from spice.domain.canonical import dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS command_status (
    command_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS command_status_final_updated
    ON command_status (json_extract(body, '$.updated_at'))
    WHERE status IN ('COMPLETED', 'FAILED');
"""


class SQLiteCommandStatusStore(CommandStatusStore):
    """Command statuses in a SQLite file of their own (one process reads and writes them)."""

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        self._db = SQLiteDatabase(path, synchronous)
        self._db.connection().executescript(SCHEMA)

    def insert_if_absent(self, status: CommandStatus) -> bool:
        return self.insert_many_if_absent([status])[0]

    def insert_many_if_absent(self, statuses: list[CommandStatus]) -> list[bool]:
        """One transaction for all of them."""
        with self._db.write() as conn:
            return [
                conn.execute(
                    "INSERT OR IGNORE INTO command_status VALUES (?, ?, ?, ?)",
                    (s.command_id, s.status, s.actor, dumps(s.to_dict())),
                ).rowcount
                == 1
                for s in statuses
            ]

    def save(self, status: CommandStatus) -> None:
        self.save_many([status])

    def save_many(self, statuses: list[CommandStatus]) -> None:
        with self._db.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO command_status VALUES (?, ?, ?, ?)",
                [(s.command_id, s.status, s.actor, dumps(s.to_dict())) for s in statuses],
            )

    def prune(self, before: str) -> int:
        with self._db.write() as conn:
            cur = conn.execute(
                "DELETE FROM command_status WHERE status IN ('COMPLETED', 'FAILED') "
                "AND json_extract(body, '$.updated_at') < ?",
                (before,),
            )
            return cur.rowcount

    def get(self, command_id: str) -> CommandStatus | None:
        row = (
            self._db.connection()
            .execute("SELECT body FROM command_status WHERE command_id = ?", (command_id,))
            .fetchone()
        )
        return CommandStatus.from_dict(loads(row[0])) if row else None

    def get_many(self, command_ids: list[str]) -> dict[str, CommandStatus]:
        found: dict[str, CommandStatus] = {}
        conn = self._db.connection()
        for part in chunks(command_ids):
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT command_id, body FROM command_status WHERE command_id IN ({marks})", part
            )
            found.update((r[0], CommandStatus.from_dict(loads(r[1]))) for r in rows)
        return found

    def close(self) -> None:
        self._db.close()
