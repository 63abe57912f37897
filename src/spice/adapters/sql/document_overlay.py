"""A page of what a lineage sees, in one statement: the optimised form of the overlay rule
(`spice.application.overlay.rule`) for pages of a branch that differs from its parent in
many documents, where merging the levels' keys in Python would read them all. At each
level, the rows current at its cut, unless a level above has a version of the same
document at its own cut (a tombstone included); the live ones are kept."""

from __future__ import annotations

from typing import Any

from spice.adapters.sql.document_rows import CUT, class_clause
from spice.application.ports.document_levels import Classes
from spice.domain.branching import Lineage

KEY_COLUMNS = "x.cls AS cls, x.id AS id, x.deleted AS deleted"


def _shadowed(gen: str, above: Lineage) -> tuple[str, list[Any]]:
    """Conditions that keep a row of a lower level out when a level `above` it has any
    version of the same document (deleted ones too) at that level's cut."""
    sql, args = "", list[Any]()
    match = "s.kind = x.kind AND s.db = x.db AND s.branch = ? AND s.cls = x.cls AND s.id = x.id"
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


def overlay_page(
    gen: str, kind: str, db: str, lineage: Lineage, classes: Classes
) -> tuple[str, list[Any]]:
    """SQL of the (class, id) of the live documents of `kind` in `db` (of `classes`) that
    `lineage` sees, with its arguments; the caller orders and pages it."""
    clause, cls_args = class_clause(classes)
    where, args = f"x.kind = ? AND x.db = ?{clause}", [kind, db, *cls_args]
    parts, params = [], list[Any]()
    for i, level in enumerate(lineage):
        shadow, shadow_args = _shadowed(gen, lineage[:i])
        cut = "" if level.until is None else f" AND {CUT}x.position <= ?"
        cuts = [] if level.until is None else [level.until]
        parts.append(
            f"SELECT {KEY_COLUMNS} FROM docs_{gen} x WHERE x.branch = ? AND {where}{cut}{shadow}"
        )
        params += [level.branch, *args, *cuts, *shadow_args]
        if level.until is not None:
            parts.append(
                f"SELECT {KEY_COLUMNS} FROM hist_{gen} x WHERE x.branch = ? AND {where}"
                f" AND x.position <= ? AND x.valid_to > ?{shadow}"
            )
            params += [level.branch, *args, level.until, level.until, *shadow_args]
    view = " UNION ALL ".join(parts)
    return f"SELECT v.cls, v.id FROM ({view}) v WHERE v.deleted = 0", params
