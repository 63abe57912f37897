"""Lineage through the API: an instance's timeline, its state replayed with the commands that
made it, and blame (with the chain of causes) per property, on main and on a branch."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok

C1 = "/api/v1/database/demo/instances/Customer/c1"


def _get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    r = client.get(f"{C1}/{path}", params=params)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def _setup(client: TestClient) -> dict[str, str]:
    created = wait_ok(
        client,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "Kim", "age": 30}, "message": "onboard"},
        headers={"X-User-Id": "kim"},
    )
    renamed = wait_ok(
        client,
        "PUT",
        f"{C1}/update",
        json={"data": {"name": "Lee"}, "metadata": {"reason": "typo", "source": "crm"}},
        headers={"X-User-Id": "lee", "X-Commit-Message": "fix the name"},
    )
    return {"created": created["data"]["command_id"], "renamed": renamed["data"]["command_id"]}


def test_timeline_and_replay_with_command_history(demo: TestClient) -> None:
    commits = _setup(demo)
    middle = head(demo)
    wait_ok(demo, "PUT", f"{C1}/update", json={"data": {"age": 31}})
    timeline = _get(demo, "history")
    assert timeline["total"] == 3
    first, second, third = timeline["changes"]
    assert (first["event_type"], first["actor"], first["message"]) == (
        "InstanceCreated",
        "kim",
        "onboard",
    )
    assert first["values"] == {"customer_id": "c1", "name": "Kim", "age": 30}
    assert (second["commit"], second["message"], second["reason"]) == (
        commits["renamed"],
        "fix the name",
        "typo",
    )
    assert second["changes"] == {"name": "Lee"} and third["changes"] == {"age": 31}
    replayed = _get(demo, "replay", as_of=str(middle))
    assert replayed["data"] == {"customer_id": "c1", "name": "Lee", "age": 30}
    assert replayed["sequence_number"] == 2
    history = replayed["_metadata"]["command_history"]
    assert [h["command_id"] for h in history] == [commits["created"], commits["renamed"]]
    assert [h["command_type"] for h in history] == ["CREATE_INSTANCE", "UPDATE_INSTANCE"]
    now = _get(demo, "replay")
    current = demo.get(C1).json()["data"]
    assert (now["data"], now["sequence_number"]) == (current["data"], current["sequence_number"])


def test_blame_names_the_change_behind_each_value_and_why(demo: TestClient) -> None:
    commits = _setup(demo)
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    wait_ok(demo, "PUT", f"{C1}/update?branch=dev", json={"data": {"age": 40}})
    lines = {b["property"]: b for b in _get(demo, "blame", branch="dev")["blame"]}
    assert (lines["name"]["value"], lines["name"]["commit"], lines["name"]["actor"]) == (
        "Lee",
        commits["renamed"],
        "lee",
    )
    assert lines["customer_id"]["commit"] == commits["created"]
    assert (lines["age"]["value"], lines["age"]["branch"]) == (40, "dev")
    kinds = [c["kind"] for c in lines["name"]["causes"]]
    assert kinds == ["event", "command", "commit"]
    command = lines["name"]["causes"][1]
    assert (command["reason"], command["source"], command["message"]) == (
        "typo",
        "crm",
        "fix the name",
    )
    assert lines["name"]["causes"][2] == {
        "kind": "commit",
        "commit": commits["renamed"],
        "branch": "main",
        "inherited": True,
    }
    (why,) = _get(demo, "blame", property="age")["blame"]
    assert (why["value"], why["branch"]) == (30, "main")
    assert demo.get(f"{C1}/blame", params={"property": "email"}).status_code == 400
    assert demo.get(f"{C1}/history", params={"branch": "nope"}).status_code == 404
    missing = demo.get("/api/v1/database/demo/instances/Customer/zz/history")
    assert missing.status_code == 404
