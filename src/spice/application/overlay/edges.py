"""Edges on a lineage: an instance's outgoing edges are those of the level that has its
document (the rule in `rule.py`), so a branch's write or delete of an instance replaces
the edges it inherited."""

from __future__ import annotations

from collections.abc import Sequence

from spice.application.overlay.pages import lookup_in
from spice.application.overlay.rule import owners
from spice.application.ports.document_levels import LevelView
from spice.application.ports.documents import KIND_INSTANCE, EdgeRows, NodeRef, plain
from spice.domain.branching import Lineage


def edges_in(
    view: LevelView,
    db: str,
    lineage: Lineage,
    nodes: Sequence[NodeRef],
    predicate: str,
    reverse: bool,
) -> EdgeRows:
    """Edges with `predicate` leaving `nodes` (with `reverse`, arriving at them) as
    `lineage` sees them, ordered by source then target."""
    if plain(lineage):  # one level: every edge is its source's
        return sorted(view.edges(db, lineage[0], nodes, predicate, reverse))
    lookup = lookup_in(view, KIND_INSTANCE, db, bodies=False)
    rows: EdgeRows = []
    if not reverse:
        by_level: dict[int, list[NodeRef]] = {}
        for ref, (i, _) in owners(lineage, nodes, lookup).items():
            by_level.setdefault(i, []).append(ref)
        for i, refs in sorted(by_level.items()):
            rows += view.edges(db, lineage[i], refs, predicate, False)
        return sorted(rows)
    found = [
        (i, row)
        for i, level in enumerate(lineage)
        for row in view.edges(db, level, nodes, predicate, True)
    ]
    owner = owners(lineage, [row[0] for _, row in found], lookup)
    return sorted(row for i, row in found if row[0] in owner and owner[row[0]][0] == i)
