"""PostgreSQL document and graph read model; each generation has tables of its own
(documents, edges, and the versions of both that later writes replaced)."""

from __future__ import annotations

from typing import Any

import psycopg

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.sql.documents import SQLDocumentStore

# Keys compare as bytes (COLLATE "C"), so pages come in the same order as on SQLite whatever
# the database's locale.
SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    name text PRIMARY KEY, number bigint NOT NULL, checkpoint bigint NOT NULL,
    active boolean NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS generation_numbers;
"""
TABLES = """
CREATE TABLE IF NOT EXISTS docs_{gen} (
    kind text COLLATE "C" NOT NULL, db text COLLATE "C" NOT NULL,
    branch text COLLATE "C" NOT NULL, cls text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL, deleted smallint NOT NULL, position bigint NOT NULL, body text NOT NULL,
    PRIMARY KEY (kind, db, branch, cls, id)
);
CREATE TABLE IF NOT EXISTS edges_{gen} (
    db text COLLATE "C" NOT NULL, branch text COLLATE "C" NOT NULL,
    src_cls text COLLATE "C" NOT NULL, src_id text COLLATE "C" NOT NULL,
    predicate text COLLATE "C" NOT NULL, dst_cls text COLLATE "C" NOT NULL,
    dst_id text COLLATE "C" NOT NULL, position bigint NOT NULL,
    PRIMARY KEY (db, branch, src_cls, src_id, predicate, dst_cls, dst_id)
);
CREATE INDEX IF NOT EXISTS edges_{gen}_in ON edges_{gen} (db, branch, dst_cls, dst_id, predicate);
CREATE TABLE IF NOT EXISTS hist_{gen} (
    kind text COLLATE "C" NOT NULL, db text COLLATE "C" NOT NULL,
    branch text COLLATE "C" NOT NULL, cls text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL, deleted smallint NOT NULL, position bigint NOT NULL, body text NOT NULL,
    valid_to bigint NOT NULL,
    PRIMARY KEY (kind, db, branch, cls, id, position)
);
CREATE TABLE IF NOT EXISTS edge_hist_{gen} (
    db text COLLATE "C" NOT NULL, branch text COLLATE "C" NOT NULL,
    src_cls text COLLATE "C" NOT NULL, src_id text COLLATE "C" NOT NULL,
    predicate text COLLATE "C" NOT NULL, dst_cls text COLLATE "C" NOT NULL,
    dst_id text COLLATE "C" NOT NULL, position bigint NOT NULL, valid_to bigint NOT NULL,
    PRIMARY KEY (db, branch, src_cls, src_id, predicate, dst_cls, dst_id, position)
);
CREATE INDEX IF NOT EXISTS edge_hist_{gen}_in
    ON edge_hist_{gen} (db, branch, dst_cls, dst_id, predicate);
CREATE TABLE IF NOT EXISTS commits_{gen} (
    db text COLLATE "C" NOT NULL, branch text COLLATE "C" NOT NULL, position bigint NOT NULL,
    command_id text COLLATE "C" NOT NULL, command_type text NOT NULL, actor text NOT NULL,
    occurred_at text COLLATE "C" NOT NULL, message text, event_count bigint NOT NULL,
    classes text NOT NULL, PRIMARY KEY (db, branch, position)
);
CREATE INDEX IF NOT EXISTS commits_{gen}_id ON commits_{gen} (db, command_id);
"""
# What a branch wrote after a position (a branch's search and diff), without a scan of
# every document of its database; made on open too, for generations made before it.
WRITTEN = """
CREATE INDEX IF NOT EXISTS docs_{gen}_written ON docs_{gen} (kind, db, branch, position)
"""


class PostgresDocumentStore(SQLDocumentStore):
    """Documents and edges on `db`, a pool the caller owns and closes after this store."""

    def __init__(self, db: PostgresDatabase) -> None:
        super().__init__(db, owns_db=False)
        self._outdated: set[str] = set()
        with db.migration("documents") as conn:
            conn.execute(SCHEMA)
            self._ensure_active(conn)
            # Generations written before versions and commits were kept are rebuilt.
            for (name,) in conn.execute(
                "SELECT name FROM generations g WHERE checkpoint > 0 AND NOT EXISTS "
                "(SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = 'commits_' || g.name)"
            ).fetchall():
                self._outdated.add(name)
            for (name,) in conn.execute("SELECT name FROM generations").fetchall():
                conn.execute(WRITTEN.format(gen=self._check(name)))

    def _create_generation(self, conn: psycopg.Connection) -> str:
        row = conn.execute("SELECT nextval('generation_numbers')").fetchone()
        assert row is not None  # nextval always returns a row
        number = row[0]
        name = f"g{number}"
        conn.execute("INSERT INTO generations VALUES (%s, %s, 0, false)", (name, number))
        for statement in (TABLES + WRITTEN).format(gen=name).split(";"):  # one at a time
            if statement.strip():
                conn.execute(statement)
        return name

    def _rows_by_ids(
        self, conn: psycopg.Connection, gen: str, cls_key: tuple[str, str, str, str], ids: list[str]
    ) -> list[Any]:
        # One lookup of the whole key per id (a lateral join loops over the ids). With
        # `id IN (...)` the planner, its statistics outgrown by a bulk load it had not
        # analysed yet, filtered the class's whole key range instead: a batch of the
        # document projector took 0.2-0.5 s once a class held 30,000 instances.
        return conn.execute(
            f"SELECT d.* FROM unnest(%s::text[]) AS u(id) CROSS JOIN LATERAL "
            f"(SELECT * FROM docs_{gen} WHERE kind = %s AND db = %s AND branch = %s "
            f"AND cls = %s AND id = u.id) AS d",
            (ids, *cls_key),
        ).fetchall()

    def needs_rebuild(self) -> bool:
        return self.active_generation() in self._outdated
