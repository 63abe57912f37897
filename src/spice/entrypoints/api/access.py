"""Who may call which route: each route declares its rule beside it (`rules.needs`), and
one middleware checks it before the route runs. A database's creator is its owner; owners
grant the others. Administrators, and the local administrator of a loopback server, pass
every rule.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from spice.application.auth import Identity
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.documents import KIND_DATABASE, DocKey
from spice.domain.deciders.users import ROLES
from spice.domain.errors import Forbidden, NotFound, SpiceError, Unauthenticated
from spice.entrypoints.api.deps import identify
from spice.entrypoints.api.errors import error_response, http_status
from spice.entrypoints.api.rules import OPEN, Rule, rule_of


def role_of(container: Any, identity: Identity, db: str) -> str | None:
    """The caller's role on `db` (None: none): granted, or owner as its creator."""
    role: str | None = container.auth.role_of(identity.username, db)
    return role


def may_read(connection: HTTPConnection, identity: Identity, db: str) -> bool:
    container = connection.app.state.container
    return identity.admin or role_of(container, identity, db) is not None


def may_follow(connection: HTTPConnection, identity: Identity, status: CommandStatus) -> bool:
    """Whether `identity` may see a command: its own, or one of a database it may read
    (administrators: any)."""
    if identity.admin or status.actor == identity.username:
        return True
    return bool(status.database) and may_read(connection, identity, str(status.database))


def may_follow_under(
    connection: HTTPConnection, identity: Identity, status: CommandStatus, db: str
) -> bool:
    """Whether `identity` may see a command through a route under database `db` (the
    seed-era status routes): the path's rule was checked against `db`, so the command must
    be of `db` too, and one `identity` may follow (administrators: any, under any path)."""
    if identity.admin:
        return True
    return status.database == db and may_follow(connection, identity, status)


def refuse_deleted(container: Any, db: str) -> None:
    """NotFound (DATABASE_DELETED, saying until when it can be restored) for a database
    deleted and not purged yet: its documents are kept for a restore, but nothing reads
    or writes them."""
    doc = container.documents.get(DocKey(KIND_DATABASE, db), include_deleted=True)
    if doc is None or not doc.deleted:
        return
    purge_after = doc.body["data"].get("purge_after")
    if not purge_after:
        return  # purged: its documents are gone, and each route says what it does not find
    raise NotFound(
        f"database {db!r} was deleted; its owner can restore it until {purge_after} "
        f"(POST /api/v1/databases/{db}/restore)",
        {"database": db, "purge_after": purge_after},
        code="DATABASE_DELETED",
    )


def admit(container: Any, identity: Identity, rule: Rule, db: str) -> None:
    """The rule's check, and for a route on a database, that it is not deleted (unless
    the route acts on deleted ones)."""
    check(container, identity, rule.name, db)
    if db and not rule.on_deleted:
        refuse_deleted(container, db)


def check(container: Any, identity: Identity, rule: str, db: str) -> None:
    """Unauthenticated or Forbidden unless `identity` passes `rule` on database `db`."""
    if rule in ("open", "socket"):
        return
    if identity.method == "none":
        raise Unauthenticated("sign in (POST /api/v1/auth/login) or send an API key")
    if identity.admin or rule in ("user", "self"):
        return
    if rule == "admin":
        raise Forbidden("administrators only")
    role = role_of(container, identity, db)
    if role is None or ROLES.index(role) < ROLES.index(rule):
        raise Forbidden(
            f"{rule} of {db!r} (or higher) may do this; you are {role or 'not a member'}",
            {"database": db, "needs": rule, "role": role},
        )


class AccessMiddleware:
    """Before any route runs: who calls (`deps.identify`, kept in the request's state for
    the routes) and whether the rule of the route they call lets them. A middleware, not a
    dependency of every route: the framework prepares each route's dependencies again for
    every app, and tests make an app each."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        container = scope["app"].state.container
        try:
            route, params = self._route(scope)
            if route is not None:
                scope["route"] = route  # what the router would set; metrics name a refusal by it
            # One hop to a thread for both (each may read the stores).
            identity = await run_in_threadpool(_admitted, container, scope, route, params)
        except SpiceError as exc:
            response = error_response(http_status(exc), exc.code, exc.message, exc.details)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)

    def _route(self, scope: Scope) -> tuple[BaseRoute | None, dict[str, Any]]:
        """The route of the app a request matches (None: no route, the router answers
        404)."""
        for route in scope["app"].router.routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                return route, dict(child.get("path_params", {}))
        return None, {}


def framework_rule(app: Any, route: BaseRoute) -> Rule | None:
    """The framework's own pages (the OpenAPI document and its viewers) are open."""
    pages = (app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    return Rule(OPEN) if getattr(route, "path", None) in pages else None


def _admitted(
    container: Any, scope: Scope, route: BaseRoute | None, params: dict[str, Any]
) -> Identity:
    """Who calls (`deps.identify`), once their route's rule admits them."""
    identity = identify(container, Headers(scope=scope))
    if route is None:
        return identity
    rule = rule_of(route) or framework_rule(scope["app"], route)
    if rule is None:
        raise Forbidden(f"no access rule for {getattr(route, 'path', '')}")
    admit(container, identity, rule, str(params.get("db", "")))
    return identity
