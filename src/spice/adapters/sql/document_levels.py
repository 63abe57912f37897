"""What one level of a lineage has, on the SQL document read model: one branch's rows as of
a cut, read from the current rows (`docs_*`, `edges_*`) and the versions later writes
replaced (`hist_*`, `edge_hist_*`). No overlay here: `spice.application.overlay` applies
the rule; `document_overlay.py` answers a whole page of it in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spice.adapters.sql.database import Placeholders
from spice.adapters.sql.document_overlay import overlay_page
from spice.adapters.sql.document_rows import (
    CUT,
    HEAD_COLUMNS,
    Rows,
    by_class,
    class_clause,
    doc_of,
    marks,
)
from spice.application.ports.document_levels import Classes, Head, KeyPage, LevelView
from spice.application.ports.documents import Document, EdgeRows, NodeRef, NodeRefs
from spice.domain.branching import Level, Lineage

EDGE_COLUMNS = "x.src_cls, x.src_id, x.predicate, x.dst_cls, x.dst_id"
MAX_SEEKS = 32  # documents whose older version is looked up one at a time


class SQLLevelView(LevelView):
    """The levels of one generation, read on one connection inside a snapshot."""

    def __init__(self, conn: Any, gen: str, q: Placeholders) -> None:
        self._conn, self._gen, self._q = conn, gen, q

    def _rows(self, sql: str, args: Sequence[Any]) -> Rows:
        return list(self._conn.execute(self._q(sql), args).fetchall())

    def versions(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Document]:
        rows = self._at_cut(f"{HEAD_COLUMNS}, body", kind, db, level, refs)
        return {(row[3], row[4]): doc_of(row) for row in rows}

    def heads(
        self, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> dict[NodeRef, Head]:
        rows = self._at_cut(HEAD_COLUMNS, kind, db, level, refs)
        return {(row[3], row[4]): (int(row[5]), bool(row[6])) for row in rows}

    def _at_cut(
        self, columns: str, kind: str, db: str, level: Level, refs: Sequence[NodeRef]
    ) -> Rows:
        """Rows of `columns` (the document's first eight, then any) of the version of each
        of `refs` current at the level's cut."""
        found: Rows = []
        for cls, ids in by_class(refs):
            where = f"kind = ? AND db = ? AND branch = ? AND cls = ? AND id IN ({marks(ids)})"
            args = [kind, db, level.branch, cls, *ids]
            past: list[str] = []  # current now, but written after the cut
            for row in self._rows(f"SELECT {columns} FROM docs_{self._gen} WHERE {where}", args):
                if level.until is None or row[7] <= level.until:
                    found.append(row)
                else:
                    past.append(row[4])
            if past and level.until is not None:
                # Every document has a current row; only one past the cut has older versions.
                found += self._replaced(columns, [kind, db, level.branch, cls], past, level.until)
        return found

    def _replaced(self, columns: str, key: list[Any], ids: list[str], until: int) -> Rows:
        """The replaced version of each of `ids` (of one kind, db, branch and class) current
        at `until`: the newest that began by then, if it had not ended by then."""
        where = "kind = ? AND db = ? AND branch = ? AND cls = ?"
        if len(ids) > MAX_SEEKS:  # one range per id, over all its versions up to the cut
            rows = self._rows(
                f"SELECT {columns}, valid_to FROM hist_{self._gen} WHERE {where}"
                f" AND id IN ({marks(ids)}) AND position <= ? AND valid_to > ?",
                [*key, *ids, until, until],
            )
        else:  # one index seek each, however many versions a document has
            sql = (
                f"SELECT {columns}, valid_to FROM hist_{self._gen} WHERE {where} AND id = ?"
                " AND position <= ? ORDER BY position DESC LIMIT 1"
            )
            rows = [row for iid in ids for row in self._rows(sql, [*key, iid, until])]
        return [row[:-1] for row in rows if row[-1] > until]

    def keys(
        self, kind: str, db: str, level: Level, classes: Classes, after: NodeRef | None, limit: int
    ) -> KeyPage:
        if classes is None:
            return self._keys(kind, db, level, None, after, limit)
        # One primary-key range per class keeps the scan on the index.
        found: KeyPage = []
        for cls in sorted(set(classes)):
            if after is not None and cls < after[0]:
                continue
            start = after if after is not None and cls == after[0] else (cls, "")
            found += self._keys(kind, db, level, cls, start, limit - len(found))
            if len(found) >= limit:
                break
        return found

    def _keys(
        self,
        kind: str,
        db: str,
        level: Level,
        cls: str | None,
        after: NodeRef | None,
        limit: int,
    ) -> KeyPage:
        """Keys of class `cls` with ids after `after`'s, or (no class) of every class after
        `after`."""
        where = "x.kind = ? AND x.db = ? AND x.branch = ?"
        args: list[Any] = [kind, db, level.branch]
        if cls is not None and after is not None:
            where, args = where + " AND x.cls = ? AND x.id > ?", [*args, cls, after[1]]
        elif after is not None:
            where += " AND (x.cls > ? OR (x.cls = ? AND x.id > ?))"
            args += [after[0], after[0], after[1]]
        sql = f"SELECT x.cls, x.id, x.deleted FROM docs_{self._gen} x WHERE {where}"
        if level.until is not None:
            sql += (
                f" AND {CUT}x.position <= ? UNION ALL SELECT x.cls, x.id, x.deleted"
                f" FROM hist_{self._gen} x WHERE {where} AND x.position <= ? AND x.valid_to > ?"
            )
            args = [*args, level.until, *args, level.until, level.until]
        rows = self._rows(f"{sql} ORDER BY 1, 2 LIMIT ?", [*args, limit])
        return [((r[0], r[1]), bool(r[2])) for r in rows]

    def written_until(
        self, kind: str, db: str, level: Level, classes: Classes, limit: int
    ) -> NodeRefs:
        clause, cls_args = class_clause(classes)
        where = f"x.branch = ? AND x.kind = ? AND x.db = ?{clause}"
        args = [level.branch, kind, db, *cls_args]
        if level.until is None:
            sql = f"SELECT x.cls, x.id FROM docs_{self._gen} x WHERE {where} LIMIT ?"
            return [(r[0], r[1]) for r in self._rows(sql, [*args, limit])]
        found: set[NodeRef] = set()
        # Every document a level wrote has a current row; one whose current row is past the
        # cut had its version at the cut replaced.
        for table in ("docs", "hist"):
            sql = f"SELECT x.cls, x.id FROM {table}_{self._gen} x WHERE {where}"
            rows = self._rows(f"{sql} AND x.position <= ? LIMIT ?", [*args, level.until, limit])
            found.update((r[0], r[1]) for r in rows)
        return sorted(found)

    def changed_since(
        self, kind: str, db: str, branch: str, classes: Classes, position: int, limit: int
    ) -> NodeRefs:
        # By kind and database only, so that the index of positions serves it (with a
        # class, the planner reads the class's rows instead); the classes are kept here.
        sql = (
            f"SELECT x.cls, x.id FROM docs_{self._gen} x WHERE x.branch = ? AND x.kind = ?"
            " AND x.db = ? AND x.position > ?"
        )
        rows = self._rows(f"{sql} LIMIT ?", [branch, kind, db, position, limit])
        if len(rows) >= limit and classes is not None:  # other classes may have filled it
            clause, cls_args = class_clause(classes)
            rows = self._rows(
                f"{sql}{clause} LIMIT ?", [branch, kind, db, position, *cls_args, limit]
            )
        wanted = None if classes is None else set(classes)
        return [(r[0], r[1]) for r in rows if wanted is None or r[0] in wanted]

    def live_now(
        self, kind: str, db: str, branch: str, classes: Classes, offset: int, limit: int
    ) -> tuple[NodeRefs, int]:
        clause, cls_args = class_clause(classes)
        source = (
            f"docs_{self._gen} x WHERE x.branch = ? AND x.deleted = 0"
            f" AND x.kind = ? AND x.db = ?{clause}"
        )
        args = [branch, kind, db, *cls_args]
        count = int(self._rows(f"SELECT COUNT(*) FROM {source}", args)[0][0])
        rows = self._rows(
            f"SELECT x.cls, x.id FROM {source} ORDER BY x.cls, x.id LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return [(r[0], r[1]) for r in rows], count

    def documents_now(
        self,
        kind: str,
        db: str | None,
        branch: str | None,
        classes: Classes,
        offset: int,
        limit: int,
    ) -> tuple[list[Document], int]:
        where, args = "x.kind = ? AND x.deleted = 0", [kind]
        for column, value in (("db", db), ("branch", branch)):
            if value is not None:
                where, args = f"{where} AND x.{column} = ?", [*args, value]
        clause, cls_args = class_clause(classes)
        source = f"docs_{self._gen} x WHERE {where}{clause}"
        args += cls_args
        total = int(self._rows(f"SELECT COUNT(*) FROM {source}", args)[0][0])
        rows = self._rows(
            f"SELECT x.* FROM {source} ORDER BY x.kind, x.db, x.branch, x.cls, x.id"
            " LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return [doc_of(r) for r in rows], total

    def edges(
        self, db: str, level: Level, nodes: Sequence[NodeRef], predicate: str, reverse: bool
    ) -> EdgeRows:
        # Outgoing edges are found through the primary key, incoming ones through the index
        # on the target; both lead with (db, branch, class) and take the ids as a list.
        near = "dst" if reverse else "src"
        rows: Rows = []
        for cls, ids in by_class(nodes):
            where = (
                f"x.db = ? AND x.branch = ? AND x.{near}_cls = ? AND x.{near}_id IN ({marks(ids)})"
                " AND x.predicate = ?"
            )
            args: list[Any] = [db, level.branch, cls, *ids, predicate]
            sql = f"SELECT {EDGE_COLUMNS} FROM edges_{self._gen} x WHERE {where}"
            if level.until is not None:
                sql += (
                    f" AND {CUT}x.position <= ? UNION ALL SELECT {EDGE_COLUMNS}"
                    f" FROM edge_hist_{self._gen} x WHERE {where}"
                    " AND x.position <= ? AND x.valid_to > ?"
                )
                args = [*args, level.until, *args, level.until, level.until]
            rows += self._rows(sql, args)
        return [((r[0], r[1]), r[2], (r[3], r[4])) for r in rows]

    def written_between(
        self, kind: str, db: str, branch: str, after: int | None, until: int | None
    ) -> set[NodeRef]:
        where = "kind = ? AND db = ? AND branch = ? AND position > ? AND position <= ?"
        args = [kind, db, branch, -1 if after is None else after, 2**62 if until is None else until]
        found: set[NodeRef] = set()
        for table in ("docs", "hist"):
            rows = self._rows(
                f"SELECT DISTINCT cls, id FROM {table}_{self._gen} WHERE {where}", args
            )
            found.update((r[0], r[1]) for r in rows)
        return found

    def overlay_page(
        self, kind: str, db: str, lineage: Lineage, classes: Classes, offset: int, limit: int
    ) -> tuple[NodeRefs, int] | None:
        sql, args = overlay_page(self._gen, kind, db, lineage, classes)
        total = int(self._rows(f"SELECT COUNT(*) FROM ({sql}) v", args)[0][0])
        rows = self._rows(f"{sql} ORDER BY 1, 2 LIMIT ? OFFSET ?", [*args, limit, offset])
        return [(r[0], r[1]) for r in rows], total
