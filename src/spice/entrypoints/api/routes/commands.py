"""Command status: /api/v1/commands/{command_id}/status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import ERRORS, CommandStatusPublic

router = APIRouter(prefix="/api/v1/commands", tags=["commands"], responses=ERRORS)


@router.get("/{command_id}/status", response_model=CommandStatusPublic)
async def command_status(command_id: str, statuses: deps.StatusesDep) -> dict[str, Any]:
    """Status, progress, history of transitions, and the result or the error."""
    status = await run_in_threadpool(statuses.get, command_id)
    return status.to_dict()
