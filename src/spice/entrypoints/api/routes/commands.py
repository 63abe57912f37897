"""Command status: /api/v1/commands/{command_id}/status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from spice.domain.errors import NotFound
from spice.entrypoints.api import access, deps
from spice.entrypoints.api.responses import ERRORS, CommandStatusPublic
from spice.entrypoints.api.rules import SELF, needs

router = APIRouter(prefix="/api/v1/commands", tags=["commands"], responses=ERRORS)


@router.get("/{command_id}/status", response_model=CommandStatusPublic)
@needs(SELF)
async def command_status(
    command_id: str, statuses: deps.StatusesDep, identity: deps.IdentityDep, request: Request
) -> dict[str, Any]:
    """Status, progress, history of transitions, and the result or the error: of one's own
    commands, or of those of a database one may read (404 for the others)."""
    status = await run_in_threadpool(statuses.get, command_id)
    if not await run_in_threadpool(access.may_follow, request, identity, status):
        raise NotFound(f"command {command_id} not found", {"command_id": command_id})
    return status.to_dict()
