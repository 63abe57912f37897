"""Path roots: the start nodes from which every step of a query can be followed.

A store that can find them in one query does (SQL: one statement of nested EXISTS);
otherwise they are found here by walking the edges a chunk of start nodes at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from spice.application.ports.documents import NodeRef, NodeRefs, PathStep
from spice.application.ports.graph import GraphReads

Reach = dict[NodeRef, set[NodeRef]]  # start node -> nodes it has reached so far
CHUNK = 500


def path_roots(
    documents: GraphReads,
    db: str,
    branch: str,
    start: Sequence[str],
    steps: Sequence[PathStep],
    offset: int,
    limit: int,
    as_of: int | None = None,
) -> NodeRefs:
    """Instances of `start` classes from which every step can be followed in turn, in
    (class, id) order, paged. Nodes may repeat along a path here; a path may end at a
    deleted instance but not pass through one."""
    found = documents.query_path_roots(db, branch, start, steps, offset, limit, as_of)
    if found is not None:
        return found
    found, seen, after = [], 0, None
    while len(found) < limit:
        refs = documents.instance_refs(db, branch, start, after, CHUNK, as_of)
        if not refs:
            break
        after = refs[-1]
        reach = _follow(documents, (db, branch, as_of), {r: {r} for r in refs}, steps)
        for ref in refs:
            if reach[ref]:
                if seen >= offset:
                    found.append(ref)
                seen += 1
    return found[:limit]


def _follow(
    documents: GraphReads,
    view: tuple[str, str, int | None],
    reach: Reach,
    steps: Sequence[PathStep],
) -> Reach:
    """Where each start node gets to after every step (an empty set: it got stuck)."""
    db, branch, as_of = view
    for i, (predicate, reverse, allowed) in enumerate(steps):
        frontier = {n for nodes in reach.values() for n in nodes}
        if reverse and i:  # a reverse step never leaves from a deleted node
            versions = documents.instance_versions(db, branch, list(frontier), as_of)
            frontier = {n for n in frontier if n in versions and not versions[n][1]}
            reach = {r: {n for n in ns if n in frontier} for r, ns in reach.items()}
        hop: dict[NodeRef, set[NodeRef]] = {}
        for src, _, dst in documents.edges(db, branch, list(frontier), predicate, reverse, as_of):
            near, far = (dst, src) if reverse else (src, dst)
            if far[0] in allowed:
                hop.setdefault(near, set()).add(far)
        reach = {r: {f for n in nodes for f in hop.get(n, ())} for r, nodes in reach.items()}
    return reach
