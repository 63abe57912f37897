"""Presenting a graph query's paths: nodes with their index status, edges, paths."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from spice.application.ports.documents import Document, NodeRef
from spice.application.reads.graph.query import GraphQuery, Path, Warnings, ref_name
from spice.application.reads.graph.run import GraphSources
from spice.application.search.query import SearchHit
from spice.domain.errors import Unavailable


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


class GraphPresenter:
    """Turns paths into the answer: each node's payload comes from the search index (or
    the document store when the index is away) with `data_status` saying how it relates
    to the graph, and the index's lag is summarised."""

    def __init__(self, sources: GraphSources, q: GraphQuery, warnings: Warnings) -> None:
        self.sources = sources
        self.q = q
        self.warnings = warnings
        self.summary: dict[str, Any] = {}

    def respond(self, paths: list[Path], more: bool) -> dict[str, Any]:
        q = self.q
        nodes = self._nodes(paths)
        body: dict[str, Any] = {
            "nodes": self.describe(nodes),
            "edges": self._edges(paths, set(nodes)),
            "count": len(nodes),
            "page": {
                "limit": q.limit,
                "offset": q.offset,
                "next_offset": q.offset + q.limit if more else None,
            },
            "paths": None,
        }
        if q.include_paths:
            if len(paths) > q.max_paths:
                self.warnings.add("path_limit_reached", f"only the first {q.max_paths} paths")
            body["paths"] = [
                {"nodes": [ref_name(r) for r in p_nodes], "predicates": [e[1] for e in p_edges]}
                for p_nodes, p_edges in paths[: q.max_paths]
            ]
        body["warnings"] = self.warnings.items
        body["index_summary"] = self.summary
        return body

    def _nodes(self, paths: list[Path]) -> list[NodeRef]:
        """The distinct nodes of the paths in order, at most `max_nodes`."""
        nodes: list[NodeRef] = []
        seen: set[NodeRef] = set()
        for path_nodes, _ in paths:
            for ref in path_nodes:
                if ref in seen:
                    continue
                if len(nodes) >= self.q.max_nodes:
                    message = f"only the first {self.q.max_nodes} nodes"
                    self.warnings.add("node_limit_reached", message)
                    break
                seen.add(ref)
                nodes.append(ref)
        return nodes

    def _edges(self, paths: list[Path], shown: set[NodeRef]) -> list[dict[str, str]]:
        """The distinct edges between shown nodes, at most `max_edges`."""
        edges: list[dict[str, str]] = []
        seen: set[Any] = set()
        for _, path_edges in paths:
            for row in path_edges:
                if row in seen or row[0] not in shown or row[2] not in shown:
                    continue
                if len(edges) >= self.q.max_edges:
                    message = f"only the first {self.q.max_edges} edges"
                    self.warnings.add("edge_limit_reached", message)
                    break
                seen.add(row)
                edge = {"from_node": ref_name(row[0]), "to_node": ref_name(row[2])}
                edges.append({**edge, "predicate": row[1]})
        return edges

    def describe(self, refs: list[NodeRef]) -> list[dict[str, Any]]:
        qs, q = self.sources, self.q
        versions = qs.documents.instance_versions(q.db, q.branch, refs, q.as_of)
        bodies = (
            qs.documents.instances(q.db, q.branch, refs, q.as_of)
            if q.include_provenance or q.include_audit
            else {}
        )
        names = [ref_name(r) for r in refs]
        source, search_position = "document_store", None
        if q.overlaid:  # the index holds main as it is now
            payloads = qs.scan.fetch(q.db, q.branch, names, q.as_of)
        else:
            try:
                payloads = qs.index.fetch(q.db, q.branch, names)
                source, search_position = "search_index", qs.index.checkpoint()
            except Unavailable as exc:
                self.warnings.add(
                    "search_index_unavailable", f"{exc.message}; data from the document store"
                )
                payloads = qs.scan.fetch(q.db, q.branch, names)
        now = time.time()
        out, statuses = [], {"FULL": 0, "PARTIAL": 0, "MISSING": 0}
        for ref, name in zip(refs, names, strict=True):
            node = self.node(ref, versions.get(ref), payloads.get(name), now)
            if q.include_provenance:
                node["provenance"] = self.provenance(bodies.get(ref))
            if q.include_audit:
                node["audit"] = _audit_of(bodies.get(ref))
            statuses[node["data_status"]] += 1
            out.append(node)
        graph_position = qs.graph_position()
        lag = None if search_position is None else max(0, graph_position - search_position)
        if statuses["PARTIAL"] or (lag and statuses["MISSING"]):
            self.warnings.add(
                "index_lagging", "the search index is behind the graph for some nodes"
            )
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


def _audit_of(doc: Document | None) -> dict[str, Any] | None:
    """Who created and last changed an instance, when, and by which command."""
    if doc is None:
        return None
    meta = doc.body["_meta"]
    return {
        "created_at": meta["created_at"],
        "created_by": meta["created_by"],
        "updated_at": meta["updated_at"],
        "updated_by": meta["updated_by"],
        "last_command_id": meta["last_command_id"],
        "sequence_number": doc.seq,
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
