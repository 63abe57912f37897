"""The unit of work of the SQL document read model: one write transaction of the document
projector, on one generation's tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from spice.adapters.sql.database import Placeholders, chunks
from spice.adapters.sql.document_rows import (
    HEAD_COLUMNS,
    KEY_WHERE,
    SAVE_EDGES,
    SAVE_VERSION,
    UPSERT_DOC,
    doc_of,
)
from spice.application.ports.commits import Commit
from spice.application.ports.document_projection import DocumentUnitOfWork
from spice.application.ports.documents import (
    KIND_INSTANCE,
    VERSIONED,
    DocKey,
    Document,
    Link,
    NodeRef,
)
from spice.domain.canonical import dumps

# (connection, generation, (kind, db, branch, class), ids) -> rows of those documents
RowsByIds = Callable[[Any, str, tuple[str, str, str, str], list[str]], list[Any]]


class SQLUnitOfWork(DocumentUnitOfWork):
    """Documents read (prefetched or not) and written in this unit are known: a second
    read is answered from memory, and a document known to be new saves no version and has
    no edges to keep or replace."""

    def __init__(self, conn: Any, gen: str, q: Placeholders, rows_by_ids: RowsByIds) -> None:
        self._conn = conn
        self._gen = gen
        self._q = q
        self._rows_by_ids = rows_by_ids
        self._known: dict[DocKey, Document | None] = {}
        # Written here when absent before, and no edges written for them since.
        self._new: set[DocKey] = set()

    def checkpoint(self) -> int:
        row = self._conn.execute(
            self._q("SELECT checkpoint FROM generations WHERE name = ?"), (self._gen,)
        ).fetchone()
        return int(row[0])

    def set_checkpoint(self, position: int) -> None:
        self._conn.execute(
            self._q("UPDATE generations SET checkpoint = ? WHERE name = ?"), (position, self._gen)
        )

    def get(self, key: DocKey) -> Document | None:
        if key in self._known:
            return self._known[key]
        row = self._conn.execute(
            self._q(f"SELECT * FROM docs_{self._gen} WHERE {KEY_WHERE}"),
            (key.kind, key.db, key.branch, key.cls, key.id),
        ).fetchone()
        self._known[key] = found = doc_of(row) if row else None
        return found

    def prefetch(self, keys: Sequence[DocKey]) -> None:
        wanted: dict[tuple[str, str, str, str], list[str]] = {}
        for k in dict.fromkeys(keys):
            if k not in self._known:
                wanted.setdefault((k.kind, k.db, k.branch, k.cls), []).append(k.id)
        for (kind, db, branch, cls), ids in wanted.items():
            for part in chunks(ids, 500):
                rows = self._rows_by_ids(self._conn, self._gen, (kind, db, branch, cls), part)
                found = {doc.key.id: doc for doc in map(doc_of, rows)}
                for iid in part:
                    self._known[DocKey(kind, db, branch, cls, iid)] = found.get(iid)

    def version_at(self, key: DocKey, until: int | None) -> Document | None:
        args = (key.kind, key.db, key.branch, key.cls, key.id)
        row = self._conn.execute(
            self._q(f"SELECT * FROM docs_{self._gen} WHERE {KEY_WHERE}"), args
        ).fetchone()
        if row is not None and (until is None or row[7] <= until):
            return doc_of(row)
        if row is None or until is None:
            return None
        old = self._conn.execute(
            self._q(
                f"SELECT {HEAD_COLUMNS}, body, valid_to FROM hist_{self._gen}"
                f" WHERE {KEY_WHERE} AND position <= ? ORDER BY position DESC LIMIT 1"
            ),
            (*args, until),
        ).fetchone()
        # The newest version begun by then (one index seek), unless it had ended by then.
        return doc_of(old[:-1]) if old is not None and old[-1] > until else None

    def put(self, doc: Document) -> None:
        k = doc.key
        fresh = k in self._known and self._known[k] is None
        if fresh:
            self._new.add(k)
        else:
            self._new.discard(k)
        self._known[k] = doc
        if k.kind in VERSIONED and not fresh:
            self._conn.execute(
                self._q(SAVE_VERSION.format(gen=self._gen)),
                (doc.position, k.kind, k.db, k.branch, k.cls, k.id),
            )
        self._conn.execute(
            self._q(UPSERT_DOC.format(gen=self._gen)),
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

    def set_edges(
        self, db: str, branch: str, source: NodeRef, links: Sequence[Link], position: int
    ) -> None:
        key = DocKey(KIND_INSTANCE, db, branch, *source)
        if key in self._new:
            self._new.discard(key)  # its edges, if any, are written now
        else:
            self._conn.execute(
                self._q(SAVE_EDGES.format(gen=self._gen)), (position, db, branch, *source)
            )
            self._conn.execute(
                self._q(
                    f"DELETE FROM edges_{self._gen} WHERE db = ? AND branch = ? "
                    "AND src_cls = ? AND src_id = ?"
                ),
                (db, branch, *source),
            )
        if links:
            self._conn.cursor().executemany(
                self._q(
                    f"INSERT INTO edges_{self._gen} VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"
                ),
                [(db, branch, *source, *link, position) for link in links],
            )

    def tombstone_database(self, db: str, seq_note: int, position: int) -> None:
        self._known = {k: d for k, d in self._known.items() if k.db != db}
        self._new = {k for k in self._new if k.db != db}
        self._conn.execute(self._q(f"DELETE FROM edges_{self._gen} WHERE db = ?"), (db,))
        self._conn.execute(
            self._q(
                f"UPDATE docs_{self._gen} SET deleted = 1, position = ? "
                "WHERE db = ? AND kind != 'database' AND deleted = 0"
            ),
            (position, db),
        )

    def add_commit(self, commit: Commit) -> None:
        self._conn.execute(
            self._q(
                f"INSERT INTO commits_{self._gen} VALUES (?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT DO NOTHING"
            ),
            (
                commit.db,
                commit.branch,
                commit.position,
                commit.command_id,
                commit.command_type,
                commit.actor,
                commit.occurred_at,
                commit.message,
                commit.event_count,
                "".join(f" {c} " for c in commit.classes),
            ),
        )

    def activate(self) -> None:
        self._conn.execute(self._q("UPDATE generations SET active = (name = ?)"), (self._gen,))
