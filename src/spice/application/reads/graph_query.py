"""Multi-hop graph queries over the instance graph, with each node's index status.

A query names a start class (its subclasses included), optional filters on the start
nodes, and hops (a predicate to follow forward, or backward with `reverse`, to a target
class). It matches paths; `limit` and `offset` page over the start nodes that have at least
one complete path, in key order. The graph comes from the document read model (edges are
written with their documents); node payloads come from the search index, and
`data_status` says how each payload relates to the graph: FULL (same sequence), PARTIAL
(the index holds an older state), MISSING (not indexed yet, or the instance is deleted).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from spice.application.ports.documents import Document, DocumentStore, NodeRef
from spice.application.ports.search import SearchIndex, SearchReader
from spice.application.reads.documents import Reader
from spice.application.reads.search import SearchService, field_types
from spice.application.search.query import Filter, SearchHit, SearchQuery
from spice.application.search.scan import DocumentScanSearch
from spice.domain.errors import BadRequest, Unavailable
from spice.domain.ontology.classes import descendants, lineage


@dataclass(frozen=True)
class Hop:
    predicate: str
    target_class: str | None = None
    reverse: bool = False


@dataclass(frozen=True)
class Plan:
    """A checked query: the start classes (subclasses included) and, per hop, the classes
    it may land on."""

    start: list[str]
    hops: list[tuple[Hop, set[str]]]


@dataclass(frozen=True)
class GraphQuery:
    db: str
    branch: str
    start_class: str
    hops: tuple[Hop, ...] = ()
    filter: Filter | None = None
    limit: int = 100
    offset: int = 0
    max_nodes: int = 1000
    max_edges: int = 5000
    no_cycles: bool = True
    include_paths: bool = False
    max_paths: int = 100
    include_documents: bool = True
    include_provenance: bool = False


PATH_BUDGET = 100_000  # paths followed per request, over all start nodes


def ref_name(ref: NodeRef) -> str:
    return f"{ref[0]}/{ref[1]}"


class GraphQueries:
    def __init__(
        self,
        documents: DocumentStore,
        index: SearchIndex,
        graph_position: Callable[[], int],
        searches: SearchService | None = None,
    ) -> None:
        self.searches = searches
        self.documents = documents
        self.index = index
        self.reader = Reader(documents)
        self.scan = DocumentScanSearch(documents)
        self.graph_position = graph_position

    # --- planning ---------------------------------------------------------------------
    def plan(self, q: GraphQuery) -> Plan:
        """Check every hop against the ontology (loaded once); the start classes and the
        classes each hop may land on."""
        self.reader.ontology_class(q.db, q.branch, q.start_class)
        classes = {c["id"]: c for c in self.reader.class_definitions(q.db, q.branch)}
        start = _below(classes, q.start_class)
        if q.filter is not None and self.searches is not None:
            self.searches.check_filter(q.filter, field_types(classes, start))
        current = q.start_class
        hops: list[tuple[Hop, set[str]]] = []
        for i, hop in enumerate(q.hops):
            if hop.target_class is not None and hop.target_class not in classes:
                raise BadRequest(f"hop {i}: unknown class {hop.target_class!r}", {"hop": i})
            if hop.reverse and hop.target_class is None:
                raise BadRequest(f"hop {i}: a reverse hop needs target_class", {"hop": i})
            near = _family(classes, current)
            # A relationship may be declared on the class, an ancestor or a subclass (then
            # only the subclass's instances have the link).
            owners = _family(classes, hop.target_class) if hop.reverse else near
            rels = [
                rel
                for cls in sorted(owners)
                for rel in classes[cls].get("relationships", [])
                if rel["predicate"] == hop.predicate and (not hop.reverse or rel["target"] in near)
            ]
            if not rels:
                direction = "pointing at" if hop.reverse else "of"
                raise BadRequest(
                    f"hop {i}: no relationship {hop.predicate!r} {direction} class {current!r}",
                    {"hop": i, "class": current, "predicate": hop.predicate},
                )
            targets = sorted({rel["target"] for rel in rels})
            if hop.target_class is None and len(targets) > 1:
                raise BadRequest(
                    f"hop {i}: {hop.predicate!r} leads to {', '.join(targets)}; "
                    "name the one to follow in target_class",
                    {"hop": i, "leads_to": targets},
                )
            target = hop.target_class or targets[0]
            if not hop.reverse and not any(
                target in _family(classes, rel["target"]) for rel in rels
            ):
                raise BadRequest(
                    f"hop {i}: {hop.predicate!r} leads to {rels[0]['target']!r}, not to {target!r}",
                    {"hop": i, "target_class": target, "leads_to": rels[0]["target"]},
                )
            hops.append((hop, set(_below(classes, target))))
            current = target
        return Plan(start, hops)


def _below(classes: dict[str, Any], cls: str) -> list[str]:
    """The class and every class that extends it."""
    return [cls, *descendants(classes.values(), cls)]


def _family(classes: dict[str, Any], cls: str | None) -> set[str]:
    """The class with its ancestors and its subclasses."""
    if cls is None:
        return set()
    return {*lineage(classes, cls), *_below(classes, cls)}


Step = dict[NodeRef, list[tuple[NodeRef, tuple[NodeRef, str, NodeRef]]]]
Path = tuple[list[NodeRef], list[tuple[NodeRef, str, NodeRef]]]


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


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


class GraphQueryRunner:
    """Runs one planned query: finds the page of start nodes and their paths."""

    def __init__(self, queries: GraphQueries, q: GraphQuery) -> None:
        self.queries = queries
        self.q = q
        self.warnings: list[dict[str, Any]] = []
        self.summary: dict[str, Any] = {}
        self.path_budget = PATH_BUDGET

    def _root_paths(self, root: NodeRef, steps: list[Step]) -> list[Path]:
        """The paths of one start node, within what is left of the request's path budget."""
        cap = min(self.q.max_edges + 1, self.path_budget)
        paths = _paths(root, steps, self.q.no_cycles, cap) if cap > 0 else []
        self.path_budget -= len(paths)
        if len(paths) >= cap:
            self._warn("path_limit_reached", "a start node has more paths than were followed")
        return paths

    def _warn(self, code: str, message: str) -> None:
        if all(w["code"] != code for w in self.warnings):
            self.warnings.append({"code": code, "message": message})

    def start_chunks(self, classes: list[str]) -> Iterator[list[NodeRef]]:
        """Start nodes (instances of `classes`) in key order, a chunk at a time."""
        qs, q = self.queries, self.q
        size = min(1000, q.offset + q.limit + 1)
        if q.filter is None:
            after: NodeRef | None = None
            while refs := qs.documents.instance_refs(q.db, q.branch, classes, after, size):
                yield refs
                after = refs[-1]
            return
        reader: SearchReader = qs.scan
        try:
            if qs.index.checkpoint() >= qs.graph_position():
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
            )
            try:
                page = reader.search(query)
            except Unavailable:
                reader = qs.scan
                continue
            for warning in page.warnings:
                self._warn(warning["code"], warning["message"])
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
            rows = self.queries.documents.edges(
                self.q.db, self.q.branch, frontier, hop.predicate, hop.reverse
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
        versions = self.queries.documents.instance_versions(self.q.db, self.q.branch, refs)
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
        roots = self.queries.documents.path_roots(
            q.db, q.branch, start, spec, q.offset, q.limit + 1
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

    def respond(self, paths: list[Path], more: bool) -> dict[str, Any]:
        q = self.q
        nodes: list[NodeRef] = []
        seen: set[NodeRef] = set()
        for path_nodes, _ in paths:
            for ref in path_nodes:
                if ref in seen:
                    continue
                if len(nodes) >= q.max_nodes:
                    self._warn("node_limit_reached", f"only the first {q.max_nodes} nodes")
                    break
                seen.add(ref)
                nodes.append(ref)
        edges: list[dict[str, str]] = []
        seen_edges: set[Any] = set()
        for _, path_edges in paths:
            for row in path_edges:
                if row in seen_edges or row[0] not in seen or row[2] not in seen:
                    continue
                if len(edges) >= q.max_edges:
                    self._warn("edge_limit_reached", f"only the first {q.max_edges} edges")
                    break
                seen_edges.add(row)
                edges.append(
                    {
                        "from_node": ref_name(row[0]),
                        "to_node": ref_name(row[2]),
                        "predicate": row[1],
                    }
                )
        body: dict[str, Any] = {
            "nodes": self.describe(nodes),
            "edges": edges,
            "count": len(nodes),
            "page": {
                "limit": q.limit,
                "offset": q.offset,
                "next_offset": q.offset + q.limit if more else None,
            },
        }
        if q.include_paths:
            if len(paths) > q.max_paths:
                self._warn("path_limit_reached", f"only the first {q.max_paths} paths")
            body["paths"] = [
                {"nodes": [ref_name(r) for r in p_nodes], "predicates": [e[1] for e in p_edges]}
                for p_nodes, p_edges in paths[: q.max_paths]
            ]
        else:
            body["paths"] = None
        body["warnings"] = self.warnings
        body["index_summary"] = self.summary
        return body

    def describe(self, refs: list[NodeRef]) -> list[dict[str, Any]]:
        qs, q = self.queries, self.q
        versions = qs.documents.instance_versions(q.db, q.branch, refs)
        bodies = qs.documents.instances(q.db, q.branch, refs) if q.include_provenance else {}
        names = [ref_name(r) for r in refs]
        source = "search_index"
        try:
            payloads = qs.index.fetch(q.db, q.branch, names)
            search_position: int | None = qs.index.checkpoint()
        except Unavailable as exc:
            self._warn("search_index_unavailable", f"{exc.message}; data from the document store")
            payloads = qs.scan.fetch(q.db, q.branch, names)
            source, search_position = "document_store", None
        now = time.time()
        out, statuses = [], {"FULL": 0, "PARTIAL": 0, "MISSING": 0}
        for ref, name in zip(refs, names, strict=True):
            node = self.node(ref, versions.get(ref), payloads.get(name), now)
            if q.include_provenance:
                node["provenance"] = self.provenance(bodies.get(ref))
            statuses[node["data_status"]] += 1
            out.append(node)
        graph_position = qs.graph_position()
        lag = None if search_position is None else max(0, graph_position - search_position)
        if statuses["PARTIAL"] or (lag and statuses["MISSING"]):
            self._warn("index_lagging", "the search index is behind the graph for some nodes")
        self.summary = {
            "source": source,
            "graph_position": graph_position,
            "search_position": search_position,
            "lag_events": lag,
            "statuses": statuses,
        }
        return out

    def node(
        self, ref: NodeRef, version: tuple[int, bool] | None, hit: SearchHit | None, now: float
    ) -> dict[str, Any]:
        """One node; `version` is the graph's (sequence, deleted) for it."""
        q = self.q
        node: dict[str, Any] = {"id": ref_name(ref), "type": ref[0]}
        if version is None or version[1]:
            node["data_status"] = "MISSING"
            node["index_status"] = {"tombstoned": True} if version is not None else None
            data = None
        elif hit is None:
            node["data_status"] = "MISSING"
            node["index_status"] = None
            data = None
        else:
            node["data_status"] = "FULL" if hit.seq >= version[0] else "PARTIAL"
            node["index_status"] = {
                "last_indexed_at": _iso(hit.indexed_at) if hit.indexed_at else None,
                "index_age_seconds": round(max(0.0, now - hit.indexed_at), 3)
                if hit.indexed_at
                else None,
                "event_sequence": hit.seq,
            }
            data = _document(ref, hit)
        node["data"] = data if q.include_documents else None
        return node

    @staticmethod
    def provenance(doc: Document | None) -> dict[str, Any] | None:
        if doc is None:
            return None
        meta = doc.body["_meta"]
        return {
            "sequence_number": doc.seq,
            "position": doc.position,
            "created_at": meta["created_at"],
            "created_by": meta["created_by"],
            "updated_at": meta["updated_at"],
            "updated_by": meta["updated_by"],
            "last_event_id": meta["last_event_id"],
            "last_command_id": meta["last_command_id"],
        }


def _document(ref: NodeRef, hit: SearchHit) -> dict[str, Any]:
    """A node's instance as the seed-era system returned it: its values under `data`."""
    return {
        "id": ref[1],
        "instance_id": ref[1],
        "class_id": ref[0],
        "sequence_number": hit.seq,
        "indexed_at": _iso(hit.indexed_at) if hit.indexed_at else None,
        "data": hit.data,
    }


def run_graph_query(queries: GraphQueries, q: GraphQuery) -> dict[str, Any]:
    plan = queries.plan(q)
    runner = GraphQueryRunner(queries, q)
    paths, more = runner.page(plan)
    return runner.respond(paths, more)
