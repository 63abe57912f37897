"""Proposals (pull requests) and database settings: /api/v1/databases/{db}/proposals and
/api/v1/databases/{db}/settings. A protected branch is written only by merging a proposal."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import (
    ERRORS,
    SIMULATED,
    WRITE,
    AcceptedBody,
    DatabaseSettings,
    Envelope,
    ProposalPage,
    ProposalPublic,
)
from spice.entrypoints.api.rules import EDITOR, OWNER, VIEWER, needs
from spice.entrypoints.api.schemas import (
    ProposalMergeRequest,
    ProposalNote,
    ProposalRequest,
    SettingsRequest,
    page,
    recorded,
    success,
)
from spice.entrypoints.api.writes import simulate_or_submit, submit

router = APIRouter(prefix="/api/v1/databases/{db}", tags=["proposals"], responses=ERRORS)
Number = Annotated[int, Path(ge=1, le=10**9, description="the proposal's number")]


@router.get("/settings", response_model=Envelope[DatabaseSettings])
@needs(VIEWER)
async def get_settings(db: str, proposals: deps.ProposalsDep) -> dict[str, Any]:
    """Which branches are protected, and how many approvals a proposal into one needs."""
    return success(await run_in_threadpool(proposals.settings, db))


@router.put("/settings", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER)
async def put_settings(db: str, body: SettingsRequest, write: deps.WriteDep) -> JSONResponse:
    """Set the database's settings. A protected branch refuses direct writes (409
    `PROTECTED_BRANCH`: instance and class writes, merges, reverts, resets, deletion); they
    go to another branch and come in by a proposal. `protected_branches` defaults to
    `["main"]`; an empty list protects nothing."""
    command = c.ConfigureDatabase(
        database=db,
        protected_branches=body.protected_branches,
        required_approvals=body.required_approvals,
    )
    return await submit(write, command, f"Settings of {db!r} accepted")


@router.post("/proposals", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def open_proposal(db: str, body: ProposalRequest, write: deps.WriteDep) -> JSONResponse:
    """Propose merging `source` into `target` (any other branch); the proposal's
    number is in the command's result."""
    command = c.OpenProposal(
        database=db,
        branch=body.target,
        source=body.source,
        title=body.title,
        description=body.description,
    )
    return await submit(write, command, f"Proposal of {body.source!r} into {body.target!r}")


@router.get("/proposals", response_model=Envelope[ProposalPage])
@needs(VIEWER)
async def list_proposals(
    db: str,
    proposals: deps.ProposalsDep,
    status: Annotated[Literal["open", "merged", "closed"] | None, Query()] = None,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """The proposals of a database, newest first, optionally only those of one status."""
    items, total = await run_in_threadpool(proposals.list, db, status, offset, limit)
    return success({**page(items, total, offset, limit), "proposals": items})


@router.get("/proposals/{number}", response_model=Envelope[ProposalPublic])
@needs(VIEWER)
async def get_proposal(
    db: str,
    number: Number,
    proposals: deps.ProposalsDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """A proposal with its comments and approvals and, while open, what merging it would
    change now (`diff`, from target to source, its data paged by offset and limit), the
    conflicts the merge would meet, and whether it can merge (`mergeable`)."""
    return success(await run_in_threadpool(proposals.get, db, number, offset, limit))


@router.post(
    "/proposals/{number}/comments", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(VIEWER)
async def comment(
    db: str, number: Number, body: ProposalNote, write: deps.WriteDep
) -> JSONResponse:
    """Comment on an open proposal."""
    command = c.CommentProposal(database=db, number=number, comment=body.comment or "")
    return await submit(write, command, f"Comment on proposal {number} accepted")


@router.post(
    "/proposals/{number}/approve", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def approve(
    db: str,
    number: Number,
    write: deps.WriteDep,
    body: ProposalNote | None = None,
) -> JSONResponse:
    """Approve an open proposal; the approver is recorded. The author of a proposal cannot
    approve it (403), whether it is asked before or after the proposal is opened; a
    merge counts no approval of its author."""
    note = body.comment if body is not None else None
    command = c.ApproveProposal(database=db, number=number, comment=note, approver=write.actor)
    return await submit(write, command, f"Approval of proposal {number} accepted")


@router.post(
    "/proposals/{number}/merge", status_code=202, response_model=AcceptedBody, responses=SIMULATED
)
@needs(EDITOR)
async def merge(
    db: str, number: Number, body: ProposalMergeRequest, write: deps.WriteDep
) -> JSONResponse:
    """Merge an open proposal with the approvals its target needs (409 `APPROVALS_REQUIRED`
    otherwise): the branch merge and the proposal's `merged` in one command. Conflicts are
    settled as for a merge; `simulate` answers what it would write."""
    command = c.MergeProposal(
        database=db,
        number=number,
        strategy=body.strategy,
        resolutions=dict(body.resolutions),
    )
    metadata = recorded(None, body.message)
    accepted = f"Merge of proposal {number} accepted"
    return await simulate_or_submit(write, command, body.simulate, accepted, metadata)


@router.post(
    "/proposals/{number}/close", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def close(
    db: str, number: Number, write: deps.WriteDep, body: ProposalNote | None = None
) -> JSONResponse:
    """Close an open proposal without merging it."""
    note = body.comment if body is not None else None
    command = c.CloseProposal(database=db, number=number, comment=note)
    return await submit(write, command, f"Closing of proposal {number} accepted")
