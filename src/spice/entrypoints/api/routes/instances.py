"""Instances: /api/v1/database/{db}/instances/{class_id}/..."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.domain.events import InstanceCreated
from spice.entrypoints.api import deps
from spice.entrypoints.api.reads import reach
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    Envelope,
    InstanceCheck,
    InstancePage,
    InstancePublic,
    Links,
    Replayed,
    Timeline,
)
from spice.entrypoints.api.responses import Blame as BlameBody
from spice.entrypoints.api.rules import EDITOR, VIEWER, needs
from spice.entrypoints.api.schemas import (
    BulkCreate,
    InstanceCreate,
    InstanceRestore,
    InstanceUpdate,
    page,
    recorded,
    success,
)
from spice.entrypoints.api.writes import submit

router = APIRouter(
    prefix="/api/v1/database/{db}/instances/{class_id}", tags=["instances"], responses=ERRORS
)


@router.post("/create", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def create_instance(
    db: str, class_id: str, body: InstanceCreate, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    command = c.CreateInstance(
        database=db, branch=branch, class_id=class_id, data=body.data, instance_id=body.instance_id
    )
    message = f"Instance creation accepted for {class_id}"
    return await submit(write, command, message, recorded(body.metadata, body.message))


@router.post("/validate", response_model=Envelope[InstanceCheck])
@needs(VIEWER)
async def validate_instance(
    db: str,
    class_id: str,
    body: InstanceCreate,
    commands: deps.CommandsDep,
    branch: deps.BranchDep,
) -> dict[str, Any]:
    """Check an instance as a create would, without writing: 200 with the normalised values
    and the id it would get, or the error the create would fail with."""
    command = c.CreateInstance(
        database=db, branch=branch, class_id=class_id, data=body.data, instance_id=body.instance_id
    )
    decision = await run_in_threadpool(commands.dry_run, command)
    created = decision.changes[0].event
    assert isinstance(created, InstanceCreated)
    return success({"valid": True, "instance_id": created.instance_id, "values": created.values})


@router.post("/bulk-create", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def bulk_create(
    db: str, class_id: str, body: BulkCreate, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    command = c.BulkCreateInstances(
        database=db, branch=branch, class_id=class_id, instances=body.instances
    )
    message = f"Bulk creation of {len(body.instances)} {class_id} accepted"
    return await submit(write, command, message, recorded(body.metadata, body.message))


@router.put("/{instance_id}/update", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def update_instance(
    db: str,
    class_id: str,
    instance_id: str,
    body: InstanceUpdate,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    command = c.UpdateInstance(
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        class_id=class_id,
        instance_id=instance_id,
        data=body.data,
    )
    message = f"Instance update accepted for {class_id}/{instance_id}"
    return await submit(write, command, message, recorded(body.metadata, body.message))


@router.delete(
    "/{instance_id}/delete", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def delete_instance(
    db: str,
    class_id: str,
    instance_id: str,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    command = c.DeleteInstance(
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        class_id=class_id,
        instance_id=instance_id,
    )
    return await submit(write, command, f"Instance deletion accepted for {class_id}/{instance_id}")


@router.post(
    "/{instance_id}/restore", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(EDITOR)
async def restore_instance(
    db: str,
    class_id: str,
    instance_id: str,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    body: InstanceRestore | None = None,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    """Bring back an instance deleted on the branch (or deleted before the branch forked),
    with the values it had or with `data`, checked as a create is (schema, links, unique
    values); 409 when it is not deleted. The instance keeps its id and its history."""
    body = body or InstanceRestore()
    command = c.RestoreInstance(
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        class_id=class_id,
        instance_id=instance_id,
        data=body.data,
    )
    message = f"Instance restore accepted for {class_id}/{instance_id}"
    return await submit(write, command, message, recorded(body.metadata, body.message))


@router.get("", response_model=Envelope[InstancePage])
@needs(VIEWER)
async def list_instances(
    db: str,
    class_id: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> dict[str, Any]:
    """A page of live instances of the class, ordered by id (as of a point in history
    with `as_of`)."""
    await reach(waiter, min_position, timeout)
    found = await run_in_threadpool(
        reader.instances, db, branch, class_id, offset, limit, True, as_of
    )
    items = found.public()
    return success({**page(items, found.total, offset, limit), "instances": items})


@router.get("/{instance_id}", response_model=Envelope[InstancePublic])
@needs(VIEWER)
async def get_instance(
    db: str,
    class_id: str,
    instance_id: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> dict[str, Any]:
    """One instance with its values, sequence number and who changed it last (as of a
    point in history with `as_of`)."""
    await reach(waiter, min_position, timeout)
    found = await run_in_threadpool(reader.instance, db, branch, class_id, instance_id, as_of)
    return success(found.public())


@router.get("/{instance_id}/links", response_model=Envelope[Links])
@needs(VIEWER)
async def instance_links(
    db: str,
    class_id: str,
    instance_id: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> dict[str, Any]:
    """Links out of the instance and into it; incoming ones are named by the relationship's
    inverse predicate (or `^predicate` when it has none)."""
    await reach(waiter, min_position, timeout)
    return success(await run_in_threadpool(reader.links, db, branch, class_id, instance_id))


@router.get("/{instance_id}/history", response_model=Envelope[Timeline])
@needs(VIEWER)
async def instance_history(
    db: str,
    class_id: str,
    instance_id: str,
    lineages: deps.LineagesDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """The instance's timeline, oldest first: each change with its actor, command, commit,
    message and the branch it was written on (a parent's, for what a branch inherited)."""
    items, total = await run_in_threadpool(
        lineages.timeline, db, branch, class_id, instance_id, offset, limit, as_of
    )
    return success({**page(items, total, offset, limit), "changes": items})


@router.get("/{instance_id}/replay", response_model=Envelope[Replayed])
@needs(VIEWER)
async def replay_instance(
    db: str,
    class_id: str,
    instance_id: str,
    lineages: deps.LineagesDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
) -> dict[str, Any]:
    """The state replayed from the log (as of a point with `as_of`), with the chain of
    commands that made it under `_metadata.command_history`."""
    return success(
        await run_in_threadpool(lineages.replay, db, branch, class_id, instance_id, as_of)
    )


@router.get("/{instance_id}/blame", response_model=Envelope[BlameBody])
@needs(VIEWER)
async def blame(
    db: str,
    class_id: str,
    instance_id: str,
    lineages: deps.LineagesDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    property: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """For each current value (or one `property`): the change that set it (event, command,
    commit, actor, time, branch) and `causes`, the chain from the event to the command and
    the commit that explains why the value is there."""
    found = await run_in_threadpool(
        lineages.blame, db, branch, class_id, instance_id, as_of, property
    )
    return success(found)
