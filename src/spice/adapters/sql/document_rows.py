"""Rows of the SQL document read model: how documents and commits are stored, and the
statements shared by the unit of work and the reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from spice.adapters.sql.database import chunks
from spice.application.ports.commits import Commit
from spice.application.ports.documents import DocKey, Document, NodeRef
from spice.domain.canonical import loads

Rows = list[tuple[Any, ...]]  # rows as the driver returns them
# The columns of a document without its body, for reads that need only its version.
HEAD_COLUMNS = "kind, db, branch, cls, id, seq, deleted, position"
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
# A level's cut on documents is written `+position`: the unary plus keeps the planner from
# reading a level through the index of positions (`docs_*_written`, made for what a branch
# wrote since a point), which would read all of a big level to sort it again, instead of
# its primary key in id order.
CUT = "+"


def doc_of(row: Sequence[Any]) -> Document:
    """A document from a row of `docs_*` or `hist_*` (with its body or without)."""
    body = loads(row[8]) if len(row) > 8 else {}
    return Document(DocKey(*row[:5]), row[5], bool(row[6]), row[7], body)


def commit_of(row: tuple) -> Commit:
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


def by_class(refs: Sequence[NodeRef], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """(class, ids) groups of at most `size` ids, for IN lists the indexes can serve."""
    grouped: dict[str, list[str]] = {}
    for cls, iid in dict.fromkeys(refs):
        grouped.setdefault(cls, []).append(iid)
    for cls, ids in grouped.items():
        for part in chunks(ids, size):
            yield cls, part


def marks(values: Sequence[Any]) -> str:
    """The placeholders of an IN list."""
    return ", ".join("?" * len(values))


def class_clause(classes: Sequence[str] | None) -> tuple[str, list[Any]]:
    """The condition on alias x naming `classes` (None: every class), with its arguments."""
    if classes is None:
        return "", []
    if len(classes) == 1:
        return " AND x.cls = ?", [classes[0]]
    return f" AND x.cls IN ({marks(classes) or 'NULL'})", list(classes)
