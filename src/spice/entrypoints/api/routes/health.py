"""Health: the log head and how far each follower has got."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from spice.entrypoints.api import deps

router = APIRouter(tags=["health"])


@router.get("/health")
@router.get("/api/v1/health")
async def health(container: deps.ContainerDep) -> dict[str, Any]:
    head = await run_in_threadpool(container.events.head_position)
    generation = await run_in_threadpool(container.documents.active_generation)
    search = await run_in_threadpool(container.search.health)
    blobs = await run_in_threadpool(container.blobs.health)
    problems = [f"{part['reason']}" for part in (search, blobs) if not part["ok"]]
    return {
        "status": "success",
        "message": f"degraded: {'; '.join(problems)}" if problems else "healthy",
        "data": {
            "log_position": head,
            # In an API process the command workers are other processes, with no position.
            "command_worker_position": (
                container.worker.position if container.settings.process == "serve" else None
            ),
            "projection_position": container.read_progress.position,
            "read_model_generation": generation,
            "search_position": container.search_progress.position,
            "search_index": search,
            "blob_store": blobs,
        },
    }
