"""Edges on a lineage: an instance's outgoing edges are those of the first level that has
its document (the rule in `rule.py`: a level's edges are seen unless a level above has
their source's document), so a branch's write or delete of an instance replaces the edges
it inherited."""

from __future__ import annotations

from collections.abc import Sequence

from spice.application.overlay.pages import heads_in
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
    # Only the levels above the base are asked which has a source's document: what none of
    # them has is the base's (whose edges exist only beside a document of their source).
    above, base = lineage[:-1], len(lineage) - 1
    lookup = heads_in(view, KIND_INSTANCE, db)
    rows: EdgeRows = []
    if not reverse:
        by_level: dict[int, list[NodeRef]] = {}
        found = owners(above, nodes, lookup)
        for ref in dict.fromkeys(nodes):
            by_level.setdefault(found[ref][0] if ref in found else base, []).append(ref)
        for i, refs in sorted(by_level.items()):
            rows += view.edges(db, lineage[i], refs, predicate, False)
        return sorted(rows)
    tagged = [
        (i, row)
        for i, level in enumerate(lineage)
        for row in view.edges(db, level, nodes, predicate, True)
    ]
    found = owners(above, [row[0] for _, row in tagged], lookup)
    # An edge of a level is seen unless a level above it has its source's document.
    return sorted(row for i, row in tagged if row[0] not in found or found[row[0]][0] >= i)
