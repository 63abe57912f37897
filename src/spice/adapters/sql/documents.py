"""The document read model on a SQL database; each generation is a pair of tables of its own
(documents and graph edges). The statements are shared by SQLite and PostgreSQL; the dialects
give the table definitions and how a generation number is handed out."""

from __future__ import annotations

import re
from abc import abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from heapq import merge
from typing import Any

from spice.adapters.sql.database import Placeholders, SQLDatabase, chunks, placeholders
from spice.application.ports.documents import (
    KIND_INSTANCE,
    VERSIONED,
    BranchEdgeRows,
    Commit,
    CommitFilter,
    Commits,
    DocKey,
    Document,
    DocumentStore,
    DocumentUnitOfWork,
    EdgeRows,
    Link,
    NodeRef,
    NodeRefs,
    PathStep,
    plain,
)
from spice.domain.branching import Lineage
from spice.domain.canonical import dumps, loads

Rows = list[tuple[Any, ...]]  # rows as the driver returns them
Documents = list[Document]
GENERATION = re.compile(r"^g[0-9]+$")


def _doc(row: tuple) -> Document:
    return Document(DocKey(*row[:5]), row[5], bool(row[6]), row[7], loads(row[8]))


def _commit(row: tuple) -> Commit:
    db, branch, position, command_id, command_type, actor, at, message, count, classes = row
    return Commit(
        db,
        branch,
        position,
        command_id,
        command_type,
        actor,
        at,
        message,
        count,
        tuple(classes.split()),
    )


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


KEY_WHERE = "kind = ? AND db = ? AND branch = ? AND cls = ? AND id = ?"
UPSERT_DOC = (
    "INSERT INTO docs_{gen} VALUES (?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (kind, db, branch, cls, id) DO UPDATE SET seq = excluded.seq, "
    "deleted = excluded.deleted, position = excluded.position, body = excluded.body"
)


# The version a write replaces, kept with the position where it stopped being current.
SAVE_VERSION = (
    "INSERT INTO hist_{gen} SELECT kind, db, branch, cls, id, seq, deleted, position, body, ? "
    f"FROM docs_{{gen}} WHERE {KEY_WHERE} ON CONFLICT DO NOTHING"
)
SAVE_EDGES = (
    "INSERT INTO edge_hist_{gen} SELECT db, branch, src_cls, src_id, predicate, dst_cls, "
    "dst_id, position, ? FROM edges_{gen} WHERE db = ? AND branch = ? AND src_cls = ? "
    "AND src_id = ? ON CONFLICT DO NOTHING"
)
DOC_COLUMNS = (
    "x.kind AS kind, x.db AS db, CAST(? AS TEXT) AS branch, x.cls AS cls, x.id AS id, "
    "x.seq AS seq, x.deleted AS deleted, x.position AS position, x.body AS body"
)
EDGE_COLUMNS = "x.src_cls, x.src_id, x.predicate, x.dst_cls, x.dst_id"
KEY_COLUMNS = "x.cls AS cls, x.id AS id, x.deleted AS deleted"
# A branch's list page is read from its base level's own rows when the documents the
# levels above wrote (and the base since its cut) are at most this many.
MAX_LIST_DIFFERENCES = 2000


# A level's cut on documents is written `+position`: the unary plus keeps the planner from
# reading a level through the index of positions (`docs_*_written`, made for what a branch
# wrote since a point), which would read all of a big level to sort it again, instead of
# its primary key in id order.
CUT = "+"


def _shadowed(gen: str, above: Lineage, kind: str, cls: str, iid: str) -> tuple[str, list[Any]]:
    """Conditions that keep a row of a lower level out when a level `above` it has any
    version of the same document (deleted ones too) at that level's cut."""
    sql, args = "", list[Any]()
    match = f"s.kind = {kind} AND s.db = x.db AND s.branch = ? AND s.cls = {cls} AND s.id = {iid}"
    for level in above:
        if level.until is None:
            sql += f" AND NOT EXISTS (SELECT 1 FROM docs_{gen} s WHERE {match})"
            args.append(level.branch)
        else:
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM docs_{gen} s WHERE {match}"
                f" AND {CUT}s.position <= ?)"
                f" AND NOT EXISTS (SELECT 1 FROM hist_{gen} s WHERE {match} AND s.position <= ?)"
            )
            args += [level.branch, level.until, level.branch, level.until]
    return sql, args


