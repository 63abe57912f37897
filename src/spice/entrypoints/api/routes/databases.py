"""Databases: /api/v1/databases (plural, as in the seed)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from spice.application.log.serialization import utc_after
from spice.domain import commands as c
from spice.domain import names
from spice.domain.errors import ValidationFailed, field_error
from spice.entrypoints.api import access, deps
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    BranchList,
    BranchPublic,
    DatabaseFound,
    DatabasePage,
    Envelope,
    ExpectedSeq,
    Roles,
)
from spice.entrypoints.api.rules import EDITOR, OWNER, USER, VIEWER, needs
from spice.entrypoints.api.schemas import BranchCreate, DatabaseCreate, page, success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1/databases", tags=["databases"], responses=ERRORS)
MAX_LISTED = 10_000  # databases looked through for those a member may read


@router.post("", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(USER)
async def create_database(body: DatabaseCreate, write: deps.WriteDep) -> JSONResponse:
    command = c.CreateDatabase(database=body.name, name=body.name, description=body.description)
    return await submit(write, command, f"Database creation accepted for {body.name!r}")


@router.get("", response_model=Envelope[DatabasePage])
@needs(USER)
def list_databases(
    request: Request,
    reader: deps.ReaderDep,
    identity: deps.IdentityDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """The databases the caller may read (all of them for an administrator)."""
    if identity.admin:
        found = reader.databases(offset, limit)
        items, total = found.public(), found.total
    else:
        every = reader.databases(0, MAX_LISTED).public()
        readable = [d for d in every if access.may_read(request, identity, str(d["name"]))]
        items, total = readable[offset : offset + limit], len(readable)
    return success({**page(items, total, offset, limit), "databases": items})


@router.get("/{db}", response_model=Envelope[DatabaseFound])
@needs(VIEWER)
def get_database(db: str, reader: deps.ReaderDep) -> dict[str, Any]:
    # `exists` is what seed-era clients check.
    return success({**reader.database(db).public(), "exists": True})


Confirm = Annotated[
    str | None, Query(max_length=100, description="the database's name again, to confirm")
]


def _confirmed(db: str, confirm: str | None, what: str) -> None:
    if confirm != db:
        raise ValidationFailed(
            f"{what} {db!r} needs ?confirm={db} (its name again)",
            [field_error("confirm", "confirmation", f"the database's name: {db}", confirm)],
        )


@router.delete("/{db}", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER)
async def delete_database(
    db: str,
    write: deps.WriteDep,
    request: Request,
    expected_seq: deps.ExpectedSeq = None,
    confirm: Confirm = None,
) -> JSONResponse:
    """Delete a database (owners), confirmed by `?confirm=<its name>` or, as seed-era
    clients do, by `?expected_seq=<its current sequence>` (409 when it moved on): it
    disappears from every read and write at once, and can be restored (`POST .../restore`)
    until the grace period ends (`purge_after` in the result; 7 days unless configured),
    when it is purged. Its name is not used again."""
    if expected_seq is None or confirm is not None:
        _confirmed(db, confirm, "deleting")
    grace = request.app.state.container.settings.database_grace_days * 86400
    command = c.DeleteDatabase(
        database=db, expected_seq=expected_seq, name=db, purge_after=utc_after(grace)
    )
    return await submit(write, command, f"Database deletion accepted for {db!r}")


@router.post("/{db}/restore", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER, on_deleted=True)
async def restore_database(
    db: str, write: deps.WriteDep, expected_seq: deps.ExpectedSeq = None
) -> JSONResponse:
    """Bring back a deleted database before it is purged, as it was (owners); 404 when
    purged or unknown, 409 when not deleted."""
    command = c.RestoreDatabase(database=db, expected_seq=expected_seq, name=db)
    return await submit(write, command, f"Database restore accepted for {db!r}")


@router.post("/{db}/purge", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER, on_deleted=True)
async def purge_database(
    db: str, write: deps.WriteDep, expected_seq: deps.ExpectedSeq = None, confirm: Confirm = None
) -> JSONResponse:
    """Purge a deleted database now instead of at the end of its grace period (owners),
    confirmed by `?confirm=<its name>`: its documents, graph and search index are dropped
    and it can no longer be restored (the log keeps its history)."""
    _confirmed(db, confirm, "purging")
    command = c.PurgeDatabase(database=db, expected_seq=expected_seq, name=db)
    return await submit(write, command, f"Database purge accepted for {db!r}")


class RoleGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["owner", "editor", "viewer"]


@router.get("/{db}/roles", response_model=Envelope[Roles])
@needs(VIEWER)
async def roles(db: str, auth: deps.AuthDep) -> dict[str, Any]:
    """Who has which role on the database; its creator is an owner without a grant."""
    names.check_name("database", db, names.DATABASE_NAME)
    return success(await run_in_threadpool(auth.members, db))


@router.put("/{db}/roles/{username}", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(OWNER)
async def grant_role(db: str, username: str, body: RoleGrant, write: deps.WriteDep) -> JSONResponse:
    """Give a user a role on the database (owners): viewer reads, editor also writes,
    owner also deletes the database, changes its settings and grants roles."""
    command = c.GrantRole(database=db, username=username, role=body.role)
    return await submit(write, command, f"{body.role} of {db!r} accepted for {username!r}")


@router.delete(
    "/{db}/roles/{username}", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(OWNER)
async def revoke_role(db: str, username: str, write: deps.WriteDep) -> JSONResponse:
    command = c.RevokeRole(database=db, username=username)
    return await submit(write, command, f"Revocation of {username!r}'s role on {db!r} accepted")


@router.get("/{db}/expected-seq", response_model=Envelope[ExpectedSeq])
@needs(VIEWER)
async def expected_seq(db: str, commands: deps.CommandsDep) -> dict[str, Any]:
    """The current sequence of the database aggregate, to send as `expected_seq`."""
    names.check_name("database", db, names.DATABASE_NAME)
    state = await run_in_threadpool(commands.database, db)
    return success({"database": db, "aggregate_id": state.aggregate_id, "expected_seq": state.seq})


@router.post("/{db}/branches", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def create_branch(
    db: str, body: BranchCreate, write: deps.WriteDep, refs: deps.RefsDep
) -> JSONResponse:
    """Fork a branch from `from_branch` at its head (or as of `at`). Nothing is copied: the
    branch reads its parent as of the fork point plus its own writes."""
    at = None if body.at is None else await run_in_threadpool(refs.position, str(body.at), db)
    command = c.CreateBranch(database=db, branch=body.from_branch, name=body.name, at_position=at)
    return await submit(write, command, f"Branch creation accepted for {body.name!r}")


@router.get("/{db}/branches", response_model=Envelope[BranchList])
@needs(VIEWER)
def list_branches(db: str, reader: deps.ReaderDep, history: deps.HistoryDep) -> dict[str, Any]:
    """Every branch with its fork point, head commit, and commits ahead of and behind its
    parent."""
    found = reader.branches(db)
    branches = [history.branch(db, b.data["name"]) for b in found.items]
    return success({"branches": branches, "total": found.total})


@router.get("/{db}/branches/{branch:path}", response_model=Envelope[BranchPublic])
@needs(VIEWER)
def get_branch(db: str, branch: str, history: deps.HistoryDep) -> dict[str, Any]:
    names.check_branch(branch)
    return success(history.branch(db, branch))


@router.delete(
    "/{db}/branches/{branch:path}", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def delete_branch(
    db: str, branch: str, write: deps.WriteDep, expected_seq: deps.ExpectedSeq = None
) -> JSONResponse:
    """Delete a branch (never `main`, nor one that other branches forked from); its name
    cannot be used again."""
    names.check_branch(branch)
    command = c.DeleteBranch(database=db, name=branch, expected_seq=expected_seq)
    return await submit(write, command, f"Branch deletion accepted for {branch!r}")
