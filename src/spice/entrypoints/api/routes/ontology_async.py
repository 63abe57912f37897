"""The seed's async and sync ontology paths: /api/v1/ontology/{db}/async|sync/..."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from spice.application.ports.command_status import CommandStatus
from spice.domain import commands as c
from spice.domain import events as ev
from spice.domain.errors import NotFound
from spice.entrypoints.api import deps
from spice.entrypoints.api.schemas import ClassDefinition
from spice.entrypoints.api.writes import finish, submit

router = APIRouter(prefix="/api/v1/ontology/{db}", tags=["ontology (async/sync)"])


def _status_or_log(container: deps.Container, command_id: str) -> CommandStatus | None:
    """The tracked status, checked against the log while it is not final: the outcome may be
    recorded already, or the command accepted but not tracked (a crash in between)."""
    status = container.tracker.get(command_id)
    if status is not None and status.is_final:
        return status
    envelope = container.events.get_event(command_id)
    if envelope is None or envelope.event_type != ev.COMMAND_ACCEPTED:
        return status
    return container.executor.reconcile(envelope)


async def load_status(container: deps.Container, command_id: str) -> CommandStatus:
    status = await run_in_threadpool(_status_or_log, container, command_id)
    if status is None:
        raise NotFound(f"command {command_id!r} not found", {"command_id": command_id})
    return status


@router.post("/async/create", status_code=202)
async def create_async(
    db: str, body: ClassDefinition, write: deps.WriteDep, branch: deps.BranchDep
) -> JSONResponse:
    return await submit(
        replace(write, wait=False),
        c.CREATE_ONTOLOGY_CLASS,
        body.model_dump(exclude_unset=True),
        database=db,
        branch=branch,
        message=f"Ontology creation command accepted for {body.id!r}",
    )


@router.get("/async/command/{command_id}/status")
async def status_async(db: str, command_id: str, container: deps.ContainerDep) -> dict[str, Any]:
    status = await load_status(container, command_id)
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
    return await submit(
        replace(write, wait=True, poll_interval=poll_interval),
        c.CREATE_ONTOLOGY_CLASS,
        body.model_dump(exclude_unset=True),
        database=db,
        branch=branch,
    )


@router.get("/sync/command/{command_id}/wait")
async def wait_command(
    db: str,
    command_id: str,
    waiter: deps.WaiterDep,
    timeout: deps.Timeout = 30,
    poll_interval: deps.PollInterval = 0.5,
) -> JSONResponse:
    await load_status(waiter.container, command_id)
    return await finish(waiter, command_id, timeout, poll_interval)
