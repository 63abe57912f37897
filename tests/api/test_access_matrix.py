"""The access matrix: every route of the API has a rule, and every route on a database is
called by an outsider, a viewer, an editor and an owner of it, each answered 403 exactly
when their role is below the rule (generated from the route table, so a route added
without a rule fails here). Also: roles are granted by owners, the creator of a database
owns it, and members see only their databases and commands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.domain.deciders.users import ROLES
from spice.entrypoints.api.app import ROUTES, create_app
from spice.entrypoints.api.rules import NAMES, route_methods, rule_of, table
from tests.api.support import ADMIN_PASSWORD, SECURED, bearer, signed_in

PASSWORD = ADMIN_PASSWORD  # every member's, for brevity
MEMBERS = {"vi": "viewer", "ed": "editor", "ow": "owner", "out": None}
# Values for path parameters: names that pass the checks but exist nowhere.
PARAMS = {"db": "acc", "branch": "nope", "number": "7", "username": "out"}


RULES = table(ROUTES)


def _routes() -> list[tuple[str, str]]:
    return [(str(getattr(r, "path", "")), m) for r in ROUTES for m in route_methods(r)]


def test_every_route_has_a_rule() -> None:
    missing = [str(getattr(r, "path", r)) for r in ROUTES if rule_of(r) is None]
    assert missing == []
    assert {rule for r in RULES.values() for rule in r.values()} <= set(NAMES)
    assert len(_routes()) == sum(len(r) for r in RULES.values())


def test_a_route_without_a_rule_is_refused(settings: Settings) -> None:
    """The middleware refuses a route that declares no rule, whoever calls."""
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/api/v1/unruled")
    def unruled() -> dict[str, str]:
        return {"reached": "yes"}

    app = create_app(settings)
    app.router.routes.extend(router.routes)
    with TestClient(app, base_url="http://localhost") as client:
        assert rule_of(router.routes[0]) is None
        assert client.get("/api/v1/unruled").status_code != 200


# What the rules of a database's routes must be, said apart from the table: reading
# needs a viewer (also these POSTs, which write nothing), writing an editor, and these an
# owner.
READING_POSTS = {
    "/api/v1/database/{db}/search",
    "/api/v1/database/{db}/ontology/validate",
    "/api/v1/database/{db}/ontology/{class_id}/analyze",
    "/api/v1/database/{db}/instances/{class_id}/validate",
    "/api/v1/databases/{db}/datasets/suggest-ontology",
    "/api/v1/databases/{db}/mappings/{name}/dry-run",
    "/api/v1/databases/{db}/proposals/{number}/comments",
    "/api/v1/graph-query/{db}",
    "/api/v1/graph-query/{db}/simple",
}
OWNERS_ONLY = {
    ("DELETE", "/api/v1/databases/{db}"),
    ("POST", "/api/v1/databases/{db}/restore"),
    ("POST", "/api/v1/databases/{db}/purge"),
    ("PUT", "/api/v1/databases/{db}/settings"),
    ("PUT", "/api/v1/databases/{db}/roles/{username}"),
    ("DELETE", "/api/v1/databases/{db}/roles/{username}"),
    # A connector holds credentials and makes the server reach other systems.
    ("PUT", "/api/v1/databases/{db}/connectors/{name}"),
    ("DELETE", "/api/v1/databases/{db}/connectors/{name}"),
}


# Under a database's path, but reading and writing nothing of it (inference from rows
# sent inline): any signed-in user.
NO_ROLE = {("POST", "/api/v1/database/{db}/suggest-schema-from-data")}


def test_the_rules_of_a_databases_routes_follow_what_they_do() -> None:
    for path, method in _routes():
        if "{db}" not in path or method == "WS":
            continue
        if (method, path) in NO_ROLE:
            expected = "user"
        elif (method, path) in OWNERS_ONLY:
            expected = "owner"
        elif method == "GET" or path in READING_POSTS:
            expected = "viewer"
        else:
            expected = "editor"
        assert RULES[path][method] == expected, (method, path)


def _login(client: TestClient, username: str) -> dict[str, str]:
    return bearer(signed_in(client, username, PASSWORD))


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 202), response.text
    return response.json()


@pytest.fixture
def members(settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """A secured server, database `acc` created by `ow`, a viewer, an editor and an
    outsider; the bearer headers of each."""
    with TestClient(create_app(settings.model_copy(update=SECURED))) as client:
        admin = _login(client, "admin")
        for name in MEMBERS:
            body = {"username": name, "password": PASSWORD}
            _ok(client.post("/api/v1/auth/users?wait=true", headers=admin, json=body))
        headers = {name: _login(client, name) for name in MEMBERS}
        _ok(client.post("/api/v1/databases?wait=true", headers=headers["ow"], json={"name": "acc"}))
        for name, role in MEMBERS.items():
            if role in ("viewer", "editor"):
                url = f"/api/v1/databases/acc/roles/{name}?wait=true"
                _ok(client.put(url, headers=headers["ow"], json={"role": role}))
        yield client, headers


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)(:path)?\}", lambda m: PARAMS.get(m.group(1), "x1"), path)


def test_each_role_is_refused_exactly_below_the_rule_of_each_route(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    wrong: list[str] = []
    for path, method in _routes():
        rule = RULES[path][method]
        if method == "WS" or "{db}" not in path or rule not in ROLES:
            continue  # a route under a database that needs no role on it has its own test
        for name, role in MEMBERS.items():
            # No body: a route that lets the caller through answers 422 (or 404), not 403.
            r = client.request(method, _url(path), headers=headers[name])
            refused = r.status_code == 403
            below = role is None or ROLES.index(role) < ROLES.index(rule)
            if refused != below or r.status_code in (401, 500):
                wrong.append(f"{method} {path} as {role}: {r.status_code}")
    assert wrong == []


def test_routes_beyond_a_database_follow_their_rules(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    out = headers["out"]
    assert client.post("/api/v1/auth/users", headers=out, json={}).status_code == 403
    assert client.get("/api/v1/ws/stats", headers=out).status_code == 403
    assert client.get("/api/v1/types", headers=out).status_code == 200
    listed = client.get("/api/v1/databases", headers=out).json()["data"]
    assert listed["total"] == 0  # an outsider sees no database
    seen = client.get("/api/v1/databases", headers=headers["vi"]).json()["data"]
    assert [d["name"] for d in seen["databases"]] == ["acc"]
    roles = client.get("/api/v1/databases/acc/roles", headers=headers["vi"]).json()["data"]
    assert roles["created_by"] == "ow"
    assert roles["roles"] == {"vi": "viewer", "ed": "editor"}


def test_commands_are_seen_by_their_author_and_the_databases_members(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    made = client.post("/api/v1/databases/acc/branches", headers=headers["ed"], json={"name": "b"})
    url = f"/api/v1/commands/{made.json()['command_id']}/status"
    assert client.get(url, headers=headers["ed"]).status_code == 200
    assert client.get(url, headers=headers["vi"]).status_code == 200
    assert client.get(url, headers=headers["out"]).status_code == 404
    own = client.post("/api/v1/databases", headers=headers["out"], json={"name": "outs"})
    mine = f"/api/v1/commands/{own.json()['command_id']}/status"
    assert client.get(mine, headers=headers["out"]).status_code == 200
    assert client.get(mine, headers=headers["vi"]).status_code == 404


def test_an_author_cannot_approve_their_own_proposal(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    db = "/api/v1/databases/acc"
    _ok(client.post(f"{db}/branches?wait=true", headers=headers["ed"], json={"name": "dev"}))
    body = {"source": "dev", "title": "dev into main"}
    number = _ok(client.post(f"{db}/proposals?wait=true", headers=headers["ed"], json=body))
    n = number["data"]["result"]["number"]
    own = client.post(f"{db}/proposals/{n}/approve?wait=true", headers=headers["ed"])
    assert own.status_code == 403
    other = client.post(f"{db}/proposals/{n}/approve?wait=true", headers=headers["ow"])
    assert other.status_code == 200, other.text
    approvals = client.get(f"{db}/proposals/{n}", headers=headers["vi"]).json()["data"]
    assert [a["by"] for a in approvals["approvals"]] == ["ow"]


def test_owners_grant_and_revoke_and_a_revoked_member_is_refused(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    roles = "/api/v1/databases/acc/roles"
    ghost = client.put(f"{roles}/ghost?wait=true", headers=headers["ow"], json={"role": "viewer"})
    assert ghost.status_code == 404
    bad = client.put(f"{roles}/vi?wait=true", headers=headers["ow"], json={"role": "god"})
    assert bad.status_code == 422
    assert client.get("/api/v1/databases/acc", headers=headers["vi"]).status_code == 200
    _ok(client.delete(f"{roles}/vi?wait=true", headers=headers["ow"]))
    assert client.get("/api/v1/databases/acc", headers=headers["vi"]).status_code == 403
    again = client.delete(f"{roles}/vi?wait=true", headers=headers["ow"])
    assert again.status_code == 404
    _ok(client.put(f"{roles}/ed?wait=true", headers=headers["ow"], json={"role": "owner"}))
    gone = client.delete("/api/v1/databases/acc?confirm=acc&wait=true", headers=headers["ed"])
    assert gone.status_code == 200, gone.text  # an owner by grant may delete it


def test_a_co_owner_cannot_demote_the_databases_creator(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    roles = "/api/v1/databases/acc/roles"
    _ok(client.put(f"{roles}/ed?wait=true", headers=headers["ow"], json={"role": "owner"}))
    for role in ("viewer", "editor"):
        demoted = client.put(f"{roles}/ow?wait=true", headers=headers["ed"], json={"role": role})
        assert demoted.status_code == 409, demoted.text
        assert demoted.json()["code"] == "CREATOR_IS_OWNER"
    listed = client.get(roles, headers=headers["ow"]).json()["data"]
    assert listed["created_by"] == "ow" and "ow" not in listed["roles"]
    settings = {"protected_branches": []}
    kept = client.put(
        "/api/v1/databases/acc/settings?wait=true", headers=headers["ow"], json=settings
    )
    assert kept.status_code == 200, kept.text  # still an owner's write


def test_inline_schema_suggestion_needs_only_a_signed_in_user(
    members: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = members
    body = {"data": [["c1"]], "columns": ["customer_id"]}
    for db in ("acc", "not_made_yet"):
        url = f"/api/v1/database/{db}/suggest-schema-from-data"
        assert client.post(url, json=body, headers=headers["out"]).status_code == 200
        assert client.post(url, json=body).status_code == 401
