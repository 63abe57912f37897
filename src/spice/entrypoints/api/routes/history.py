"""Version control: /api/v1/databases/{db}/commits (history), one commit, diff, the common
ancestor of two refs; merge, rebase, revert and reset."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    SIMULATED,
    AcceptedBody,
    CommitPage,
    CommitPublic,
    Diff,
    Envelope,
    MergeBase,
)
from spice.entrypoints.api.rules import EDITOR, VIEWER, needs
from spice.entrypoints.api.schemas import (
    MergeRequest,
    RebaseRequest,
    ResetRequest,
    RevertRequest,
    page,
    recorded,
    success,
)
from spice.entrypoints.api.writes import simulate_or_submit

router = APIRouter(prefix="/api/v1/databases/{db}", tags=["version control"], responses=ERRORS)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/commits", response_model=Envelope[CommitPage])
@needs(VIEWER)
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
    found = await run_in_threadpool(
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
    items = found.public()
    return success({**page(items, found.total, offset, limit), "commits": items})


@router.get("/commits/{commit_id}", response_model=Envelope[CommitPublic])
@needs(VIEWER)
async def get_commit(db: str, commit_id: str, history: deps.HistoryDep) -> dict[str, Any]:
    """One commit with the events it wrote (`written`)."""
    found = await run_in_threadpool(history.commit, db, commit_id)
    return success(found.public())


Ref = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="a branch, a commit id, or branch@point (a position, ISO time or commit)",
    ),
]


@router.get("/diff", response_model=Envelope[Diff])
@needs(VIEWER)
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
@needs(VIEWER)
async def merge_base(
    db: str,
    history: deps.HistoryDep,
    a: Ref,
    b: Ref,
) -> dict[str, Any]:
    """The common ancestor of two refs: the newest commit both see."""
    return success(await run_in_threadpool(history.merge_base, db, a, b))


@router.post("/merge", status_code=202, response_model=AcceptedBody, responses=SIMULATED)
@needs(EDITOR)
async def merge(db: str, body: MergeRequest, write: deps.WriteDep) -> JSONResponse:
    """Merge a branch into another, three-way against their common ancestor (the fork they
    share, or the newer state one took in from the other by a merge or rebase): one
    command whose events on the target name the source's commits. A property both sides
    changed differently, a change on one side of what the other deleted, and a change the
    target's schema or unique values refuse are conflicts. With `simulate` the answer is
    what the merge would write (200), nothing is written."""
    command = c.MergeBranch(
        database=db,
        branch=body.target,
        source=body.source,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    accepted = f"Merge of {body.source!r} into {body.target!r} accepted"
    return await simulate_or_submit(
        write, command, body.simulate, accepted, recorded(None, body.message)
    )


@router.post("/rebase", status_code=202, response_model=AcceptedBody, responses=SIMULATED)
@needs(EDITOR)
async def rebase(db: str, body: RebaseRequest, write: deps.WriteDep) -> JSONResponse:
    """Rebase a branch onto its parent's head: the parent's changes since the fork (or the
    last rebase) are brought onto the branch three-way, as new events on the branch, so that
    it differs from its parent only by its own changes. The branch's commits stay as they
    were (history is not rewritten); its next merge starts from the parent as of the
    rebase, and `behind` counts from there. Conflicts as for a merge ("ours" is the
    branch)."""
    command = c.RebaseBranch(
        database=db,
        branch=body.branch,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    accepted = f"Rebase of {body.branch!r} accepted"
    return await simulate_or_submit(
        write, command, body.simulate, accepted, recorded(None, body.message)
    )


@router.post("/revert", status_code=202, response_model=AcceptedBody, responses=SIMULATED)
@needs(EDITOR)
async def revert(db: str, body: RevertRequest, write: deps.WriteDep) -> JSONResponse:
    """Revert a commit on a branch that sees it: new events put back, per property, what
    the commit changed (a created instance is deleted, a class change undone). History is
    not rewritten; the revert is a commit of its own. A property changed again since the
    commit is a conflict; an instance the commit deleted comes back with the values it
    had (`InstanceRestored`), its unique values and links checked as for a create."""
    command = c.RevertCommit(
        database=db,
        branch=body.branch,
        commit=body.commit,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    accepted = f"Revert of commit {body.commit!r} on {body.branch!r} accepted"
    return await simulate_or_submit(
        write, command, body.simulate, accepted, recorded(None, body.message)
    )


@router.post("/reset", status_code=202, response_model=AcceptedBody, responses=SIMULATED)
@needs(EDITOR)
async def reset(
    db: str,
    body: ResetRequest,
    write: deps.WriteDep,
    refs: deps.RefsDep,
) -> JSONResponse:
    """Reset a branch's content (its classes and instances) to what it was at a log
    position, an ISO time or a commit, with new events: the branch reads as it did then,
    and its history keeps everything in between. An instance deleted since comes back with
    the values it had then."""
    position = await run_in_threadpool(refs.position, body.to, db)
    command = c.ResetBranch(
        database=db,
        branch=body.branch,
        to_position=position,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    accepted = f"Reset of {body.branch!r} to {body.to!r} (position {position}) accepted"
    return await simulate_or_submit(
        write, command, body.simulate, accepted, recorded(None, body.message)
    )