def _overlay(
    gen: str,
    lineage: Lineage,
    where: str,
    args: Sequence[Any],
    edges: bool = False,
    keys_only: bool = False,
) -> tuple[str, list[Any]]:
    """SQL of the document rows (or edge rows) matching `where` (on alias x, without the
    branch) that `lineage` sees: at each level the version current at its cut, unless a
    level above has the document. Documents are keyed on the lineage's first branch.
    `keys_only` selects only class, id and deleted: narrow rows to sort and page."""
    parts, params = [], list[Any]()
    table, versions = ("edges", "edge_hist") if edges else ("docs", "hist")
    head: list[Any]
    for i, level in enumerate(lineage):
        if edges:
            shadow, shadow_args = _shadowed(gen, lineage[:i], "'instance'", "x.src_cls", "x.src_id")
            columns, head = EDGE_COLUMNS, []
        elif keys_only:
            shadow, shadow_args = _shadowed(gen, lineage[:i], "x.kind", "x.cls", "x.id")
            columns, head = KEY_COLUMNS, []
        else:
            shadow, shadow_args = _shadowed(gen, lineage[:i], "x.kind", "x.cls", "x.id")
            columns, head = DOC_COLUMNS, [lineage[0].branch]
        cut = "" if level.until is None else f" AND {CUT}x.position <= ?"
        cuts = [] if level.until is None else [level.until]
        parts.append(
            f"SELECT {columns} FROM {table}_{gen} x WHERE x.branch = ? AND {where}{cut}{shadow}"
        )
        params += [*head, level.branch, *args, *cuts, *shadow_args]
        if level.until is not None:
            parts.append(
                f"SELECT {columns} FROM {versions}_{gen} x WHERE x.branch = ? AND {where}"
                f" AND x.position <= ? AND x.valid_to > ?{shadow}"
            )
            params += [*head, level.branch, *args, level.until, level.until, *shadow_args]
    return " UNION ALL ".join(parts), params


def _row_in(
    conn: Any, q: Placeholders, gen: str, key: DocKey, lineage: Lineage
) -> tuple[Any, ...] | None:
    """The row of one document as `lineage` sees it, keyed on the lineage's first branch:
    at each level the current row if it is within the cut, else the newest replaced version
    within it (one index seek each), else the next level."""
    name = lineage[0].branch
    for level in lineage:
        args = (key.kind, key.db, level.branch, key.cls, key.id)
        row = conn.execute(q(f"SELECT * FROM docs_{gen} WHERE {KEY_WHERE}"), args).fetchone()
        if row is not None and (level.until is None or row[7] <= level.until):
            return (*row[:2], name, *row[3:])
        if level.until is None:
            continue
        old = conn.execute(
            q(
                f"SELECT kind, db, branch, cls, id, seq, deleted, position, body FROM hist_{gen} "
                f"WHERE {KEY_WHERE} AND position <= ? ORDER BY position DESC LIMIT 1"
            ),
            (*args, level.until),
        ).fetchone()
        if old is not None:
            return (*old[:2], name, *old[3:])
    return None


# (connection, generation, (kind, db, branch, class), ids) -> rows of those documents
RowsByIds = Callable[[Any, str, tuple[str, str, str, str], list[str]], list[Any]]


