"""Bodies of graph queries: nodes with their data status, edges, paths, the page, and how
far the search index is behind the graph."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import Envelope, ReadWarning, sometimes


class IndexedStatus(BaseModel):
    """When the index last took the node in, and at which of its sequences."""

    model_config = ConfigDict(extra="allow")
    last_indexed_at: str | None
    index_age_seconds: float | None
    event_sequence: int


class Tombstoned(BaseModel):
    """The node is deleted in the graph."""

    model_config = ConfigDict(extra="allow")
    tombstoned: Literal[True]


class NodeDocument(BaseModel):
    """A node's instance as the index holds it, its values under `data`."""

    model_config = ConfigDict(extra="allow")
    id: str
    instance_id: str
    class_id: str
    sequence_number: int
    indexed_at: str | None
    data: dict[str, Any]


class NodeAudit(BaseModel):
    """Who created and last changed a node's instance, when, and by which command."""

    model_config = ConfigDict(extra="allow")
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    last_command_id: str
    sequence_number: int


class NodeProvenance(NodeAudit):
    """The audit of a node with its log position and last event."""

    position: int
    last_event_id: str


class GraphNode(BaseModel):
    """A node: `Class/id`, its class, its data status and (`include_documents`) its
    instance; `provenance` and `audit` only when the query asks for them."""

    model_config = ConfigDict(extra="allow")
    id: str
    type: str
    data_status: Literal["FULL", "PARTIAL", "MISSING"]
    index_status: IndexedStatus | Tombstoned | None
    data: NodeDocument | None
    provenance: NodeProvenance | None = sometimes("with include_provenance (None: no document)")
    audit: NodeAudit | None = sometimes("with include_audit (None: no document)")


class GraphEdge(BaseModel):
    """A link between two nodes of the answer."""

    model_config = ConfigDict(extra="allow")
    from_node: str
    to_node: str
    predicate: str


class GraphPath(BaseModel):
    """One path from a start node: its nodes and the predicates between them."""

    model_config = ConfigDict(extra="allow")
    nodes: list[str]
    predicates: list[str]


class GraphPage(BaseModel):
    """The page of start nodes answered; `next_offset` is None on the last one."""

    model_config = ConfigDict(extra="allow")
    limit: int
    offset: int
    next_offset: int | None


class IndexSummary(BaseModel):
    """Which store gave the nodes' data, the graph's and the index's positions, and how
    many nodes have each data status."""

    model_config = ConfigDict(extra="allow")
    source: Literal["search_index", "document_store"]
    graph_position: int
    search_position: int | None
    lag_events: int | None
    statuses: dict[str, int] = Field(description="FULL, PARTIAL and MISSING counted")


class GraphResult(BaseModel):
    """Nodes with their data status, edges, paths, page, warnings and index summary."""

    model_config = ConfigDict(extra="allow")
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    paths: list[GraphPath] | None = Field(description="with include_paths")
    count: int
    page: GraphPage
    warnings: list[ReadWarning]
    index_summary: IndexSummary


class GraphBody(Envelope[GraphResult]):
    """The result also at the top level, as seed-era clients read it."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    paths: list[GraphPath] | None
    warnings: list[ReadWarning]
    page: GraphPage
    count: int
