"""The graph of links between instances, part of the document read model: an instance's
edges are written in the same commit as its document, so the graph never names a node
whose document is not there. On a branch, an instance's edges are those of the level of
its lineage that has its document (see `spice.application.overlay.edges`)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

from spice.application.ports.documents import DocumentReads, EdgeRows, NodeRef, NodeRefs, PathStep


class GraphReads(DocumentReads):
    """Documents and the edges between them, as a branch (as of a position) sees them."""

    @abstractmethod
    def edges(
        self,
        db: str,
        branch: str,
        nodes: Sequence[NodeRef],
        predicate: str,
        reverse: bool,
        as_of: int | None = None,
    ) -> EdgeRows:
        """Edges with `predicate` leaving `nodes` (or, with `reverse`, arriving at them),
        ordered by source then target."""

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
        """The page of path roots (see `spice.application.reads.graph.roots`) found in one
        query, for a store that can; None, the default, leaves the walk to the caller."""
        return None
