"""Who may call which route: every route of the API has a rule here, and one middleware
checks it before the route runs.

Rules: `open` (anyone, signed in or not), `user` (anyone signed in), `self` (the route
checks the caller against what it acts on), `socket` (a WebSocket, which may also sign in
by its first message: the route checks), `admin`, and on a database (the `{db}` of the
path) `viewer`, `editor` or `owner`, each allowing what the ones before it allow. A
database's creator is its owner; owners grant the others. Administrators, and the local
administrator of a loopback server, pass every rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from spice.application.auth import Identity
from spice.application.ports.command_status import CommandStatus
from spice.application.ports.documents import KIND_DATABASE, DocKey
from spice.domain import names
from spice.domain.deciders.users import ROLES
from spice.domain.errors import Forbidden, NotFound, SpiceError, Unauthenticated
from spice.entrypoints.api.deps import identify
from spice.entrypoints.api.errors import error_response, http_status

DB = "/api/v1/databases/{db}"
OLD = "/api/v1/database/{db}"
INSTANCE = f"{OLD}/instances/{{class_id}}/{{instance_id}}"
READ, WRITE = "viewer", "editor"

RULES: dict[str, dict[str, str]] = {
    "/health": {"GET": "open"},
    "/api/v1/health": {"GET": "open"},
    "/ready": {"GET": "open"},
    "/api/v1/ready": {"GET": "open"},
    "/api/v1/auth/login": {"POST": "open"},
    "/api/v1/auth/refresh": {"POST": "open"},
    "/api/v1/auth/me": {"GET": "user"},
    "/api/v1/auth/users": {"POST": "admin"},
    "/api/v1/auth/users/{username}/password": {"PUT": "self"},
    "/api/v1/auth/keys": {"POST": "self"},
    "/api/v1/auth/keys/{key_id}": {"DELETE": "self"},
    "/api/v1/audit": {"GET": "admin"},
    "/api/v1/databases": {"GET": "user", "POST": "user"},
    DB: {"GET": READ, "DELETE": "owner"},
    f"{DB}/restore": {"POST": "owner"},
    f"{DB}/purge": {"POST": "owner"},
    f"{DB}/expected-seq": {"GET": READ},
    f"{DB}/roles": {"GET": READ},
    f"{DB}/roles/{{username}}": {"PUT": "owner", "DELETE": "owner"},
    f"{DB}/branches": {"GET": READ, "POST": WRITE},
    f"{DB}/branches/{{branch:path}}": {"GET": READ, "DELETE": WRITE},
    f"{DB}/commits": {"GET": READ},
    f"{DB}/commits/{{commit_id}}": {"GET": READ},
    f"{DB}/diff": {"GET": READ},
    f"{DB}/merge-base": {"GET": READ},
    f"{DB}/merge": {"POST": WRITE},
    f"{DB}/rebase": {"POST": WRITE},
    f"{DB}/revert": {"POST": WRITE},
    f"{DB}/reset": {"POST": WRITE},
    f"{DB}/settings": {"GET": READ, "PUT": "owner"},
    f"{DB}/proposals": {"GET": READ, "POST": WRITE},
    f"{DB}/proposals/{{number}}": {"GET": READ},
    f"{DB}/proposals/{{number}}/comments": {"POST": READ},
    f"{DB}/proposals/{{number}}/approve": {"POST": WRITE},
    f"{DB}/proposals/{{number}}/merge": {"POST": WRITE},
    f"{DB}/proposals/{{number}}/close": {"POST": WRITE},
    f"{DB}/datasets": {"GET": READ},
    f"{DB}/datasets/{{name}}": {"GET": READ},
    f"{DB}/datasets/{{name}}/versions": {"POST": WRITE},
    f"{DB}/datasets/{{name}}/versions/from-url": {"POST": WRITE},
    f"{DB}/datasets/{{name}}/preview": {"GET": READ},
    f"{DB}/datasets/{{name}}/profile": {"GET": READ},
    f"{DB}/datasets/{{name}}/inference": {"GET": READ},
    f"{DB}/datasets/suggest-ontology": {"POST": READ},
    # Inference from rows sent inline reads and stores nothing of a database, and needs none.
    f"{OLD}/suggest-schema-from-data": {"POST": "user"},
    f"{DB}/mappings": {"GET": READ},
    f"{DB}/mappings/{{name}}": {"GET": READ, "PUT": WRITE},
    f"{DB}/mappings/{{name}}/dry-run": {"POST": READ},
    f"{DB}/imports": {"POST": WRITE},
    f"{OLD}/ontology": {"GET": READ, "POST": WRITE},
    f"{OLD}/ontology/validate": {"POST": READ},
    f"{OLD}/ontology/{{class_id}}/analyze": {"POST": READ},
    f"{OLD}/ontology/circular-references": {"GET": READ},
    f"{OLD}/ontology/relationship-paths": {"GET": READ},
    f"{OLD}/ontology/{{class_id}}": {"GET": READ, "PUT": WRITE, "PATCH": WRITE, "DELETE": WRITE},
    "/api/v1/ontology/{db}/async/create": {"POST": WRITE},
    "/api/v1/ontology/{db}/async/command/{command_id}/status": {"GET": READ},
    "/api/v1/ontology/{db}/sync/create": {"POST": WRITE},
    "/api/v1/ontology/{db}/sync/command/{command_id}/wait": {"GET": READ},
    f"{OLD}/search": {"POST": READ},
    f"{OLD}/instances": {"GET": READ},
    f"{OLD}/instances/{{class_id}}": {"GET": READ},
    f"{OLD}/instances/{{class_id}}/create": {"POST": WRITE},
    f"{OLD}/instances/{{class_id}}/validate": {"POST": READ},
    f"{OLD}/instances/{{class_id}}/bulk-create": {"POST": WRITE},
    INSTANCE: {"GET": READ},
    f"{INSTANCE}/update": {"PUT": WRITE},
    f"{INSTANCE}/delete": {"DELETE": WRITE},
    f"{INSTANCE}/restore": {"POST": WRITE},
    f"{INSTANCE}/links": {"GET": READ},
    f"{INSTANCE}/history": {"GET": READ},
    f"{INSTANCE}/replay": {"GET": READ},
    f"{INSTANCE}/blame": {"GET": READ},
    "/api/v1/graph-query/{db}": {"POST": READ},
    "/api/v1/graph-query/{db}/simple": {"POST": READ},
    "/api/v1/graph-query/{db}/paths": {"GET": READ},
    "/api/v1/commands/{command_id}/status": {"GET": "self"},
    "/api/v1/types": {"GET": "open"},
    "/api/v1/types/{name}": {"GET": "open"},
    "/api/v1/ws/stats": {"GET": "admin"},
    "/metrics": {"GET": "admin"},
    "/api/v1/ws/commands": {"WS": "socket"},
    "/api/v1/ws/commands/{command_id}": {"WS": "socket"},
    "/ws/commands": {"WS": "socket"},
    "/ws/commands/{command_id}": {"WS": "socket"},
    "/openapi.json": {"GET": "open"},
    "/docs": {"GET": "open"},
    "/docs/oauth2-redirect": {"GET": "open"},
    "/redoc": {"GET": "open"},
}


def role_of(container: Any, identity: Identity, db: str) -> str | None:
    """The caller's role on `db` (None: none): granted, or owner as its creator."""
    state = container.auth.model.load(names.database_aggregate(db))
    granted = state.body.get("roles", {}).get(identity.username)
    if granted is None and state.exists and state.created_by == identity.username:
        return "owner"
    return str(granted) if granted is not None else None


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


# Routes that act on a deleted database; every other route on one answers 404.
ON_DELETED = frozenset({f"{DB}/restore", f"{DB}/purge"})


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


def admit(container: Any, identity: Identity, rule: str, db: str, path: str) -> None:
    """The rule's check, and for a route on a database, that it is not deleted."""
    check(container, identity, rule, db)
    if db and path not in ON_DELETED:
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

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app, self.routes = app, list(routes)

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
        """The route a request matches (None: no route, the router answers 404)."""
        for route in self.routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                return route, dict(child.get("path_params", {}))
        return None, {}


def _admitted(
    container: Any, scope: Scope, route: BaseRoute | None, params: dict[str, Any]
) -> Identity:
    """Who calls (`deps.identify`), once their route's rule admits them."""
    identity = identify(container, Headers(scope=scope))
    if route is None:
        return identity
    path = str(getattr(route, "path", ""))
    method = "WS" if getattr(route, "methods", None) is None else str(scope["method"])
    method = "GET" if method == "HEAD" else method
    rule = RULES.get(path, {}).get(method)
    if rule is None:
        raise Forbidden(f"no access rule for {method} {path}")
    admit(container, identity, rule, str(params.get("db", "")), path)
    return identity
