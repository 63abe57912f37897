"""Health and readiness: /health, /ready (and under /api/v1), and /metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from spice.application.reads.health import UNHEALTHY
from spice.entrypoints.api import deps
from spice.entrypoints.api.errors import error_body
from spice.entrypoints.api.responses import ERRORS, Envelope, HealthData, ReadyData
from spice.entrypoints.api.rules import ADMIN, OPEN, needs

router = APIRouter(tags=["health"], responses=ERRORS)


@router.get("/health", response_model=Envelope[HealthData])
@router.get("/api/v1/health", response_model=Envelope[HealthData])
@needs(OPEN)
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


@router.get(
    "/ready",
    response_model=Envelope[ReadyData],
    responses={503: {"model": Envelope[ReadyData], "description": "Not ready (data says why)"}},
)
@router.get(
    "/api/v1/ready",
    response_model=Envelope[ReadyData],
    responses={503: {"model": Envelope[ReadyData], "description": "Not ready (data says why)"}},
)
@needs(OPEN)
async def ready(request: Request) -> JSONResponse:
    """Readiness (for a load balancer or an orchestrator): 200 when this process can do
    its work, 503 when not. Each store is checked and timed; the command worker (or the
    relay and the commands waiting for the command workers), the document projection and
    the search index report how many events and seconds they are behind. A failing or
    lagging search index or blob store makes it `degraded`, not unready (reads fall back
    to the documents). `/health` only says the process is up."""
    readiness = request.app.state.container.readiness
    report = await run_in_threadpool(readiness.report)
    status = "success" if report["ready"] else "error"
    body = {"status": status, "message": report["message"], "data": report}
    return JSONResponse(body, status_code=200 if report["ready"] else 503)


@router.get("/metrics", include_in_schema=False)
@needs(ADMIN)
async def metrics(request: Request) -> Response:
    """Prometheus metrics (text format): requests, commands, log head and follower lag.
    Administrators only where sign-in is on (a scraper sends an admin's API key)."""
    registry = request.app.state.metrics.registry
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
