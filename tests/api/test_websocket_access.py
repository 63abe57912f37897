"""WebSocket isolation: a socket signs in by its handshake or its first message, and gets
the commands it may read only (its own, or of a database it may read); subscriptions per
connection are bounded."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from spice.entrypoints.api.routes import ws as ws_routes
from tests.api.support import ADMIN_PASSWORD, bearer, final_status, signed_in


def _user(secured: TestClient, admin: dict[str, str], username: str) -> dict[str, str]:
    password = f"{username}'s password"
    made = secured.post(
        "/api/v1/auth/users?wait=true&timeout=10",
        headers=admin,
        json={"username": username, "password": password},
    )
    assert made.status_code == 200, made.text
    return bearer(signed_in(secured, username, password))


def _refused_with(ws: WebSocketTestSession, code: int) -> dict[str, Any]:
    error: dict[str, Any] = ws.receive_json()
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == code
    return error


def test_a_socket_without_credentials_signs_in_by_its_first_message(
    secured: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = signed_in(secured, "admin", ADMIN_PASSWORD)
    with secured.websocket_connect("/api/v1/ws/commands?user_id=someone") as ws:
        ws.send_json({"type": "authenticate", "token": admin["access_token"]})
        hello = ws.receive_json()
        assert hello["type"] == "connection_established" and hello["user_id"] == "admin"
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
    issued = secured.post("/api/v1/auth/keys", headers=bearer(admin), json={"name": "feed"})
    key = issued.json()["data"]["result"]["key"]
    with secured.websocket_connect("/ws/commands") as ws:
        ws.send_json({"type": "authenticate", "token": key})
        assert ws.receive_json()["user_id"] == "admin"
    for first in (
        {"type": "subscribe", "command_id": "c-1"},
        {"type": "authenticate", "token": "forged"},
        {"type": "authenticate", "token": key[:-3] + "xyz"},
        {"type": "authenticate"},
        ["not", "an", "object"],
    ):
        with secured.websocket_connect("/api/v1/ws/commands") as ws:
            ws.send_json(first)
            error = _refused_with(ws, ws_routes.UNAUTHENTICATED)
            assert error["type"] == "error" and error["code"] == "UNAUTHENTICATED", first
    with secured.websocket_connect("/api/v1/ws/commands") as ws:
        ws.send_bytes(b"\x00binary")
        assert _refused_with(ws, ws_routes.UNAUTHENTICATED)["code"] == "UNAUTHENTICATED"
    monkeypatch.setattr(ws_routes, "AUTHENTICATE_SECONDS", 0.2)
    with secured.websocket_connect("/api/v1/ws/commands") as ws:
        assert _refused_with(ws, ws_routes.UNAUTHENTICATED)["code"] == "UNAUTHENTICATED"


def test_a_member_follows_only_the_commands_it_may_read(secured: TestClient) -> None:
    admin = bearer(signed_in(secured, "admin", ADMIN_PASSWORD))
    kim, lee = _user(secured, admin, "kim"), _user(secured, admin, "lee")
    kims = secured.post("/api/v1/databases", headers=kim, json={"name": "kims"}).json()
    admins = secured.post("/api/v1/databases", headers=admin, json={"name": "admins"}).json()
    assert final_status(secured, kims["command_id"], kim)["status"] == "COMPLETED"
    assert final_status(secured, admins["command_id"], admin)["status"] == "COMPLETED"

    def subscribe(ws: WebSocketTestSession, command_id: str) -> dict[str, Any]:
        ws.send_json({"type": "subscribe", "command_id": command_id})
        result: dict[str, Any] = ws.receive_json()
        assert result["type"] == "subscription_result" and result["command_id"] == command_id
        return result

    with secured.websocket_connect("/api/v1/ws/commands", headers=lee) as ws:
        assert ws.receive_json()["user_id"] == "lee"
        for other in (kims["command_id"], admins["command_id"], "no-such-command"):
            refused = subscribe(ws, other)
            assert refused["success"] is False and refused["error"]["code"] == "NOT_FOUND"
        ws.send_json({"type": "get_subscriptions"})
        assert ws.receive_json()["command_ids"] == []
        granted = secured.put(
            "/api/v1/databases/kims/roles/lee?wait=true&timeout=10",
            headers=kim,
            json={"role": "viewer"},
        )
        assert granted.status_code == 200, granted.text
        assert subscribe(ws, kims["command_id"])["success"] is True
        update = ws.receive_json()
        assert update["type"] == "command_update" and update["data"]["status"] == "COMPLETED"
        assert subscribe(ws, admins["command_id"])["success"] is False  # still not a member
    with secured.websocket_connect(f"/ws/commands/{admins['command_id']}", headers=lee) as ws:
        ws.receive_json()
        assert ws.receive_json()["success"] is False
    with secured.websocket_connect("/api/v1/ws/commands", headers=admin) as ws:
        ws.receive_json()
        assert subscribe(ws, kims["command_id"])["success"] is True  # administrators: any
        ws.receive_json()
        assert subscribe(ws, "not-submitted-yet")["success"] is True


def test_subscriptions_per_connection_are_bounded(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ws_routes, "MAX_SUBSCRIPTIONS", 2)
    with client.websocket_connect("/api/v1/ws/commands") as ws:
        ws.receive_json()
        for command_id in ("c-1", "c-2", "c-2"):
            ws.send_json({"type": "subscribe", "command_id": command_id})
            assert ws.receive_json()["success"] is True
        ws.send_json({"type": "subscribe", "command_id": "c-3"})
        over = ws.receive_json()
        assert over["success"] is False and over["error"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        ws.send_json({"type": "unsubscribe", "command_id": "c-1"})
        ws.receive_json()
        ws.send_json({"type": "subscribe", "command_id": "c-3"})
        assert ws.receive_json()["success"] is True
        ws.send_json({"type": "subscribe", "command_id": "x" * 201})
        assert ws.receive_json()["code"] == "BAD_MESSAGE"
