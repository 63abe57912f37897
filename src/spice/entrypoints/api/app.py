"""The FastAPI application: built by `create_app(settings)`, wired in its lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute

from spice.application import tracing
from spice.bootstrap.container import Container, build_container
from spice.bootstrap.settings import Settings
from spice.entrypoints.api import console, errors, openapi, rules
from spice.entrypoints.api.access import AccessMiddleware
from spice.entrypoints.api.body_limit import BodyLimitMiddleware
from spice.entrypoints.api.head import HeadAsGetMiddleware
from spice.entrypoints.api.metrics import Metrics, MetricsMiddleware
from spice.entrypoints.api.origins import TrustedOriginsMiddleware
from spice.entrypoints.api.rate_limit import RateLimitMiddleware
from spice.entrypoints.api.request_log import RequestLogMiddleware
from spice.entrypoints.api.routes import (
    audit,
    auth,
    commands,
    connectors,
    databases,
    datasets,
    graph,
    health,
    history,
    imports,
    instances,
    ontology,
    proposals,
    search,
    types,
    ws,
)
from spice.entrypoints.api.waiting import Waiter
from spice.entrypoints.api.ws_manager import ConnectionManager

# Every router of the API, in the order their routes are matched.
ROUTERS = tuple(
    module.router
    for module in (
        health,
        auth,
        audit,
        databases,
        history,
        proposals,
        datasets,
        imports,
        connectors,
        ontology,
        search,
        instances,
        graph,
        commands,
        types,
        ws,
    )
)
ROUTES: list[BaseRoute] = [route for router in ROUTERS for route in router.routes]


def create_app(settings: Settings, container: Container | None = None) -> FastAPI:
    """An app over `settings`; a prepared `container` may be passed in (tests)."""
    metrics = Metrics()
    app = FastAPI(
        title="Spice Harvester",
        version="0.1.0",
        description="Event-sourced knowledge graph: commands, ontology, instances, search, graph.",
        lifespan=_lifespan(settings, container, metrics),
    )
    app.state.metrics = metrics
    _add_middleware(app, settings, metrics)
    errors.install(app)
    # The routes themselves, not `include_router`: the framework then prepares each route's
    # dependencies and models once, when the route is declared, instead of again for every
    # app made (a test makes one each; the routers have their prefixes already).
    app.router.routes.extend(ROUTES)
    console.install(app)
    _exact_openapi(app)
    return app


def _lifespan(
    settings: Settings, container: Container | None, metrics: Metrics
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's start and stop: the container (built here unless one was given), the
    WebSocket manager, the metrics and the waiter following it, then the workers."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = container or build_container(settings)
        manager = ConnectionManager()
        manager.bind(asyncio.get_running_loop())
        built.tracker.subscribe(manager.on_status)
        built.tracker.subscribe(metrics.on_status)
        metrics.watch(built.readiness, built.backlog)
        waiter = Waiter(
            built.tracker,
            built.read_progress,
            built.search_progress,
            built.events.head_position,
            asyncio.get_running_loop(),
        )
        waiter.attach()
        app.state.container = built
        app.state.ws_manager = manager
        app.state.waiter = waiter
        built.start()
        await asyncio.to_thread(built.ensure_admin)
        try:
            yield
        finally:
            waiter.detach()
            built.tracker.unsubscribe(manager.on_status)
            built.tracker.unsubscribe(metrics.on_status)
            built.stop()
            tracing.flush()

    return lifespan


def _add_middleware(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """The middleware, innermost first: each one added runs before those added earlier."""
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        read_timeout=settings.body_read_timeout_seconds,
    )
    # Limits per client, known by who they are (so inside the access check), before the
    # route reads the body.
    app.add_middleware(RateLimitMiddleware, key_header=settings.rate_limit_key_header)
    # Who calls and whether the route's rule lets them, before the route (and its body).
    app.add_middleware(AccessMiddleware)
    # Closed unless origins are allowed: a page of another origin cannot read answers.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.trusted_origins(),
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(
        TrustedOriginsMiddleware,
        hosts=settings.trusted_hosts(),
        origins=settings.trusted_origins(),
    )
    # HEAD runs as GET through everything below (access rules included).
    app.add_middleware(HeadAsGetMiddleware)
    # Around the rest: refused requests (400, 401, 403, 413, 429) are counted too.
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # Outside everything: each request's id is bound before any line is logged about it.
    app.add_middleware(RequestLogMiddleware)


def _exact_openapi(app: FastAPI) -> None:
    """/openapi.json with each id's pattern and each operation's own error statuses."""
    made = app.openapi

    def exact() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi.refine(made(), rules.table(ROUTES))
        return app.openapi_schema

    app.openapi = exact  # type: ignore[method-assign]
