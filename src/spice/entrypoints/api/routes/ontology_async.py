"""The seed's async and sync ontology paths: /api/v1/ontology/{db}/async|sync/..."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.entrypoints.api import deps
from spice.entrypoints.api.schemas import ClassDefinition
from spice.entrypoints.api.writes import finish, submit

router = APIRouter(prefix="/api/v1/ontology/{db}", tags=["ontology (async/sync)"])


@router.post("/async/create", status_code=202)
async def create_async(
    db: str, body: ClassDefinition, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    command = c.CreateClass(
        database=db, branch=branch, definition=body.model_dump(exclude_unset=True)
    )
    message = f"Ontology creation command accepted for {body.id!r}"
    return await submit(replace(write, wait=False), command, message)


@router.get("/async/command/{command_id}/status")
async def status_async(db: str, command_id: str, statuses: deps.StatusesDep) -> dict[str, Any]:
    status = await run_in_threadpool(statuses.get, command_id)
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


@router.post("/sync/create")
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


@router.get("/sync/command/{command_id}/wait")
async def wait_command(
    db: str,
    command_id: str,
    waiter: deps.WaiterDep,
    statuses: deps.StatusesDep,
    timeout: deps.Timeout = 30,
    poll_interval: deps.PollInterval = 0.5,
) -> JSONResponse:
    await run_in_threadpool(statuses.get, command_id)
    return await finish(waiter, command_id, timeout, poll_interval)
