"""The document read model on a SQL database; each generation has tables of its own
(documents, graph edges, the versions of both that later writes replaced, and commits). The
statements are shared by SQLite and PostgreSQL; the dialects give the table definitions and
how a generation number is handed out.

Reads go through `spice.application.overlay` over the levels this store answers
(`document_levels.py`); writes through its unit of work (`document_writes.py`)."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from spice.adapters.sql.database import SQLDatabase, placeholders
from spice.adapters.sql.document_levels import SQLLevelView
from spice.adapters.sql.document_rows import Rows, commit_of, doc_of, marks
from spice.adapters.sql.document_writes import SQLUnitOfWork
from spice.adapters.sql.graph_paths import path_sql
from spice.application.overlay.store import DocumentStore
from spice.application.ports.commits import Commit, CommitFilter, Commits
from spice.application.ports.document_levels import LevelView
from spice.application.ports.document_projection import DocumentUnitOfWork
from spice.application.ports.documents import (
    KIND_INSTANCE,
    BranchEdgeRows,
    Document,
    NodeRefs,
    PathStep,
    plain,
)
from spice.domain.branching import Lineage

GENERATION = re.compile(r"^g[0-9]+$")


class SQLDocumentStore(DocumentStore):
    """Documents and edges per generation; `generations` says which one is active."""

    def __init__(self, db: SQLDatabase, owns_db: bool = True) -> None:
        self._db = db
        self._owns_db = owns_db  # a pool handed in by bootstrap is closed there
        self._q = placeholders(db.mark)

    @abstractmethod
    def _create_generation(self, conn: Any) -> str:
        """Allocate a generation number never used before and create its tables."""

    def _rows_by_ids(
        self, conn: Any, gen: str, cls_key: tuple[str, str, str, str], ids: list[str]
    ) -> list[Any]:
        """The rows of documents `ids` of one (kind, db, branch, class), in one statement."""
        return conn.execute(
            self._q(
                f"SELECT * FROM docs_{gen} WHERE kind = ? AND db = ? AND branch = ? AND cls = ? "
                f"AND id IN ({','.join('?' * len(ids))})"
            ),
            [*cls_key, *ids],
        ).fetchall()

    def _ensure_active(self, conn: Any) -> None:
        """Create and activate a first generation in an empty store."""
        if conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0] == 0:
            name = self._create_generation(conn)
            conn.execute(self._q("UPDATE generations SET active = (name = ?)"), (name,))

    def _check(self, generation: str) -> str:
        if not GENERATION.fullmatch(generation):
            raise ValueError(f"bad generation name {generation!r}")
        return generation

    def active_generation(self) -> str:
        with self._db.query() as conn:
            return self._active_in(conn)

    def new_generation(self) -> str:
        with self._db.write() as conn:
            return self._create_generation(conn)

    def activate(self, generation: str) -> None:
        with self._db.write() as conn:
            gen = self._check(generation)
            found = conn.execute(self._q("SELECT 1 FROM generations WHERE name = ?"), (gen,))
            if found.fetchone() is None:
                raise KeyError(generation)
            conn.execute(self._q("UPDATE generations SET active = (name = ?)"), (gen,))

    def drop_generation(self, generation: str) -> None:
        with self._db.write() as conn:
            gen = self._check(generation)
            active = conn.execute(
                self._q("SELECT active FROM generations WHERE name = ?"), (gen,)
            ).fetchone()
            if active is None or active[0]:
                return
            conn.execute(self._q("DELETE FROM generations WHERE name = ?"), (gen,))
            for table in ("docs", "edges", "hist", "edge_hist", "commits"):
                conn.execute(f"DROP TABLE IF EXISTS {table}_{gen}")

    def generations(self) -> list[str]:
        with self._db.query() as conn:
            rows = conn.execute("SELECT name FROM generations ORDER BY number").fetchall()
        return [r[0] for r in rows]

    @contextmanager
    def unit_of_work(self, generation: str | None = None) -> Iterator[DocumentUnitOfWork]:
        with self._db.write() as conn:
            gen = generation or self._active_in(conn)
            yield SQLUnitOfWork(conn, self._check(gen), self._q, self._rows_by_ids)

    @contextmanager
    def levels(self) -> Iterator[LevelView]:
        with self._db.read() as conn:
            yield SQLLevelView(conn, self._active_in(conn), self._q)

    def _active_in(self, conn: Any) -> str:
        return str(conn.execute("SELECT name FROM generations WHERE active").fetchone()[0])

    def checkpoint(self, generation: str | None = None) -> int:
        with self._db.query() as conn:
            if generation is None:
                row = conn.execute("SELECT checkpoint FROM generations WHERE active").fetchone()
            else:
                row = conn.execute(
                    self._q("SELECT checkpoint FROM generations WHERE name = ?"), (generation,)
                ).fetchone()
        return int(row[0]) if row else 0

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(
                f"SELECT * FROM docs_{gen} ORDER BY kind, db, branch, cls, id"
            ).fetchall()
        yield from (doc_of(r) for r in rows)

    def query_path_roots(
        self,
        db: str,
        branch: str,
        start: Sequence[str],
        steps: Sequence[PathStep],
        offset: int,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs | None:
        # Reads that overlay branches or versions are left to the caller's walk.
        if not steps or not plain(self.read_lineage(KIND_INSTANCE, db, branch, as_of)):
            return None
        with self._db.read() as conn:
            sql, args = path_sql(self._active_in(conn), db, branch, start, steps)
            rows = conn.execute(
                self._q(f"{sql} LIMIT ? OFFSET ?"), [*args, limit, offset]
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def commits(
        self, db: str, lineage: Lineage, where: CommitFilter, offset: int, limit: int
    ) -> tuple[Commits, int]:
        text, args = _commit_where(db, lineage, where)
        with self._db.read() as conn:
            source = f"commits_{self._active_in(conn)} WHERE {text}"
            total = conn.execute(self._q(f"SELECT COUNT(*) FROM {source}"), args).fetchone()[0]
            rows: Rows = conn.execute(
                self._q(f"SELECT * FROM {source} ORDER BY position DESC LIMIT ? OFFSET ?"),
                [*args, limit, offset],
            ).fetchall()
        return [commit_of(r) for r in rows], int(total)

    def commit(self, db: str, command_id: str) -> Commit | None:
        with self._db.read() as conn:
            gen = self._active_in(conn)
            row = conn.execute(
                self._q(f"SELECT * FROM commits_{gen} WHERE db = ? AND command_id = ?"),
                (db, command_id),
            ).fetchone()
        return commit_of(row) if row else None

    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(f"SELECT * FROM edges_{gen} ORDER BY 1, 2, 3, 4, 5, 6, 7")
            return [(r[0], r[1], ((r[2], r[3]), r[4], (r[5], r[6]))) for r in rows]

    def close(self) -> None:
        if self._owns_db:
            self._db.close()


def _commit_where(db: str, lineage: Lineage, where: CommitFilter) -> tuple[str, list[Any]]:
    """The condition on `commits_*` of the commits `lineage` sees (each level's up to its
    cut) that `where` lets through, with its arguments."""
    levels, args = [], list[Any]()
    for level in lineage:
        levels.append("branch = ?" + ("" if level.until is None else " AND position <= ?"))
        args += [level.branch] + ([] if level.until is None else [level.until])
    clauses = ["db = ?", f"({' OR '.join(f'({lv})' for lv in levels)})"]
    args = [db, *args]
    for clause, value in (
        ("actor = ?", where.actor),
        ("occurred_at >= ?", where.since),
        ("occurred_at <= ?", where.until),
        ("classes LIKE ?", None if where.cls is None else f"% {where.cls} %"),
    ):
        if value is not None:
            clauses.append(clause)
            args.append(value)
    if where.command_ids is not None:
        ids = sorted(where.command_ids) or [""]
        clauses.append(f"command_id IN ({marks(ids)})")
        args += ids
    return " AND ".join(clauses), args
