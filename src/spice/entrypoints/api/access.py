"""Who may call which route: every route of the API has a rule here, and one dependency
checks it before the route runs.

Rules: `open` (anyone, signed in or not), `user` (anyone signed in), `self` (the route
checks the caller against what it acts on), `admin`, and on a database (the `{db}` of the
path) `viewer`, `editor` or `owner`, each allowing what the ones before it allow. A
database's creator is its owner; owners grant the others. Administrators, and the local
administrator of a loopback server, pass every rule.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from spice.application.auth import Identity
from spice.domain import names
from spice.domain.deciders.users import ROLES
from spice.domain.errors import Forbidden, Unauthenticated
from spice.entrypoints.api.deps import get_identity

DB = "/api/v1/databases/{db}"
OLD = "/api/v1/database/{db}"
INSTANCE = f"{OLD}/instances/{{class_id}}/{{instance_id}}"
READ, WRITE = "viewer", "editor"

RULES: dict[str, dict[str, str]] = {
    "/health": {"GET": "open"},
    "/api/v1/health": {"GET": "open"},
    "/api/v1/auth/login": {"POST": "open"},
    "/api/v1/auth/refresh": {"POST": "open"},
    "/api/v1/auth/me": {"GET": "user"},
    "/api/v1/auth/users": {"POST": "admin"},
    "/api/v1/auth/users/{username}/password": {"PUT": "self"},
    "/api/v1/auth/keys": {"POST": "self"},
    "/api/v1/auth/keys/{key_id}": {"DELETE": "self"},
    "/api/v1/databases": {"GET": "user", "POST": "user"},
    DB: {"GET": READ, "DELETE": "owner"},
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
    f"{OLD}/suggest-schema-from-data": {"POST": READ},
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
    "/api/v1/ws/commands": {"WS": "self"},
    "/api/v1/ws/commands/{command_id}": {"WS": "self"},
    "/ws/commands": {"WS": "self"},
    "/ws/commands/{command_id}": {"WS": "self"},
    "/openapi.json": {"GET": "open"},
    "/docs": {"GET": "open"},
    "/docs/oauth2-redirect": {"GET": "open"},
    "/redoc": {"GET": "open"},
}


def role_of(connection: HTTPConnection, identity: Identity, db: str) -> str | None:
    """The caller's role on `db` (None: none): granted, or owner as its creator."""
    state = connection.app.state.container.auth.model.load(names.database_aggregate(db))
    granted = state.body.get("roles", {}).get(identity.username)
    if granted is None and state.exists and state.created_by == identity.username:
        return "owner"
    return str(granted) if granted is not None else None


def may_read(connection: HTTPConnection, identity: Identity, db: str) -> bool:
    return identity.admin or role_of(connection, identity, db) is not None


async def authorize(
    connection: HTTPConnection, identity: Annotated[Identity, Depends(get_identity)]
) -> None:
    """403 unless the caller passes the rule of the route it calls."""
    route = connection.scope.get("route")
    template = getattr(route, "path", connection.url.path)
    method = connection.scope.get("method") or "WS"
    rule = RULES.get(template, {}).get("GET" if method == "HEAD" else method)
    if rule is None:
        raise Forbidden(f"no access rule for {method} {template}")  # a route without a rule
    if rule == "open":
        return
    if identity.method == "none":
        raise Unauthenticated("sign in (POST /api/v1/auth/login) or send an API key")
    if identity.admin or rule in ("user", "self"):
        return
    if rule == "admin":
        raise Forbidden("administrators only")
    db = str(connection.path_params.get("db", ""))
    role = await run_in_threadpool(role_of, connection, identity, db)
    if role is None or ROLES.index(role) < ROLES.index(rule):
        raise Forbidden(
            f"{rule} of {db!r} (or higher) may do this; you are {role or 'not a member'}",
            {"database": db, "needs": rule, "role": role},
        )
