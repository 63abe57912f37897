"""Graph queries: POST /api/v1/graph-query/{db} (+ /simple) and GET .../paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from spice.application.reads import relationship_graph
from spice.application.reads.graph.query import GraphQuery, Hop
from spice.application.reads.graph.service import GraphQueries
from spice.application.search.filters import parse_filter
from spice.entrypoints.api import deps
from spice.entrypoints.api.reads import read_indexed
from spice.entrypoints.api.responses import ERRORS, ClassPaths, Envelope, GraphBody
from spice.entrypoints.api.rules import VIEWER, needs
from spice.entrypoints.api.schemas import (
    GraphQueryBody,
    SimpleGraphQueryBody,
    large_success,
    success,
)

router = APIRouter(prefix="/api/v1/graph-query/{db}", tags=["graph"], responses=ERRORS)
SEED_KEYS = ("nodes", "edges", "paths", "warnings", "page", "count")


async def _run(
    graph: GraphQueries,
    waiter: deps.Waiter,
    query: GraphQuery,
    min_position: int | None,
    timeout: float,
) -> Response:
    result = await read_indexed(waiter, query.db, min_position, timeout, lambda: graph.run(query))
    # Seed-era clients read the result at the top level of the body; `data` holds the same.
    top = {key: result[key] for key in SEED_KEYS}
    return large_success(result, f"{result['count']} nodes", top)


@router.post("", response_model=GraphBody)
@needs(VIEWER)
async def graph_query(
    db: str,
    body: GraphQueryBody,
    graph: deps.GraphDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> Response:
    """Multi-hop query. Each node carries `data_status`: FULL (the indexed document is at
    the graph's sequence), PARTIAL (older), MISSING (not indexed yet, or deleted: then
    `index_status` is `{"tombstoned": true}`)."""
    query = GraphQuery(
        db,
        branch,
        body.start_class,
        tuple(Hop(h.predicate, h.target_class, h.reverse) for h in body.hops),
        parse_filter(body.filters, "filters") if body.filters else None,
        body.limit,
        body.offset,
        body.max_nodes,
        body.max_edges,
        body.no_cycles,
        body.include_paths,
        body.max_paths,
        body.include_documents,
        body.include_provenance,
        as_of,
        body.include_audit,
    )
    return await _run(graph, waiter, query, min_position, timeout)


@router.post("/simple", response_model=GraphBody)
@needs(VIEWER)
async def simple_graph_query(
    db: str,
    body: SimpleGraphQueryBody,
    graph: deps.GraphDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> Response:
    """The instances of one class (and its subclasses) matching `filters`, as graph nodes."""
    query = GraphQuery(
        db,
        branch,
        body.class_name,
        filter=parse_filter(body.filters, "filters") if body.filters else None,
        limit=body.limit,
        offset=body.offset,
        include_documents=body.include_documents,
        as_of=as_of,
        include_audit=body.include_audit,
    )
    return await _run(graph, waiter, query, min_position, timeout)


@router.get("/paths", response_model=Envelope[ClassPaths])
@needs(VIEWER)
async def graph_paths(
    db: str,
    reader: deps.ReaderDep,
    branch: deps.BranchDep,
    source_class: Annotated[str, Query(max_length=100)],
    target_class: Annotated[str | None, Query(max_length=100)] = None,
    max_depth: Annotated[int, Query(ge=1, le=6)] = 3,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """Ways to get from one class to another over relationships (for building hops)."""
    source, target = ("source_class", source_class), ("target_class", target_class)
    found = await run_in_threadpool(
        relationship_graph.class_paths, reader, db, branch, source, target, max_depth, limit
    )
    return success(found)
