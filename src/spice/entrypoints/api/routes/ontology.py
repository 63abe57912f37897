"""Ontology classes: /api/v1/database/{db}/ontology (singular, as in the seed), and the
seed's async and sync creation paths under /api/v1/ontology/{db}."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.application.auth import Identity
from spice.application.commands.status import CommandStatuses
from spice.application.ports.command_status import CommandStatus
from spice.application.reads import relationship_graph as graph
from spice.domain import commands as c
from spice.domain.deciders.evolution import Analysis
from spice.domain.errors import NotFound, ValidationFailed, field_error
from spice.entrypoints.api import access, deps
from spice.entrypoints.api.reads import reach
from spice.entrypoints.api.responses import (
    ERRORS,
    WRITE,
    AcceptedBody,
    ClassCheck,
    ClassImpact,
    ClassPage,
    ClassPaths,
    ClassPublic,
    CompletedBody,
    Cycles,
    Envelope,
    SeedStatus,
)
from spice.entrypoints.api.rules import EDITOR, VIEWER, needs
from spice.entrypoints.api.schemas import ClassDefinition, ClassPatch, page, success
from spice.entrypoints.api.writes import finish, submit

ONTOLOGY = "/api/v1/database/{db}/ontology"
CLASS = ONTOLOGY + "/{class_id}"
SEED = "/api/v1/ontology/{db}"  # the seed's async and sync paths
router = APIRouter(tags=["ontology"], responses=ERRORS)


@router.post(ONTOLOGY, status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def create_class(
    db: str, body: ClassDefinition, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    command = c.CreateClass(
        database=db, branch=branch, definition=body.model_dump(exclude_unset=True)
    )
    return await submit(write, command, f"Ontology creation command accepted for {body.id!r}")


@router.post(ONTOLOGY + "/validate", response_model=Envelope[ClassCheck])
@needs(VIEWER)
async def validate_class(
    db: str, body: ClassDefinition, checks: deps.ClassChecksDep, branch: deps.BranchDep
) -> dict[str, Any]:
    """Check a class definition without writing: as a new class, or, when the class exists,
    as a change to it (with the instances it would break, the first 100)."""
    payload = body.model_dump(exclude_unset=True)
    checked = await run_in_threadpool(checks.check, db, branch, payload)
    found: dict[str, Any] = {
        "valid": checked.valid,
        "exists": checked.analysis is not None,
        "definition": checked.definition,
    }
    if checked.analysis is not None:
        found["impact"] = _impact(checked.analysis, 0, 100)
    return success(found)


@router.post(ONTOLOGY + "/{class_id}/analyze", response_model=Envelope[ClassImpact])
@needs(VIEWER)
async def analyze_change(
    db: str,
    class_id: str,
    body: ClassDefinition,
    checks: deps.ClassChecksDep,
    branch: deps.BranchDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """What replacing the class with the body (and its `migration`) would do to existing
    instances: how many are checked, migrated, and which violate it (paged)."""
    _same_id(class_id, body.id)
    payload = body.model_dump(exclude_unset=True)
    definition, analysis = await run_in_threadpool(checks.analyse, db, branch, payload)
    return success({"definition": definition, "impact": _impact(analysis, offset, limit)})


def _impact(result: Analysis, offset: int, limit: int) -> dict[str, Any]:
    return {
        "checked": result.checked,
        "would_migrate": result.migrated,
        "schema_changes": result.diff,
        "violations": page(
            result.violations[offset : offset + limit], len(result.violations), offset, limit
        ),
    }


def _same_id(class_id: str, body_id: str) -> None:
    if body_id != class_id:
        raise ValidationFailed(
            "the class id in the body differs from the path",
            [field_error("id", "id_mismatch", f"must be {class_id}", body_id)],
        )


@router.get(ONTOLOGY + "/circular-references", response_model=Envelope[Cycles])
@needs(VIEWER)
async def circular_references(
    db: str,
    reader: deps.ReaderDep,
    branch: deps.BranchDep,
    max_length: Annotated[int, Query(ge=1, le=10)] = 6,
    limit: deps.Limit = 1000,
) -> dict[str, Any]:
    """Cycles among relationships between classes. They are allowed; a cycle whose links are
    all required (`all_required`) can only be filled by creating its instances together."""
    classes = await run_in_threadpool(reader.class_definitions, db, branch)
    found, truncated = await run_in_threadpool(graph.cycles, classes, max_length, limit)
    return success({"cycles": found, "count": len(found), "truncated": truncated})


@router.get(ONTOLOGY + "/relationship-paths", response_model=Envelope[ClassPaths])
@needs(VIEWER)
async def relationship_paths(
    db: str,
    reader: deps.ReaderDep,
    branch: deps.BranchDep,
    start: Annotated[str, Query(max_length=100)],
    end: Annotated[str | None, Query(max_length=100)] = None,
    max_depth: Annotated[int, Query(ge=1, le=6)] = 3,
    limit: deps.Limit = 100,
) -> dict[str, Any]:
    """Paths from class `start` (to class `end`) over relationships, forward and through
    inverses; shortest first, forward before backward."""
    found = await run_in_threadpool(
        graph.class_paths, reader, db, branch, ("start", start), ("end", end), max_depth, limit
    )
    return success(found)


@router.get(ONTOLOGY, response_model=Envelope[ClassPage])
@needs(VIEWER)
async def list_classes(
    db: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    offset: deps.Offset = 0,
    limit: deps.Limit = 100,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> dict[str, Any]:
    await reach(waiter, min_position, timeout)
    found = await run_in_threadpool(reader.classes, db, branch, offset, limit, as_of)
    items = found.public()
    # `ontologies` is the seed-era name of the same list.
    return success(
        {**page(items, found.total, offset, limit), "classes": items, "ontologies": items}
    )


@router.get(CLASS, response_model=Envelope[ClassPublic])
@needs(VIEWER)
async def get_class(
    db: str,
    class_id: str,
    reader: deps.ReaderDep,
    waiter: deps.WaiterDep,
    branch: deps.BranchDep,
    as_of: deps.AsOfDep,
    min_position: deps.MinPosition = None,
    timeout: deps.ReadTimeout = 10.0,
) -> dict[str, Any]:
    await reach(waiter, min_position, timeout)
    found = await run_in_threadpool(reader.ontology_class, db, branch, class_id, as_of)
    return success(found.public())


@router.put(CLASS, status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def update_class(
    db: str,
    class_id: str,
    body: ClassDefinition,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    """Replace the class definition (the body holds the whole new definition)."""
    _same_id(class_id, body.id)
    command = c.UpdateClass(
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        definition=body.model_dump(exclude_unset=True),
    )
    return await submit(write, command, f"Ontology update command accepted for {class_id!r}")


@router.patch(CLASS, status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def patch_class(
    db: str,
    class_id: str,
    body: ClassPatch,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    """Change only the fields sent (label, properties, ...); the others stay as they are.
    The result is checked like a whole-class update, `migration` included."""
    changes = body.model_dump(exclude_unset=True)
    _same_id(class_id, changes.pop("id", class_id))
    command = c.PatchClass(
        database=db,
        branch=branch,
        expected_seq=expected_seq,
        definition={**changes, "id": class_id},
    )
    return await submit(write, command, f"Ontology update command accepted for {class_id!r}")


@router.delete(CLASS, status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(EDITOR)
async def delete_class(
    db: str,
    class_id: str,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    expected_seq: deps.ExpectedSeq = None,
) -> JSONResponse:
    command = c.DeleteClass(
        database=db, branch=branch, expected_seq=expected_seq, class_id=class_id
    )
    return await submit(write, command, f"Ontology deletion command accepted for {class_id!r}")


# The seed's async and sync paths: /api/v1/ontology/{db}/async|sync/...


@router.post(SEED + "/async/create", status_code=202, response_model=AcceptedBody)
@needs(EDITOR)
async def create_async(
    db: str, body: ClassDefinition, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    command = c.CreateClass(
        database=db, branch=branch, definition=body.model_dump(exclude_unset=True)
    )
    message = f"Ontology creation command accepted for {body.id!r}"
    return await submit(replace(write, wait=False), command, message)


async def _status_under(
    db: str, command_id: str, statuses: CommandStatuses, identity: Identity, request: Request
) -> CommandStatus:
    """The status of a command of `db` the caller may follow; 404 for any other, as
    `/api/v1/commands/{id}/status` answers."""
    status = await run_in_threadpool(statuses.get, command_id)
    if not await run_in_threadpool(access.may_follow_under, request, identity, status, db):
        raise NotFound(f"command {command_id} not found", {"command_id": command_id})
    return status


@router.get(SEED + "/async/command/{command_id}/status", response_model=SeedStatus)
@needs(VIEWER)
async def status_async(
    db: str,
    command_id: str,
    statuses: deps.StatusesDep,
    identity: deps.IdentityDep,
    request: Request,
) -> dict[str, Any]:
    """A command's status in the seed's shape: one of `db` (404 for a command of another
    database, even one the caller may read elsewhere)."""
    status = await _status_under(db, command_id, statuses, identity, request)
    return {
        "command_id": command_id,
        "status": status.status,
        "result": {
            "message": f"Command is {status.status}",
            "command_type": status.command_type,
            "aggregate_id": (status.result or {}).get("aggregate_id", status.aggregate_id),
            "created_at": status.created_at,
            "updated_at": status.updated_at,
            "progress": status.progress,
            "history": status.history,
            "result": status.result,
            "error": status.error,
        },
    }


@router.post(SEED + "/sync/create", response_model=CompletedBody)
@needs(EDITOR)
async def create_sync(
    db: str,
    body: ClassDefinition,
    write: deps.WriteDep,
    branch: deps.BranchDep,
    poll_interval: deps.PollInterval = 0.5,
) -> JSONResponse:
    """Create a class and answer when it exists (408 with a hint after `timeout`)."""
    command = c.CreateClass(
        database=db, branch=branch, definition=body.model_dump(exclude_unset=True)
    )
    return await submit(
        replace(write, wait=True, poll_interval=poll_interval), command, "Command accepted"
    )


@router.get(SEED + "/sync/command/{command_id}/wait", response_model=CompletedBody)
@needs(VIEWER)
async def wait_command(
    db: str,
    command_id: str,
    waiter: deps.WaiterDep,
    statuses: deps.StatusesDep,
    identity: deps.IdentityDep,
    request: Request,
    timeout: deps.Timeout = 30,
    poll_interval: deps.PollInterval = 0.5,
) -> JSONResponse:
    """Wait for a command of `db` to finish (404 for a command of another database)."""
    status = await _status_under(db, command_id, statuses, identity, request)
    return await finish(waiter, command_id, timeout, poll_interval, known=status)
