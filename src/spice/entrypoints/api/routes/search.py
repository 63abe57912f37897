"""Search: GET /api/v1/database/{db}/instances?search=... and POST /api/v1/database/{db}/search."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from spice.application.reads.search import SearchRequest, SearchService
from spice.application.search.filters import parse_filter
from spice.domain.errors import BadRequest
from spice.entrypoints.api import deps
from spice.entrypoints.api.reads import read_indexed
from spice.entrypoints.api.responses import ERRORS, Envelope, SearchResult
from spice.entrypoints.api.rules import VIEWER, needs
from spice.entrypoints.api.schemas import SearchBody, large_success

router = APIRouter(prefix="/api/v1/database/{db}", tags=["search"], responses=ERRORS)


async def _run(
    searches: SearchService,
    waiter: deps.Waiter,
    request: SearchRequest,
    min_position: int | None,
    timeout: float,
) -> Response:
    search = searches.search
    result = await read_indexed(
        waiter, request.db, min_position, timeout, lambda: search(request, min_position)
    )
    return large_success(result)


@router.post("/search", response_model=Envelope[SearchResult])
@needs(VIEWER)
async def search(
    db: str,
    body: SearchBody,
    searches: deps.SearchDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> Response:
    """Full-text search over the instances of a branch, with filters, sort, facets,
    highlights and cursor paging. `index` in the answer says which store answered and how
    far behind the log it is; `warnings` say when the index could not be used."""
    request = SearchRequest(
        db,
        branch,
        body.query,
        body.class_id,
        parse_filter(body.filter) if body.filter is not None else None,
        body.sort,
        body.order == "desc",
        tuple(body.facets),
        body.facet_size,
        body.limit,
        body.offset,
        body.cursor,
        body.highlight,
        as_of,
    )
    return await _run(searches, waiter, request, min_position, timeout)


@router.get("/instances", response_model=Envelope[SearchResult])
@needs(VIEWER)
async def search_instances(
    db: str,
    searches: deps.SearchDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    # Bounded so that the whole URL stays within what the HTTP server parses (64 KiB,
    # however its characters are encoded): larger filters go in POST .../search.
    search: Annotated[str, Query(max_length=500, description="full text")] = "",
    class_id: Annotated[str | None, Query(max_length=100)] = None,
    filter: Annotated[
        str | None, Query(max_length=2000, description="JSON filter (larger: POST .../search)")
    ] = None,
    sort: Annotated[str | None, Query(max_length=200)] = None,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    facets: Annotated[str | None, Query(max_length=500, description="comma list")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> Response:
    """The same search as POST .../search, from query parameters."""
    parsed = None
    if filter is not None:
        try:
            parsed = parse_filter(json.loads(filter))
        except json.JSONDecodeError as exc:
            raise BadRequest(f"filter is not JSON: {exc.msg}", {"filter": filter}) from None
    wanted = tuple(f for f in (facets or "").split(",") if f)
    request = SearchRequest(
        db,
        branch,
        search,
        class_id,
        parsed,
        sort,
        order == "desc",
        wanted,
        20,
        limit,
        offset,
        cursor,
        as_of=as_of,
    )
    return await _run(searches, waiter, request, min_position, timeout)
