"""Command status: /api/v1/commands/{command_id}/status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spice.entrypoints.api import deps
from spice.entrypoints.api.routes.ontology_async import load_status

router = APIRouter(prefix="/api/v1/commands", tags=["commands"])


@router.get("/{command_id}/status")
async def command_status(command_id: str, container: deps.ContainerDep) -> dict[str, Any]:
    """Status, progress, history of transitions, and the result or the error."""
    status = await load_status(container, command_id)
    return status.to_dict()
