"""Running a planned graph query: the page of start nodes and their complete paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spice.application.ports.documents import NodeRef
from spice.application.ports.graph import GraphReads
from spice.application.ports.search import SearchIndex, SearchReader
from spice.application.reads.graph.query import (
    PATH_BUDGET,
    GraphQuery,
    Hop,
    Path,
    Plan,
    Step,
    Warnings,
)
from spice.application.reads.graph.roots import path_roots
from spice.application.search.query import SearchQuery
from spice.application.search.scan import DocumentScanSearch
from spice.domain.errors import Unavailable


@dataclass(frozen=True)
class GraphSources:
    """Where a graph query reads: edges and versions from the document read model, start
    nodes matching a filter from the search index (or a scan while the index lags)."""

    documents: GraphReads
    index: SearchIndex
    scan: DocumentScanSearch
    graph_position: Callable[[], int]


def _paths(root: NodeRef, steps: list[Step], no_cycles: bool, cap: int) -> list[Path]:
    """Complete paths from `root` through every step, at most `cap` of them."""
    out: list[Path] = []

    def walk(node: NodeRef, depth: int, nodes: list[NodeRef], edges: list[Any]) -> None:
        if len(out) >= cap:
            return
        if depth == len(steps):
            out.append((list(nodes), list(edges)))
            return
        for far, row in steps[depth].get(node, []):
            if no_cycles and far in nodes:
                continue
            nodes.append(far)
            edges.append(row)
            walk(far, depth + 1, nodes, edges)
            nodes.pop()
            edges.pop()

    walk(root, 0, [root], [])
    return out


class GraphQueryRunner:
    """Runs one planned query: finds the page of start nodes and their paths, within the
    request's budget of paths; what it leaves out goes into `warnings`."""

    def __init__(self, sources: GraphSources, q: GraphQuery, warnings: Warnings) -> None:
        self.sources = sources
        self.q = q
        self.warnings = warnings
        self.path_budget = PATH_BUDGET

    def _root_paths(self, root: NodeRef, steps: list[Step]) -> list[Path]:
        """The paths of one start node, within what is left of the request's path budget."""
        cap = min(self.q.max_edges + 1, self.path_budget)
        paths = _paths(root, steps, self.q.no_cycles, cap) if cap > 0 else []
        self.path_budget -= len(paths)
        if len(paths) >= cap:
            self.warnings.add(
                "path_limit_reached", "a start node has more paths than were followed"
            )
        return paths

    def start_chunks(self, classes: list[str]) -> Iterator[list[NodeRef]]:
        """Start nodes (instances of `classes`) in key order, a chunk at a time."""
        qs, q = self.sources, self.q
        size = min(1000, q.offset + q.limit + 1)
        if q.filter is None:
            after: NodeRef | None = None
            while refs := qs.documents.instance_refs(q.db, q.branch, classes, after, size, q.as_of):
                yield refs
                after = refs[-1]
            return
        reader: SearchReader = qs.scan
        try:
            if not q.overlaid and qs.index.checkpoint() >= qs.graph_position():
                reader = qs.index
        except (OSError, ValueError, Unavailable):
            pass
        offset = 0
        while True:
            query = SearchQuery(
                q.db,
                q.branch,
                classes=tuple(classes),
                filter=q.filter,
                offset=offset,
                limit=size,
                highlight=False,
                as_of=q.as_of,
            )
            try:
                page = reader.search(query)
            except Unavailable:
                reader = qs.scan
                continue
            for warning in page.warnings:
                self.warnings.add(warning["code"], warning["message"])
            if page.hits:
                yield [(h.cls, h.id) for h in page.hits]
            offset += len(page.hits)
            if not page.hits or offset >= page.total:
                return

    def expand(self, plan: list[tuple[Hop, set[str]]], roots: list[NodeRef]) -> list[Step]:
        steps: list[Step] = []
        frontier = list(roots)
        for hop, allowed in plan:
            if hop.reverse and steps:
                frontier = self._live(frontier)  # never walk back out of a deleted node
            step: Step = {}
            rows = self.sources.documents.edges(
                self.q.db, self.q.branch, frontier, hop.predicate, hop.reverse, self.q.as_of
            )
            for row in rows:
                near, far = (row[2], row[0]) if hop.reverse else (row[0], row[2])
                if far[0] in allowed:
                    step.setdefault(near, []).append((far, row))
            steps.append(step)
            frontier = list({far for nexts in step.values() for far, _ in nexts})
            if not frontier:
                break
        return steps

    def _live(self, refs: list[NodeRef]) -> list[NodeRef]:
        versions = self.sources.documents.instance_versions(
            self.q.db, self.q.branch, refs, self.q.as_of
        )
        return [r for r in refs if r in versions and not versions[r][1]]

    def page(self, plan: Plan) -> tuple[list[Path], bool]:
        """Paths of the start nodes on the requested page, and whether more follow."""
        q = self.q
        levels = [set(plan.start), *(allowed for _, allowed in plan.hops)]
        # With no class met twice along the hops no path can revisit a node, so the store
        # can find the page's start nodes by itself, however deep the page.
        cycle_free = sum(map(len, levels)) == len(set().union(*levels))
        if q.filter is None and plan.hops and (cycle_free or not q.no_cycles):
            return self._page_in_store(plan.hops, plan.start)
        return self._page_by_walking(plan.hops, plan.start)

    def _page_in_store(
        self, plan: list[tuple[Hop, set[str]]], start: list[str]
    ) -> tuple[list[Path], bool]:
        q = self.q
        spec = [(hop.predicate, hop.reverse, sorted(allowed)) for hop, allowed in plan]
        roots = path_roots(
            self.sources.documents, q.db, q.branch, start, spec, q.offset, q.limit + 1, q.as_of
        )
        steps = self.expand(plan, roots[: q.limit])
        found: list[Path] = []
        for root in roots[: q.limit]:
            found.extend(self._root_paths(root, steps))
        return found, len(roots) > q.limit

    def _page_by_walking(
        self, plan: list[tuple[Hop, set[str]]], start: list[str]
    ) -> tuple[list[Path], bool]:
        q = self.q
        matched, chosen = 0, list[list[Path]]()
        for chunk in self.start_chunks(start):
            steps = self.expand(plan, chunk)
            for root in chunk:
                if not plan:
                    paths: list[Path] = [([root], [])]
                elif matched < q.offset:  # one path proves a match before the page
                    paths = _paths(root, steps, q.no_cycles, 1)
                else:
                    paths = self._root_paths(root, steps)
                if not paths:
                    continue
                matched += 1
                if matched <= q.offset:
                    continue
                if len(chosen) == q.limit:
                    return [p for paths in chosen for p in paths], True
                chosen.append(paths)
        return [p for paths in chosen for p in paths], False
