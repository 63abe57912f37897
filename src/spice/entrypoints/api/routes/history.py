"""Version control reads: /api/v1/databases/{db}/commits (history), one commit, and the
common ancestor of two refs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    CommitPage,
    CommitPublic,
    Diff,
    Envelope,
    MergeBase,
    MergePlan,
)
from spice.entrypoints.api.schemas import MergeRequest, page, recorded, success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1/databases/{db}", tags=["version control"], responses=ERRORS)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/commits", response_model=Envelope[CommitPage])
async def history(
    db: str,
    history: deps.HistoryDep,
    branch: deps.BranchDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
    author: Text = None,
    since: Annotated[str | None, Query(max_length=64, description="ISO time, inclusive")] = None,
    until: Annotated[str | None, Query(max_length=64, description="ISO time, inclusive")] = None,
    class_id: Text = None,
    instance_id: Annotated[str | None, Query(max_length=255)] = None,
) -> dict[str, Any]:
    """The commits a branch sees (its own, then its parent's up to the fork), newest first;
    filtered by author, time range, a class their events touched, or one instance (with
    `class_id`). Every completed command is a commit."""
    items, total = await run_in_threadpool(
        lambda: history.log(
            db,
            branch,
            offset,
            limit,
            author=author,
            since=since,
            until=until,
            class_id=class_id,
            instance_id=instance_id,
        )
    )
    return success({**page(items, total, offset, limit), "commits": items})


@router.get("/commits/{commit_id}", response_model=Envelope[CommitPublic])
async def get_commit(db: str, commit_id: str, history: deps.HistoryDep) -> dict[str, Any]:
    """One commit with the events it wrote (`written`)."""
    return success(await run_in_threadpool(history.commit, db, commit_id))


Ref = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="a branch, a commit id, or branch@point (a position, ISO time or commit)",
    ),
]


@router.get("/diff", response_model=Envelope[Diff])
async def diff(
    db: str,
    diffs: deps.DiffsDep,
    from_ref: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
    to_ref: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """What changed from one ref to another (a branch, a commit id, or branch@point for a
    branch as of a log position, an ISO time or a commit): the schema (classes, their
    properties and relationships added, removed, changed) and the data (instances added,
    removed, changed with old and new value per property), counts first, data paged."""
    return success(await run_in_threadpool(diffs.diff, db, from_ref, to_ref, offset, limit))


@router.get("/merge-base", response_model=Envelope[MergeBase])
async def merge_base(
    db: str,
    history: deps.HistoryDep,
    a: Ref,
    b: Ref,
) -> dict[str, Any]:
    """The common ancestor of two refs: the newest commit both see."""
    return success(await run_in_threadpool(history.merge_base, db, a, b))


@router.post(
    "/merge",
    status_code=202,
    response_model=AcceptedBody,
    responses={**WRITE, 200: {"model": Envelope[MergePlan], "description": "simulated"}},
)
async def merge(
    db: str, body: MergeRequest, write: deps.WriteDep, commands: deps.CommandsDep
) -> JSONResponse:
    """Merge a branch into the branch it forked from, three-way against their common
    ancestor (the fork, or the last merge): one command whose events on the target name the
    source's commits. A property both sides changed differently, a change on one side of
    what the other deleted, and a change the target's schema or unique values refuse are
    conflicts. With `simulate` the answer is what the merge would write (200), nothing is
    written."""
    command = c.MergeBranch(
        database=db,
        branch=body.target,
        source=body.source,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    if body.simulate:
        decision = await run_in_threadpool(commands.dry_run, command)
        events = [
            {
                "aggregate_id": ch.aggregate_id,
                "sequence_number": ch.seq,
                "event_type": ch.event.event_type,
                "data": ch.event.to_data(),
            }
            for ch in decision.changes
        ]
        return JSONResponse(success({"result": decision.result, "events": events}))
    message = f"Merge of {body.source!r} into {body.target!r} accepted"
    response: JSONResponse = await submit(write, command, message, recorded(None, body.message))
    return response