class _UnitOfWork(DocumentUnitOfWork):
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
        self._known[key] = found = _doc(row) if row else None
        return found

    def prefetch(self, keys: Sequence[DocKey]) -> None:
        wanted: dict[tuple[str, str, str, str], list[str]] = {}
        for k in dict.fromkeys(keys):
            if k not in self._known:
                wanted.setdefault((k.kind, k.db, k.branch, k.cls), []).append(k.id)
        for (kind, db, branch, cls), ids in wanted.items():
            for part in chunks(ids, 500):
                rows = self._rows_by_ids(self._conn, self._gen, (kind, db, branch, cls), part)
                found = {doc.key.id: doc for doc in map(_doc, rows)}
                for iid in part:
                    self._known[DocKey(kind, db, branch, cls, iid)] = found.get(iid)

    def get_in(self, key: DocKey, lineage: Lineage) -> Document | None:
        row = _row_in(self._conn, self._q, self._gen, key, lineage)
        return _doc(row) if row else None

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
            yield _UnitOfWork(conn, self._check(gen), self._q, self._rows_by_ids)

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

    def get(
        self, key: DocKey, include_deleted: bool = False, as_of: int | None = None
    ) -> Document | None:
        lineage = self.read_lineage(key.kind, key.db, key.branch, as_of)
        with self._db.read() as conn:
            gen = self._active_in(conn)
            if plain(lineage):
                row = conn.execute(
                    self._q(f"SELECT * FROM docs_{gen} WHERE {KEY_WHERE}"),
                    (key.kind, key.db, key.branch, key.cls, key.id),
                ).fetchone()
            else:
                row = _row_in(conn, self._q, gen, key, lineage)
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
        as_of: int | None = None,
    ) -> tuple[list[Document], int]:
        lineage = self.read_lineage(kind, db, branch, as_of)
        if not plain(lineage):
            return self._list_overlay(lineage, kind, str(db), cls, offset, limit)
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
            source = f"docs_{self._active_in(conn)} WHERE {clause}"
            order = "kind, db, branch, cls, id"
            rows, count = self._counted(conn, source, args, order, limit, offset)
        return [_doc(r) for r in rows], count

    def _counted(
        self, conn: Any, source: str, args: Sequence[Any], order: str, limit: int, offset: int
    ) -> tuple[Rows, int]:
        """A page of the rows of `source` (a table or subquery, with its conditions) in
        `order`, and how many there are in all."""
        total = conn.execute(self._q(f"SELECT COUNT(*) FROM {source}"), args).fetchone()[0]
        rows = conn.execute(
            self._q(f"SELECT * FROM {source} ORDER BY {order} LIMIT ? OFFSET ?"),
            [*args, limit, offset],
        ).fetchall()
        return rows, int(total)

    def _list_overlay(
        self,
        lineage: Lineage,
        kind: str,
        db: str,
        cls: str | Sequence[str] | None,
        offset: int,
        limit: int,
    ) -> tuple[Documents, int]:
        where, args = "x.kind = ? AND x.db = ?", [kind, db]
        if isinstance(cls, str):
            where, args = where + " AND x.cls = ?", [*args, cls]
        elif cls is not None:
            where, args = where + f" AND x.cls IN ({', '.join('?' * len(cls))})", [*args, *cls]
        with self._db.read() as conn:
            gen = self._active_in(conn)
            # Page over narrow rows (class and id), then read the page's documents: sorting
            # every document's body to skip `offset` of them is what made deep pages slow.
            classes = [cls] if isinstance(cls, str) else cls
            found = self._page_by_differences(
                conn, gen, lineage, where, args, classes, offset, limit
            )
            if found is None:
                sql, params = _overlay(gen, lineage, where, args, keys_only=True)
                source = f"({sql}) v WHERE v.deleted = 0"
                keys, count = self._counted(conn, source, params, "v.cls, v.id", limit, offset)
            else:
                keys, count = found
            rows = [
                _row_in(
                    conn, self._q, gen, DocKey(kind, db, lineage[0].branch, k[0], k[1]), lineage
                )
                for k in keys
            ]
        return [_doc(r) for r in rows if r is not None], count

    def _page_by_differences(
        self,
        conn: Any,
        gen: str,
        lineage: Lineage,
        where: str,
        args: Sequence[Any],
        classes: Sequence[str] | None,
        offset: int,
        limit: int,
    ) -> tuple[NodeRefs, int] | None:
        """(keys of a page, total) of a lineage's live documents matching `where`, merged
        from the base level's own rows now and the documents that differ from them: those
        any level above has (at its cut), and those the base wrote since its cut. The rest
        of the base is as it was at the cut. `where` (on alias x) holds the kind and
        database (the first two `args`) and the `classes` (None: all). None when too many
        differ."""
        base = lineage[-1]
        if base.until is None:
            return None
        q, cap = self._q, MAX_LIST_DIFFERENCES + 1
        differ: set[NodeRef] = set()
        for level in lineage[:-1]:
            cut, cuts = ("", []) if level.until is None else (" AND x.position <= ?", [level.until])
            # Every document a level wrote has a current row; one whose current row is past
            # the cut had its version at the cut replaced.
            for table in ("docs",) if level.until is None else ("docs", "hist"):
                sql = f"SELECT x.cls, x.id FROM {table}_{gen} x WHERE x.branch = ? AND {where}"
                rows = conn.execute(q(f"{sql}{cut} LIMIT ?"), [level.branch, *args, *cuts, cap])
                differ.update((r[0], r[1]) for r in rows.fetchall())
        # By kind and database only, so that the index of positions serves it (with a
        # class, the planner reads the class's rows instead); the classes are kept here.
        since = conn.execute(
            q(
                f"SELECT x.cls, x.id FROM docs_{gen} x WHERE x.branch = ? AND x.kind = ? "
                "AND x.db = ? AND x.position > ? LIMIT ?"
            ),
            [base.branch, *args[:2], base.until, cap],
        )
        differ.update((r[0], r[1]) for r in since.fetchall() if classes is None or r[0] in classes)
        if len(differ) > MAX_LIST_DIFFERENCES:
            return None
        base_rows = f"docs_{gen} x WHERE x.branch = ? AND x.deleted = 0"
        live: NodeRefs = []  # what differs, as the lineage sees it
        on_base: NodeRefs = []  # what differs, among the base's live rows now
        for cls, ids in _by_class(sorted(differ)):
            text = where + f" AND x.cls = ? AND x.id IN ({', '.join('?' * len(ids))})"
            view, params = _overlay(gen, lineage, text, [*args, cls, *ids], keys_only=True)
            rows = conn.execute(
                q(f"SELECT v.cls, v.id FROM ({view}) v WHERE v.deleted = 0"), params
            )
            live += [(r[0], r[1]) for r in rows.fetchall()]
            rows = conn.execute(
                q(f"SELECT x.cls, x.id FROM {base_rows} AND {text}"),
                [base.branch, *args, cls, *ids],
            )
            on_base += [(r[0], r[1]) for r in rows.fetchall()]
        live.sort()
        on_base.sort()
        rows_of_base = f"{base_rows} AND {where}"
        count = conn.execute(q(f"SELECT COUNT(*) FROM {rows_of_base}"), [base.branch, *args])
        count_base = int(count.fetchone()[0])
        total = count_base - len(on_base) + len(live)
        # The page's first key is at most len(live) places after the base's row at offset
        # - len(live); a window that long, plus what differs, covers the page.
        start = max(0, offset - len(live))
        width = limit + 2 * (len(live) + len(on_base)) + 1
        window = [
            (r[0], r[1])
            for r in conn.execute(
                q(f"SELECT x.cls, x.id FROM {rows_of_base} ORDER BY x.cls, x.id LIMIT ? OFFSET ?"),
                [base.branch, *args, width, start],
            ).fetchall()
        ]
        if not window:  # the base has no rows past `start`
            if count_base == len(on_base):  # nor any that do not differ: all is the lineage's
                return live[offset : offset + limit], total
            return [], total  # start >= count_base > 0, so offset >= total
        first = window[0]
        # The place of the window's first key among all: the base's rows before it that do
        # not differ, and the differing ones the lineage sees before it.
        index = start - bisect_left(on_base, first) + bisect_left(live, first)
        # The window's rows that do not differ reach past the page on their own, so the
        # differing keys past its end (between rows not read) are never reached.
        page: NodeRefs = []
        for key in merge([k for k in window if k not in differ], live[bisect_left(live, first) :]):
            if index >= offset + limit:
                break
            if index >= offset:
                page.append(key)
            index += 1
        if len(page) < min(limit, total - offset):
            return None  # the window fell short (it should not): the overlay answers
        return page, total

    def dump(self, generation: str | None = None) -> Iterator[Document]:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(
                f"SELECT * FROM docs_{gen} ORDER BY kind, db, branch, cls, id"
            ).fetchall()
        yield from (_doc(r) for r in rows)

    def instance_refs(
        self,
        db: str,
        branch: str,
        classes: Sequence[str],
        after: NodeRef | None,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs:
        # One primary-key range per class keeps the scan on the index.
        lineage = self.read_lineage(KIND_INSTANCE, db, branch, as_of)
        refs: NodeRefs = []
        with self._db.read() as conn:
            gen = self._active_in(conn)
            for cls in sorted(set(classes)):
                if after is not None and cls < after[0]:
                    continue
                start = after[1] if after is not None and cls == after[0] else ""
                args = [KIND_INSTANCE, db, cls, start]
                if plain(lineage):
                    sql = (
                        f"SELECT cls, id FROM docs_{gen} WHERE kind = ? AND db = ? "
                        "AND cls = ? AND id > ? AND branch = ? AND deleted = 0"
                    )
                    args.append(branch)
                else:
                    where = "x.kind = ? AND x.db = ? AND x.cls = ? AND x.id > ?"
                    view, args = _overlay(gen, lineage, where, args)
                    sql = f"SELECT v.cls, v.id FROM ({view}) v WHERE v.deleted = 0"
                rows = conn.execute(
                    self._q(f"{sql} ORDER BY id LIMIT ?"), [*args, limit - len(refs)]
                ).fetchall()
                refs.extend((r[0], r[1]) for r in rows)
                if len(refs) >= limit:
                    break
        return refs

    def written_since(
        self, db: str, branch: str, classes: Sequence[str], position: int
    ) -> NodeRefs:
        if not classes:
            return []
        marks = ", ".join("?" * len(classes))
        with self._db.read() as conn:
            rows = conn.execute(
                self._q(
                    f"SELECT cls, id FROM docs_{self._active_in(conn)} WHERE kind = ? AND db = ?"
                    f" AND branch = ? AND cls IN ({marks}) AND position > ?"
                ),
                [KIND_INSTANCE, db, branch, *classes, position],
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def _rows_by_class(
        self,
        lineage: Lineage,
        where: str,
        before: Sequence[Any],
        refs: Sequence[NodeRef],
        after: Sequence[Any],
        columns: str,
        edges: bool = False,
    ) -> Rows:
        """Rows of `columns` matching `where` (on alias x, with an `{ids}` list) as `lineage`
        sees them, once per class of `refs`, its arguments being `before`, the class, its
        ids, then `after`, in one snapshot."""
        rows: Rows = []
        with self._db.read() as conn:
            gen = self._active_in(conn)
            for cls, ids in _by_class(refs):
                text = where.format(ids=", ".join("?" * len(ids)))
                args = [*before, cls, *ids, *after]
                if plain(lineage):
                    table = "edges" if edges else "docs"
                    sql = f"SELECT {columns} FROM {table}_{gen} x WHERE x.branch = ? AND {text}"
                    args = [lineage[0].branch, *args]
                else:
                    view, args = _overlay(gen, lineage, text, args, edges)
                    sql = f"SELECT {columns} FROM ({view}) x"
                rows.extend(conn.execute(self._q(sql), args).fetchall())
        return rows

    def _instance_rows(
        self, columns: str, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None
    ) -> Rows:
        return self._rows_by_class(
            self.read_lineage(KIND_INSTANCE, db, branch, as_of),
            "x.kind = ? AND x.db = ? AND x.cls = ? AND x.id IN ({ids})",
            [KIND_INSTANCE, db],
            refs,
            [],
            columns,
        )

    def instances(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, Document]:
        rows = self._instance_rows("*", db, branch, refs, as_of)
        return {(row[3], row[4]): _doc(row) for row in rows}

    def instance_versions(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, tuple[int, bool]]:
        rows = self._instance_rows("x.cls, x.id, x.seq, x.deleted", db, branch, refs, as_of)
        return {(r[0], r[1]): (int(r[2]), bool(r[3])) for r in rows}

    def edges(
        self,
        db: str,
        branch: str,
        nodes: Sequence[NodeRef],
        predicate: str,
        reverse: bool,
        as_of: int | None = None,
    ) -> EdgeRows:
        # Outgoing edges are found through the primary key, incoming ones through the index
        # on the target; both lead with (db, branch, class) and take the ids as a list.
        near = "dst" if reverse else "src"
        rows = self._rows_by_class(
            self.read_lineage(KIND_INSTANCE, db, branch, as_of),
            f"x.db = ? AND x.{near}_cls = ? AND x.{near}_id IN ({{ids}}) AND x.predicate = ?",
            [db],
            nodes,
            [predicate],
            "x.src_cls, x.src_id, x.predicate, x.dst_cls, x.dst_id",
            edges=True,
        )
        rows.sort()
        return [((r[0], r[1]), r[2], (r[3], r[4])) for r in rows]

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
        # One statement: the first step's edges, each further step an EXISTS on the one
        # before, so the database walks the primary key (or the target index) in key order.
        # Reads that overlay branches or versions are left to the caller's walk.
        if not steps or not plain(self.read_lineage(KIND_INSTANCE, db, branch, as_of)):
            return None
        with self._db.read() as conn:
            gen = self._active_in(conn)
            sql, args = _path_sql(gen, db, branch, start, steps)
            rows = conn.execute(
                self._q(f"{sql} LIMIT ? OFFSET ?"), [*args, limit, offset]
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def written_between(
        self, db: str, branch: str, kind: str, after: int | None, until: int | None
    ) -> set[tuple[str, str]]:
        where = "kind = ? AND db = ? AND branch = ? AND position > ? AND position <= ?"
        args = [kind, db, branch, -1 if after is None else after, 2**62 if until is None else until]
        with self._db.read() as conn:
            gen = self._active_in(conn)
            found: set[tuple[str, str]] = set()
            for table in ("docs", "hist"):
                rows = conn.execute(
                    self._q(f"SELECT DISTINCT cls, id FROM {table}_{gen} WHERE {where}"), args
                ).fetchall()
                found.update((r[0], r[1]) for r in rows)
        return found

    def commits(
        self, db: str, lineage: Lineage, where: CommitFilter, offset: int, limit: int
    ) -> tuple[Commits, int]:
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
            clauses.append(f"command_id IN ({', '.join('?' * len(ids))})")
            args += ids
        text = " AND ".join(clauses)
        with self._db.read() as conn:
            source = f"commits_{self._active_in(conn)} WHERE {text}"
            rows, total = self._counted(conn, source, args, "position DESC", limit, offset)
        return [_commit(r) for r in rows], total

    def commit(self, db: str, command_id: str) -> Commit | None:
        with self._db.read() as conn:
            gen = self._active_in(conn)
            row = conn.execute(
                self._q(f"SELECT * FROM commits_{gen} WHERE db = ? AND command_id = ?"),
                (db, command_id),
            ).fetchone()
        return _commit(row) if row else None

    def dump_edges(self, generation: str | None = None) -> BranchEdgeRows:
        with self._db.read() as conn:
            gen = self._check(generation or self._active_in(conn))
            rows = conn.execute(f"SELECT * FROM edges_{gen} ORDER BY 1, 2, 3, 4, 5, 6, 7")
            return [(r[0], r[1], ((r[2], r[3]), r[4], (r[5], r[6]))) for r in rows]

    def close(self) -> None:
        if self._owns_db:
            self._db.close()
