"""Commits and history through the API: every completed command is a commit with author,
time and message; history per branch (its own commits, then its parent's up to the fork)
with filters and paging; a commit's events; heads, ahead/behind and the common ancestor."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import wait_ok

INSTANCES = "/api/v1/database/demo/instances"


def _commits(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get("/api/v1/databases/demo/commits", params=params)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def _create(client: TestClient, cid: str, branch: str = "main", **kwargs: Any) -> str:
    body = wait_ok(
        client,
        "POST",
        f"{INSTANCES}/Customer/create?branch={branch}",
        json={"data": {"customer_id": cid, "name": cid}},
        **kwargs,
    )
    command_id: str = body["data"]["command_id"]
    return command_id


def test_every_completed_command_is_a_commit_with_its_message_and_parent(
    demo: TestClient,
) -> None:
    by_header = _create(demo, "c1", headers={"X-Commit-Message": "first", "X-User-Id": "kim"})
    body = wait_ok(
        demo,
        "PUT",
        f"{INSTANCES}/Customer/c1/update",
        json={"data": {"name": "Kim"}, "message": "rename"},
    )
    renamed = body["data"]["command_id"]
    failed = demo.post(f"{INSTANCES}/Customer/create?wait=true", json={"data": {"name": "x"}})
    assert failed.status_code == 422  # not a commit
    history = _commits(demo)
    newest, previous = history["commits"][:2]
    assert (newest["id"], newest["message"], newest["parent"]) == (renamed, "rename", by_header)
    assert (previous["id"], previous["message"], previous["author"]) == (by_header, "first", "kim")
    assert newest["command_type"] == "UPDATE_INSTANCE"
    assert newest["classes"] == ["Customer"]
    # database, two classes, two writes: each a commit, oldest without a parent
    assert history["total"] == 5
    assert history["commits"][-1]["parent"] is None
    one = demo.get(f"/api/v1/databases/demo/commits/{renamed}").json()["data"]
    assert [e["event_type"] for e in one["written"]] == ["InstanceUpdated"]
    assert one["written"][0]["data"]["changes"] == {"name": "Kim"}
    assert demo.get("/api/v1/databases/demo/commits/nope").status_code == 404


def test_history_filters_and_pages(demo: TestClient) -> None:
    first = _create(demo, "c1", headers={"X-User-Id": "kim"})
    second = _create(demo, "c2", headers={"X-User-Id": "lee"})
    wait_ok(demo, "PUT", f"{INSTANCES}/Customer/c1/update", json={"data": {"name": "K"}})
    assert [c["id"] for c in _commits(demo, author="lee")["commits"]] == [second]
    touched = _commits(demo, class_id="Customer", instance_id="c1")["commits"]
    assert len(touched) == 2 and touched[-1]["id"] == first
    assert _commits(demo, class_id="Product")["total"] == 1  # the class's own creation
    page = _commits(demo, limit=2, offset=1)
    assert (page["count"], page["total"], page["next_offset"]) == (2, 6, 3)
    stamp = demo.get(f"/api/v1/databases/demo/commits/{second}").json()["data"]["time"]
    since = _commits(demo, since=stamp)["commits"]
    assert since[-1]["id"] == second and len(since) == 2
    assert [c["id"] for c in _commits(demo, until=stamp)["commits"]][0] == second
    bad = demo.get("/api/v1/databases/demo/commits", params={"since": "yesterday"})
    assert bad.status_code == 400
    lone = demo.get(
        "/api/v1/databases/demo/commits", params={"instance_id": "c1"}
    )  # needs class_id
    assert lone.status_code == 400


def test_a_branch_history_heads_ahead_behind_and_merge_base(demo: TestClient) -> None:
    base = _create(demo, "c1")
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    on_main = _create(demo, "c2")
    mine = _create(demo, "c3", "dev")
    dev = [c["id"] for c in _commits(demo, branch="dev")["commits"]]
    assert dev[0] == mine and base in dev and on_main not in dev
    assert _commits(demo, branch="dev")["commits"][0]["parent"] == base
    branch = demo.get("/api/v1/databases/demo/branches/dev").json()["data"]
    assert (branch["head"], branch["ahead"]) == (mine, 1)
    assert branch["behind"] == 2  # the branch's own creation and c2, both on main
    listed = demo.get("/api/v1/databases/demo/branches").json()["data"]["branches"]
    main = next(b for b in listed if b["name"] == "main")
    assert main["head"] == on_main and main["ahead"] is None
    common = demo.get("/api/v1/databases/demo/merge-base", params={"a": "main", "b": "dev"})
    assert common.json()["data"]["merge_base"]["id"] == base
    by_commit = demo.get("/api/v1/databases/demo/merge-base", params={"a": mine, "b": on_main})
    assert by_commit.json()["data"]["merge_base"]["id"] == base
    unknown = demo.get("/api/v1/databases/demo/merge-base", params={"a": "main", "b": "zz"})
    assert unknown.status_code == 400
