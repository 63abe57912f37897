"""Bodies of search and graph queries."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from spice.entrypoints.api.responses.common import Envelope


class SearchResult(BaseModel):
    """Hits, facets, a page with its cursor, warnings, and which index answered."""

    model_config = ConfigDict(extra="allow")
    hits: list[dict[str, Any]]
    total: int
    facets: dict[str, Any]
    page: dict[str, Any]
    warnings: list[dict[str, Any]]
    index: dict[str, Any]


class GraphResult(BaseModel):
    """Nodes with their data status, edges, paths, page, warnings and index summary."""

    model_config = ConfigDict(extra="allow")
    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]
    paths: list[dict[str, Any]] | None
    count: int
    page: dict[str, Any]
    warnings: list[dict[str, Any]]
    index_summary: dict[str, Any]


class GraphBody(Envelope[GraphResult]):
    """The result also at the top level, as seed-era clients read it."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]
    paths: list[dict[str, Any]] | None
    warnings: list[dict[str, Any]]
    page: dict[str, Any]
    count: int
