"""Graph path roots in one statement on the SQL document read model: the first step's
edges, each further step an EXISTS on the one before, so the database walks the primary key
(or the target index) in key order. Only for a branch read as it is now with nothing
inherited; overlaid reads are left to the caller's walk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spice.application.ports.documents import PathStep


def ends(reverse: bool) -> tuple[str, str]:
    """(near, far) column prefixes of an edge walked forward or in reverse."""
    return ("dst", "src") if reverse else ("src", "dst")


def path_sql(
    gen: str, db: str, branch: str, start: Sequence[str], steps: Sequence[PathStep]
) -> tuple[str, list[Any]]:
    """SQL of the distinct path roots (class, id) in key order, with its arguments."""

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
        near, far = ends(reverse)
        prev_far = ends(steps[i - 1][1])[1]
        inner = (
            f" AND EXISTS (SELECT 1 FROM edges_{gen} e{i} WHERE e{i}.db = ? AND e{i}.branch = ?"
            f" AND e{i}.{near}_cls = e{i - 1}.{prev_far}_cls"
            f" AND e{i}.{near}_id = e{i - 1}.{prev_far}_id AND e{i}.predicate = ?"
            f" AND e{i}.{far}_cls IN ({marks(allowed)}){live_target(i) if reverse else ''}"
            f"{inner})"
        )
        inner_args = [db, branch, predicate, *allowed, *inner_args]
    predicate, reverse, allowed = steps[0]
    near, far = ends(reverse)
    if reverse:
        inner += live_target(0)
    sql = (
        f"SELECT DISTINCT e0.{near}_cls, e0.{near}_id FROM edges_{gen} e0"
        f" WHERE e0.db = ? AND e0.branch = ? AND e0.{near}_cls IN ({marks(start)})"
        f" AND e0.predicate = ? AND e0.{far}_cls IN ({marks(allowed)}){inner}"
        f" ORDER BY 1, 2"
    )
    return sql, [db, branch, *start, predicate, *allowed, *inner_args]
