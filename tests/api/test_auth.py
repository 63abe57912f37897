"""Authentication through the API: a server bound beyond loopback answers only signed-in
callers (tokens from a password, or API keys); the actor of a write is who signed in, not
a header; tokens expire, refresh, and end with a password change; keys are revoked at once.
On loopback without credentials a request acts as the local administrator (the seed demo)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import (
    ADMIN_PASSWORD,
    SECURED,
    bearer,
    container_of,
    head,
    signed_in,
)

PASSWORD = ADMIN_PASSWORD


def _wait(client: TestClient, method: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
    sep = "&" if "?" in url else "?"
    return client.request(method, f"{url}{sep}wait=true&timeout=10", headers=headers, **kw)


def test_without_credentials_only_the_open_routes_answer(secured: TestClient) -> None:
    before = head(secured)
    for method, url in (("GET", "/api/v1/databases"), ("POST", "/api/v1/databases")):
        r = secured.request(method, url, json={"name": "demo"})
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "UNAUTHENTICATED"
    assert head(secured) == before  # the refused write stored nothing
    assert secured.get("/health").status_code == 200
    wrong = secured.get("/api/v1/databases", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    other = secured.get("/api/v1/databases", headers={"Authorization": "Basic YTpi"})
    assert other.status_code == 401


def test_a_signed_in_user_writes_as_themself_whatever_the_header_says(
    secured: TestClient,
) -> None:
    tokens = signed_in(secured, "admin", PASSWORD)
    me = secured.get("/api/v1/auth/me", headers=bearer(tokens)).json()["data"]
    assert me == {"username": "admin", "admin": True, "method": "token"}
    headers = {**bearer(tokens), "X-User-Id": "mallory"}
    done = _wait(secured, "POST", "/api/v1/databases", headers, json={"name": "demo"})
    assert done.status_code == 200, done.text
    url = f"/api/v1/commands/{done.json()['command_id']}/status"
    assert secured.get(url, headers=headers).json()["actor"] == "admin"
    for bad in (
        {"username": "admin", "password": "wrong password!"},
        {"username": "nobody", "password": PASSWORD},
    ):
        refused = secured.post("/api/v1/auth/login", json=bad)
        assert refused.status_code == 401
        assert refused.json()["message"] == "wrong user name or password"


def test_tokens_expire_refresh_and_end_when_the_password_changes(secured: TestClient) -> None:
    auth = container_of(secured).auth
    tokens = signed_in(secured, "admin", PASSWORD)
    now = time.time()
    auth.clock = lambda: now + 16 * 60  # past the access token's 15 minutes
    expired = secured.get("/api/v1/auth/me", headers=bearer(tokens))
    assert expired.status_code == 401 and expired.json()["message"] == "token expired"
    renewed = secured.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200, renewed.text
    fresh = renewed.json()["data"]
    assert secured.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 200
    swapped = secured.post("/api/v1/auth/refresh", json={"refresh_token": fresh["access_token"]})
    assert swapped.status_code == 401  # an access token does not refresh
    changed = _wait(
        secured,
        "PUT",
        "/api/v1/auth/users/admin/password",
        bearer(fresh),
        json={"password": "a new long password", "current_password": PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    assert secured.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 401
    stale = secured.post("/api/v1/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert stale.status_code == 401
    signed_in(secured, "admin", "a new long password")
    short = _wait(
        secured,
        "PUT",
        "/api/v1/auth/users/admin/password",
        bearer(signed_in(secured, "admin", "a new long password")),
        json={"password": "short", "current_password": "a new long password"},
    )
    assert short.status_code == 422


def test_users_and_api_keys(secured: TestClient) -> None:
    admin = bearer(signed_in(secured, "admin", PASSWORD))
    made = _wait(
        secured,
        "POST",
        "/api/v1/auth/users",
        admin,
        json={"username": "kim", "password": "kim's password"},
    )
    assert made.status_code == 200, made.text
    kim = bearer(signed_in(secured, "kim", "kim's password"))
    assert secured.get("/api/v1/auth/me", headers=kim).json()["data"]["admin"] is False
    forbidden = secured.post(
        "/api/v1/auth/users", headers=kim, json={"username": "lee", "password": "lee's password"}
    )
    assert forbidden.status_code == 403
    issued = secured.post("/api/v1/auth/keys", headers=kim, json={"name": "loader"})
    assert issued.status_code == 200, issued.text
    result = issued.json()["data"]["result"]
    key, key_id = result["key"], result["key_id"]
    for header in ({"X-API-Key": key}, {"Authorization": f"ApiKey {key}"}):
        me = secured.get("/api/v1/auth/me", headers=header).json()["data"]
        assert me == {"username": "kim", "admin": False, "method": "api_key"}
    admins = secured.post("/api/v1/auth/keys", headers=admin, json={"name": "ops"}).json()
    not_hers = secured.delete(
        f"/api/v1/auth/keys/{admins['data']['result']['key_id']}", headers=kim
    )
    assert not_hers.status_code == 403
    for_other = secured.post(
        "/api/v1/auth/keys", headers=kim, json={"name": "x", "username": "admin"}
    )
    assert for_other.status_code == 403
    revoked = _wait(secured, "DELETE", f"/api/v1/auth/keys/{key_id}", kim)
    assert revoked.status_code == 200, revoked.text
    assert secured.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 401
    for bad in ("spk_nothing", key[:-2] + "xx", "plain"):
        assert secured.get("/api/v1/auth/me", headers={"X-API-Key": bad}).status_code == 401


def test_the_log_holds_hashes_never_passwords_or_keys(secured: TestClient) -> None:
    admin = bearer(signed_in(secured, "admin", PASSWORD))
    _wait(
        secured,
        "POST",
        "/api/v1/auth/users",
        admin,
        json={"username": "kim", "password": "kim's password"},
    )
    key = secured.post("/api/v1/auth/keys", headers=admin, json={"name": "ops"}).json()
    secret = key["data"]["result"]["key"].split("_", 2)[2]
    text = json.dumps([e.data for e in container_of(secured).events.read_all(0, 10_000)])
    assert "$argon2id$" in text and "sha256:" in text
    for plain in (PASSWORD, "kim's password", secret):
        assert plain not in text


def test_on_loopback_a_request_without_credentials_is_the_local_admin(client: TestClient) -> None:
    me = client.get("/api/v1/auth/me").json()["data"]
    assert me == {"username": "anonymous", "admin": True, "method": "local"}
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401  # credentials that are sent must verify
    login = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 401  # no sign-in configured


def test_a_websocket_streams_the_signed_in_users_commands_only(secured: TestClient) -> None:
    admin = bearer(signed_in(secured, "admin", PASSWORD))
    body = {"username": "kim", "password": "kim's password"}
    assert _wait(secured, "POST", "/api/v1/auth/users", admin, json=body).status_code == 200
    kim = bearer(signed_in(secured, "kim", "kim's password"))
    with secured.websocket_connect("/api/v1/ws/commands?user_id=admin", headers=kim) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "connection_established" and hello["user_id"] == "kim"
        secured.post("/api/v1/databases", headers=admin, json={"name": "admins"})
        kims = secured.post("/api/v1/databases", headers=kim, json={"name": "kims"}).json()
        update = ws.receive_json()
        assert update["command_id"] == kims["command_id"], update  # not admin's
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        secured.websocket_connect("/api/v1/ws/commands", headers={"Authorization": "Bearer x"}),
    ):
        pass  # credentials that do not verify: refused before the socket opens
    assert denied.value.status_code == 401


def test_sign_in_attempts_are_limited_per_user_name_from_an_address_and_per_address(
    tmp_path: Path,
) -> None:
    limited = Settings(
        data_dir=tmp_path / "data",
        run_workers=False,
        **{**SECURED, "login_attempts_per_minute": 3},  # type: ignore[arg-type]
    )
    app = create_app(limited)

    def attempt(client: TestClient, username: str) -> Any:
        return client.post("/api/v1/auth/login", json={"username": username, "password": "x"})

    with TestClient(app, client=("10.0.0.1", 1000)) as first:
        other = TestClient(app, client=("10.0.0.2", 1000))  # the same app, another address
        assert [attempt(first, "kim").status_code for _ in range(3)] == [401, 401, 401]
        refused = attempt(first, "kim")
        assert refused.status_code == 429 and refused.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["Retry-After"]) <= 20
        assert attempt(other, "kim").status_code == 401  # the name is not spent elsewhere
        # This address may try three times as many over all names.
        others = [attempt(first, name).status_code for name in ("lee", "ann", "bo") * 2]
        assert others == [401] * 6
        assert attempt(first, "cy").status_code == 429  # this address is spent
        assert attempt(other, "lee").status_code == 401
