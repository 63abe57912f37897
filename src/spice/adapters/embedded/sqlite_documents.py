"""SQLite document read model; each generation has tables of its own (documents, edges, and
the versions of both that later writes replaced)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase
from spice.adapters.sql.documents import SQLDocumentStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    name TEXT PRIMARY KEY, number INTEGER NOT NULL, checkpoint INTEGER NOT NULL,
    active INTEGER NOT NULL
);
-- Hands out generation numbers; AUTOINCREMENT never reuses one, even after a drop.
CREATE TABLE IF NOT EXISTS generation_numbers (number INTEGER PRIMARY KEY AUTOINCREMENT);
"""
DOCS = """
CREATE TABLE IF NOT EXISTS docs_{gen} (
    kind TEXT NOT NULL, db TEXT NOT NULL, branch TEXT NOT NULL, cls TEXT NOT NULL,
    id TEXT NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL, position INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (kind, db, branch, cls, id)
) WITHOUT ROWID
"""
EDGES = """
CREATE TABLE IF NOT EXISTS edges_{gen} (
    db TEXT NOT NULL, branch TEXT NOT NULL, src_cls TEXT NOT NULL, src_id TEXT NOT NULL,
    predicate TEXT NOT NULL, dst_cls TEXT NOT NULL, dst_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (db, branch, src_cls, src_id, predicate, dst_cls, dst_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_{gen}_in ON edges_{gen} (db, branch, dst_cls, dst_id, predicate);
"""
VERSIONS = """
CREATE TABLE IF NOT EXISTS hist_{gen} (
    kind TEXT NOT NULL, db TEXT NOT NULL, branch TEXT NOT NULL, cls TEXT NOT NULL,
    id TEXT NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL, position INTEGER NOT NULL,
    body TEXT NOT NULL, valid_to INTEGER NOT NULL,
    PRIMARY KEY (kind, db, branch, cls, id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edge_hist_{gen} (
    db TEXT NOT NULL, branch TEXT NOT NULL, src_cls TEXT NOT NULL, src_id TEXT NOT NULL,
    predicate TEXT NOT NULL, dst_cls TEXT NOT NULL, dst_id TEXT NOT NULL,
    position INTEGER NOT NULL, valid_to INTEGER NOT NULL,
    PRIMARY KEY (db, branch, src_cls, src_id, predicate, dst_cls, dst_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edge_hist_{gen}_in
    ON edge_hist_{gen} (db, branch, dst_cls, dst_id, predicate);
CREATE TABLE IF NOT EXISTS commits_{gen} (
    db TEXT NOT NULL, branch TEXT NOT NULL, position INTEGER NOT NULL,
    command_id TEXT NOT NULL, command_type TEXT NOT NULL, actor TEXT NOT NULL,
    occurred_at TEXT NOT NULL, message TEXT, event_count INTEGER NOT NULL,
    classes TEXT NOT NULL, PRIMARY KEY (db, branch, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS commits_{gen}_id ON commits_{gen} (db, command_id);
"""
# What a branch wrote after a position (a branch's search and diff), without a scan of
# every document of its database.
WRITTEN = """
CREATE INDEX IF NOT EXISTS docs_{gen}_written ON docs_{gen} (kind, db, branch, position)
"""


class SQLiteDocumentStore(SQLDocumentStore):
    """Documents and graph edges in a SQLite file, a pair of tables per generation."""

    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        self._outdated: set[str] = set()
        db = SQLiteDatabase(path, synchronous)
        super().__init__(db)
        db.connection().executescript(SCHEMA)
        with db.write() as conn:
            self._ensure_active(conn)
            for name, checkpoint in conn.execute("SELECT name, checkpoint FROM generations"):
                # Written before edges, their versions or commits were projected.
                found = conn.execute(
                    f"SELECT COUNT(*) FROM sqlite_master WHERE name IN ({', '.join('?' * 4)})",
                    [f"{t}_{name}" for t in ("edges", "hist", "edge_hist", "commits")],
                ).fetchone()[0]
                if found < 4 and checkpoint > 0:
                    self._outdated.add(name)
                    conn.execute(f"DROP TABLE IF EXISTS edges_{self._check(name)}")
                self._create_edges(conn, self._check(name))

    def _create_generation(self, conn: sqlite3.Connection) -> str:
        number = conn.execute("INSERT INTO generation_numbers DEFAULT VALUES").lastrowid
        conn.execute("DELETE FROM generation_numbers WHERE number < ?", (number,))
        name = f"g{number}"
        conn.execute("INSERT INTO generations VALUES (?, ?, 0, 0)", (name, number))
        conn.execute(DOCS.format(gen=name))
        self._create_edges(conn, name)
        return name

    @staticmethod
    def _create_edges(conn: sqlite3.Connection, name: str) -> None:
        for statement in (EDGES + VERSIONS + ";" + WRITTEN).format(gen=name).split(";"):
            if statement.strip():
                conn.execute(statement)

    def needs_rebuild(self) -> bool:
        return self.active_generation() in self._outdated
