"""SQLite document read model; each generation is a table of its own."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spice.adapters.embedded.sqlite_connection import SQLiteDatabase, chunks
from spice.application.ports.documents import (
    KIND_INSTANCE,
    BranchEdgeRows,
    DocKey,
    Document,
    DocumentStore,
    DocumentUnitOfWork,
    EdgeRows,
    Link,
    NodeRef,
    NodeRefs,
    PathStep,
)
from spice.application.serialization import dumps, loads

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
    PRIMARY KEY (db, branch, src_cls, src_id, predicate, dst_cls, dst_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_{gen}_in ON edges_{gen} (db, branch, dst_cls, dst_id, predicate);
"""
Rows = list[tuple[Any, ...]]  # rows as SQLite returns them
GENERATION = re.compile(r"^g[0-9]+$")
KEY_WHERE = "kind = ? AND db = ? AND branch = ? AND cls = ? AND id = ?"


def _doc(row: tuple) -> Document:
    return Document(DocKey(*row[:5]), row[5], bool(row[6]), row[7], loads(row[8]))


def _by_class(refs: Sequence[NodeRef], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """(class, ids) groups of at most `size` ids, for IN lists the indexes can serve."""
    grouped: dict[str, list[str]] = {}
    for cls, iid in dict.fromkeys(refs):
        grouped.setdefault(cls, []).append(iid)
    for cls, ids in grouped.items():
        for part in chunks(ids, size):
            yield cls, part


def _ends(reverse: bool) -> tuple[str, str]:
    """(near, far) column prefixes of an edge walked forward or in reverse."""
    return ("dst", "src") if reverse else ("src", "dst")


def _path_sql(
    gen: str, db: str, branch: str, start: Sequence[str], steps: Sequence[PathStep]
) -> tuple[str, list[Any]]:
    def marks(values: Sequence[str]) -> str:
        return ", ".join("?" * len(values))

    def live_target(i: int) -> str:
        # A link may point at a deleted instance: a path may end there, but a reverse step
        # must not leave from it (nor start there).
        return (
            f" AND EXISTS (SELECT 1 FROM docs_{gen} d{i} WHERE d{i}.kind = 'instance'"
            f" AND d{i}.db = e{i}.db AND d{i}.branch = e{i}.branch AND d{i}.cls = e{i}.dst_cls"
            f" AND d{i}.id = e{i}.dst_id AND d{i}.deleted = 0)"
        )

    inner, inner_args = "", list[Any]()
    for i in range(len(steps) - 1, 0, -1):
        predicate, reverse, allowed = steps[i]
        near, far = _ends(reverse)
        prev_far = _ends(steps[i - 1][1])[1]
        inner = (
            f" AND EXISTS (SELECT 1 FROM edges_{gen} e{i} WHERE e{i}.db = ? AND e{i}.branch = ?"
            f" AND e{i}.{near}_cls = e{i - 1}.{prev_far}_cls"
            f" AND e{i}.{near}_id = e{i - 1}.{prev_far}_id AND e{i}.predicate = ?"
            f" AND e{i}.{far}_cls IN ({marks(allowed)}){live_target(i) if reverse else ''}"
            f"{inner})"
        )
        inner_args = [db, branch, predicate, *allowed, *inner_args]
    predicate, reverse, allowed = steps[0]
    near, far = _ends(reverse)
    if reverse:
        inner += live_target(0)
    sql = (
        f"SELECT DISTINCT e0.{near}_cls, e0.{near}_id FROM edges_{gen} e0"
        f" WHERE e0.db = ? AND e0.branch = ? AND e0.{near}_cls IN ({marks(start)})"
        f" AND e0.predicate = ? AND e0.{far}_cls IN ({marks(allowed)}){inner}"
        f" ORDER BY 1, 2"
    )
    return sql, [db, branch, *start, predicate, *allowed, *inner_args]


class _UnitOfWork(DocumentUnitOfWork):
    def __init__(self, conn: sqlite3.Connection, gen: str) -> None:
        self._conn = conn
        self._gen = gen

    def checkpoint(self) -> int:
        row = self._conn.execute(
            "SELECT checkpoint FROM generations WHERE name = ?", (self._gen,)
        ).fetchone()
        return int(row[0])

    def set_checkpoint(self, position: int) -> None:
        self._conn.execute(
            "UPDATE generations SET checkpoint = ? WHERE name = ?", (position, self._gen)
        )

    def get(self, key: DocKey) -> Document | None:
        row = self._conn.execute(
            f"SELECT * FROM docs_{self._gen} WHERE {KEY_WHERE}",
            (key.kind, key.db, key.branch, key.cls, key.id),
        ).fetchone()
        return _doc(row) if row else None

    def put(self, doc: Document) -> None:
        k = doc.key
        self._conn.execute(
            f"INSERT OR REPLACE INTO docs_{self._gen} VALUES (?,?,?,?,?,?,?,?,?)",
            (
                k.kind,
                k.db,
                k.branch,
                k.cls,
                k.id,
                doc.seq,
                int(doc.deleted),
                doc.position,
                dumps(doc.body),
            ),
        )

    def set_edges(self, db: str, branch: str, source: NodeRef, links: Sequence[Link]) -> None:
        self._conn.execute(
            f"DELETE FROM edges_{self._gen} WHERE db = ? AND branch = ? AND src_cls = ? "
            "AND src_id = ?",
            (db, branch, *source),
        )
        self._conn.executemany(
            f"INSERT OR IGNORE INTO edges_{self._gen} VALUES (?,?,?,?,?,?,?)",
            [(db, branch, *source, *link) for link in links],
        )

    def tombstone_database(self, db: str, seq_note: int, position: int) -> None:
        self._conn.execute(f"DELETE FROM edges_{self._gen} WHERE db = ?", (db,))
        self._conn.execute(
            f"UPDATE docs_{self._gen} SET deleted = 1, position = ? "
            "WHERE db = ? AND kind != 'database' AND deleted = 0",
            (position, db),
        )

    def activate(self) -> None:
        self._conn.execute("UPDATE generations SET active = (name = ?)", (self._gen,))


class SQLiteDocumentStore(DocumentStore):
    def __init__(self, path: str | Path, synchronous: str = "NORMAL") -> None:
        self._without_edges: set[str] = set()
        self._db = SQLiteDatabase(path, synchronous)
        self._db.connection().executescript(SCHEMA)
        with self._db.write() as conn:
            if conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0] == 0:
                name = self._create_generation(conn)
                conn.execute("UPDATE generations SET active = 1 WHERE name = ?", (name,))
            for name, checkpoint in conn.execute("SELECT name, checkpoint FROM generations"):
                exists = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = ?", (f"edges_{name}",)
                ).fetchone()
                if not exists and checkpoint > 0:
                    self._without_edges.add(name)  # written before edges were projected
                self._create_edges(conn, self._check(name))

    def _check(self, generation: str) -> str:
        if not GENERATION.fullmatch(generation):
            raise ValueError(f"bad generation name {generation!r}")
        return generation

    def active_generation(self) -> str:
        row = (
            self._db.connection()
            .execute("SELECT name FROM generations WHERE active = 1")
            .fetchone()
        )
        return str(row[0])

    def new_generation(self) -> str:
        with self._db.write() as conn:
            return self._create_generation(conn)

    @staticmethod
    def _create_generation(conn: sqlite3.Connection) -> str:
        number = conn.execute("INSERT INTO generation_numbers DEFAULT VALUES").lastrowid
        conn.execute("DELETE FROM generation_numbers WHERE number < ?", (number,))
        name = f"g{number}"
        conn.execute("INSERT INTO generations VALUES (?, ?, 0, 0)", (name, number))
        conn.execute(DOCS.format(gen=name))
        SQLiteDocumentStore._create_edges(conn, name)
        return name

    @staticmethod
    def _create_edges(conn: sqlite3.Connection, name: str) -> None:
        for statement in EDGES.format(gen=name).split(";"):
            if statement.strip():
                conn.execute(statement)

    def activate(self, generation: str) -> None:
        with self._db.write() as conn:
            gen = self._check(generation)
            if conn.execute("SELECT 1 FROM generations WHERE name = ?", (gen,)).fetchone() is None:
                raise KeyError(generation)
            conn.execute("UPDATE generations SET active = (name = ?)", (gen,))

    def drop_generation(self, generation: str) -> None:
        with self._db.write() as conn:
            gen = self._check(generation)
            active = conn.execute(
                "SELECT active FROM generations WHERE name = ?", (gen,)
            ).fetchone()
            if active is None or active[0]:
                return
            conn.execute("DELETE FROM generations WHERE name = ?", (gen,))
            conn.execute(f"DROP TABLE IF EXISTS docs_{gen}")
            conn.execute(f"DROP TABLE IF EXISTS edges_{gen}")

    def generations(self) -> list[str]:
        rows = self._db.connection().execute("SELECT name FROM generations ORDER BY number")
        return [r[0] for r in rows]

    @contextmanager
    def unit_of_work(self, generation: str | None = None) -> Iterator[DocumentUnitOfWork]:
        with self._db.write() as conn:
            gen = generation or self._active_in(conn)
            yield _UnitOfWork(conn, self._check(gen))

    def _active_in(self, conn: sqlite3.Connection) -> str:
        return str(conn.execute("SELECT name FROM generations WHERE active = 1").fetchone()[0])

    def checkpoint(self, generation: str | None = None) -> int:
        conn = self._db.connection()
        if generation is None:
            row = conn.execute("SELECT checkpoint FROM generations WHERE active = 1").fetchone()
        else:
            row = conn.execute(
                "SELECT checkpoint FROM generations WHERE name = ?", (generation,)
            ).fetchone()
        return int(row[0]) if row else 0

    def get(self, key: DocKey, include_deleted: bool = False) -> Document | None:
        with self._db.read() as conn:
            gen = self._active_in(conn)
            row = conn.execute(
                f"SELECT * FROM docs_{gen} WHERE {KEY_WHERE}",
                (key.kind, key.db, key.branch, key.cls, key.id),
            ).fetchone()
        if row is None or (row[6] and not include_deleted):
            return None
        return _doc(row)

    def list(
        self,
        kind: str,
        db: str | None = None,
        branch: str | None = None,
        cls: str | Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[Document], int]:
        where, args = ["kind = ?", "deleted = 0"], [kind]
        for column, value in (("db", db), ("branch", branch)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if isinstance(cls, str):
            where.append("cls = ?")
            args.append(cls)
        elif cls is not None:
            where.append(f"cls IN ({', '.join('?' * len(cls))})")
            args.extend(cls)
        clause = " AND ".join(where)
        with self._db.read() as conn:
            gen = self._active_in(conn)
            total = conn.execute(f"SELECT COUNT(*) FROM docs_{gen} WHERE {clause}", args)
            count = int(total.fetchone()[0])
            rows = conn.execute(
                f"SELECT * FROM docs_{gen} WHERE {clause} "
                "ORDER BY kind, db, branch, cls, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return [_doc(r) for r in rows], count

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(
                f"SELECT * FROM docs_{gen} ORDER BY kind, db, branch, cls, id"
            ).fetchall()
        yield from (_doc(r) for r in rows)

    def instance_refs(
        self, db: str, branch: str, classes: Sequence[str], after: NodeRef | None, limit: int
    ) -> NodeRefs:
        # One primary-key range per class keeps the scan on the index.
        refs: NodeRefs = []
        with self._db.read() as conn:
            gen = self._active_in(conn)
            for cls in sorted(set(classes)):
                if after is not None and cls < after[0]:
                    continue
                start = after[1] if after is not None and cls == after[0] else ""
                rows = conn.execute(
                    f"SELECT cls, id FROM docs_{gen} WHERE kind = ? AND db = ? AND branch = ? "
                    "AND cls = ? AND id > ? AND deleted = 0 ORDER BY id LIMIT ?",
                    [KIND_INSTANCE, db, branch, cls, start, limit - len(refs)],
                ).fetchall()
                refs.extend((r[0], r[1]) for r in rows)
                if len(refs) >= limit:
                    break
        return refs

    def _rows_by_class(
        self, sql: str, before: Sequence[Any], refs: Sequence[NodeRef], after: Sequence[Any]
    ) -> Rows:
        """Run `sql` (with `{gen}` and an `{ids}` list) once per class of `refs`, its
        arguments being `before`, the class, its ids, then `after`, in one snapshot."""
        rows: Rows = []
        with self._db.read() as conn:
            gen = self._active_in(conn)
            for cls, ids in _by_class(refs):
                text = sql.format(gen=gen, ids=", ".join("?" * len(ids)))
                rows.extend(conn.execute(text, [*before, cls, *ids, *after]).fetchall())
        return rows

    def _instance_rows(self, columns: str, db: str, branch: str, refs: Sequence[NodeRef]) -> Rows:
        sql = (
            f"SELECT {columns} FROM docs_{{gen}} WHERE kind = ? AND db = ? AND branch = ? "
            "AND cls = ? AND id IN ({ids})"
        )
        return self._rows_by_class(sql, [KIND_INSTANCE, db, branch], refs, [])

    def instances(self, db: str, branch: str, refs: Sequence[NodeRef]) -> dict[NodeRef, Document]:
        rows = self._instance_rows("*", db, branch, refs)
        return {(row[3], row[4]): _doc(row) for row in rows}

    def instance_versions(
        self, db: str, branch: str, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, tuple[int, bool]]:
        rows = self._instance_rows("cls, id, seq, deleted", db, branch, refs)
        return {(r[0], r[1]): (int(r[2]), bool(r[3])) for r in rows}

    def edges(
        self, db: str, branch: str, nodes: Sequence[NodeRef], predicate: str, reverse: bool
    ) -> EdgeRows:
        # Outgoing edges are found through the primary key, incoming ones through the index
        # on the target; both lead with (db, branch, class) and take the ids as a list.
        near = "dst" if reverse else "src"
        sql = (
            "SELECT src_cls, src_id, predicate, dst_cls, dst_id FROM edges_{gen} "
            f"WHERE db = ? AND branch = ? AND {near}_cls = ? AND {near}_id IN ({{ids}}) "
            "AND predicate = ?"
        )
        rows = self._rows_by_class(sql, [db, branch], nodes, [predicate])
        rows.sort()
        return [((r[0], r[1]), r[2], (r[3], r[4])) for r in rows]

    def path_roots(
        self,
        db: str,
        branch: str,
        start: Sequence[str],
        steps: Sequence[PathStep],
        offset: int,
        limit: int,
    ) -> NodeRefs:
        # One statement: the first step's edges, each further step an EXISTS on the one
        # before, so SQLite walks the primary key (or the target index) in key order.
        if not steps:
            return super().path_roots(db, branch, start, steps, offset, limit)
        with self._db.read() as conn:
            gen = self._active_in(conn)
            sql, args = _path_sql(gen, db, branch, start, steps)
            rows = conn.execute(f"{sql} LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return [(r[0], r[1]) for r in rows]

    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(f"SELECT * FROM edges_{gen} ORDER BY 1, 2, 3, 4, 5, 6, 7")
            return [(r[0], r[1], ((r[2], r[3]), r[4], (r[5], r[6]))) for r in rows]

    def needs_rebuild(self) -> bool:
        return self.active_generation() in self._without_edges

    def close(self) -> None:
        self._db.close()
