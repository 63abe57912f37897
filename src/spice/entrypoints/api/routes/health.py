"""Health: /health and /api/v1/health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from spice.application.reads.health import UNHEALTHY
from spice.entrypoints.api import deps
from spice.entrypoints.api.errors import error_body
from spice.entrypoints.api.responses import ERRORS, Envelope, HealthData

router = APIRouter(tags=["health"], responses=ERRORS)


@router.get("/health", response_model=Envelope[HealthData])
@router.get("/api/v1/health", response_model=Envelope[HealthData])
async def health(system: deps.HealthDep) -> JSONResponse:
    """`data.status` is `healthy`, `degraded` (search or blob store failing; reads fall back
    to the document store) or `unhealthy` (503: the log or the documents cannot be read),
    with the log head and how far each follower has got."""
    report = await run_in_threadpool(system.report)
    problems = report["problems"]
    message = f"{report['status']}: {'; '.join(problems)}" if problems else report["status"]
    if report["status"] == UNHEALTHY:
        body = {**error_body("UNAVAILABLE", message, {"problems": problems}), "data": report}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "success", "message": message, "data": report})


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics (text format): requests, commands, log head and follower lag.
    Administrators only where sign-in is on (a scraper sends an admin's API key)."""
    registry = request.app.state.metrics.registry
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
