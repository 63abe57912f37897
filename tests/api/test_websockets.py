"""WebSocket command updates: per command and per user, with the seed's messages."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from tests.api.support import container_of


def receive_until(ws: WebSocketTestSession, predicate: Any, limit: int = 20) -> dict[str, Any]:
    for _ in range(limit):
        message = ws.receive_json()
        if predicate(message):
            return message
    raise AssertionError("expected message not received")


def test_command_socket_pushes_updates_until_completed(client: TestClient) -> None:
    container = container_of(client)
    container.worker.stop()
    cid = client.post("/api/v1/databases", json={"name": "demo"}).json()["command_id"]
    with client.websocket_connect(f"/api/v1/ws/commands/{cid}") as ws:
        assert ws.receive_json()["type"] == "connection_established"
        pending = ws.receive_json()
        assert pending["type"] == "command_update" and pending["data"]["status"] == "PENDING"
        container.worker.run_until_caught_up()
        done = receive_until(ws, lambda m: m.get("data", {}).get("status") == "COMPLETED")
        assert done["command_id"] == cid and done["data"]["progress"] == 100


def test_subscribe_unsubscribe_and_list(client: TestClient) -> None:
    with client.websocket_connect("/api/v1/ws/commands?user_id=alice") as ws:
        ws.receive_json()
        ws.send_json({"type": "subscribe", "command_id": "c-1"})
        assert ws.receive_json()["success"] is True
        ws.send_json({"type": "get_subscriptions"})
        assert ws.receive_json()["command_ids"] == ["c-1"]
        ws.send_json({"type": "unsubscribe", "command_id": "c-1"})
        ws.receive_json()
        ws.send_json({"type": "get_subscriptions"})
        assert ws.receive_json()["command_ids"] == []
        ws.send_json({"type": "nonsense"})
        assert ws.receive_json()["type"] == "error"


def test_user_socket_sees_only_that_users_commands(client: TestClient) -> None:
    with client.websocket_connect("/api/v1/ws/commands?user_id=alice") as ws:
        ws.receive_json()
        client.post("/api/v1/databases", json={"name": "bobs"}, headers={"X-User-ID": "bob"})
        cid = client.post(
            "/api/v1/databases", json={"name": "alices"}, headers={"X-User-ID": "alice"}
        ).json()["command_id"]
        first = ws.receive_json()
        assert first["command_id"] == cid
        receive_until(ws, lambda m: m["data"]["status"] == "COMPLETED")


def test_updates_never_go_back_and_carry_no_internal_fields(client: TestClient) -> None:
    """A status read late (the current one on subscribe) is not sent after a newer one."""
    container = container_of(client)
    cid = client.post("/api/v1/databases?wait=true", json={"name": "demo"}).json()["command_id"]
    with client.websocket_connect(f"/api/v1/ws/commands/{cid}") as ws:
        assert ws.receive_json()["type"] == "connection_established"
        current = ws.receive_json()
        assert current["data"]["status"] == "COMPLETED"
        assert "_order" not in current
        # Subscribing again re-reads the same status: not newer, so not sent twice.
        ws.send_json({"type": "subscribe", "command_id": cid})
        assert ws.receive_json()["type"] == "subscription_result"
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
    assert container.tracker.get(cid).status == "COMPLETED"


def test_a_client_that_cannot_keep_up_is_closed_not_fed_a_gap() -> None:
    from spice.entrypoints.api.ws_manager import MAX_QUEUED, Client

    client = Client("ws-1", None)
    for i in range(MAX_QUEUED + 1):
        client.offer({"type": "command_update", "command_id": "c", "_order": i + 1})
    assert client.lagging
    stale = {"type": "command_update", "command_id": "c", "_order": 1}
    fresh = {"type": "command_update", "command_id": "c", "_order": 2}
    assert not Client("ws-2", None).is_stale(dict(fresh))
    other = Client("ws-3", None)
    assert not other.is_stale(dict(fresh))
    assert other.is_stale(dict(stale))
