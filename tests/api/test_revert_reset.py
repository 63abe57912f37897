"""Revert a commit and reset a branch through the API: new events that undo, per property,
with conflicts settled as for a merge; history is never rewritten."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok

DB = "/api/v1/databases/demo"
INSTANCES = "/api/v1/database/demo/instances/Customer"


def _create(client: TestClient, cid: str, branch: str = "main", **data: Any) -> str:
    body = {"data": {"customer_id": cid, "name": cid, **data}}
    done = wait_ok(client, "POST", f"{INSTANCES}/create?branch={branch}", json=body)
    return str(done["data"]["command_id"])


def _update(client: TestClient, cid: str, branch: str = "main", **data: Any) -> str:
    url = f"{INSTANCES}/{cid}/update?branch={branch}"
    return str(wait_ok(client, "PUT", url, json={"data": data})["data"]["command_id"])


def _data(client: TestClient, cid: str, branch: str = "main") -> Any:
    r = client.get(f"{INSTANCES}/{cid}", params={"branch": branch})
    return r.json()["data"]["data"] if r.status_code == 200 else r.status_code


def _revert(client: TestClient, **body: Any) -> Any:
    return client.post(f"{DB}/revert?wait=true&timeout=10", json=body)


def _reset(client: TestClient, **body: Any) -> Any:
    return client.post(f"{DB}/reset?wait=true&timeout=10", json=body)


def test_a_revert_undoes_one_commit_and_keeps_the_others(demo: TestClient) -> None:
    _create(demo, "c1", age=30)
    renamed = _update(demo, "c1", name="Renamed", age=31)
    _update(demo, "c1", age=32)  # a later change of another property of that commit
    created = _create(demo, "c2")
    r = _revert(demo, commit=renamed, message="undo the rename")
    assert r.status_code == 409, r.text  # age changed again since: a conflict
    conflicts = r.json()["details"]["conflicts"]
    assert [(x["key"], x["base"], x["ours"], x["theirs"]) for x in conflicts] == [
        ("Customer/c1.age", 31, 32, 30)
    ]
    before = head(demo)
    plan = demo.post(f"{DB}/revert", json={"commit": renamed, "strategy": "ours", "simulate": True})
    assert plan.status_code == 200 and head(demo) == before
    assert [e["data"]["changes"] for e in plan.json()["data"]["events"]] == [{"name": "c1"}]
    r = _revert(demo, commit=renamed, strategy="ours", message="undo the rename")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["result"]["reverted"] == renamed
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "c1", "age": 32}
    assert _revert(demo, commit=created).status_code == 200  # a creation reverted: deleted
    assert _data(demo, "c2") == 404
    newest = demo.get(f"{DB}/commits", params={"limit": 2}).json()["data"]["commits"]
    assert [c["command_type"] for c in newest] == ["REVERT_COMMIT", "REVERT_COMMIT"]
    assert newest[1]["message"] == "undo the rename"
    # History is kept: the renamed value is still there as of the renaming commit.
    then = demo.get(f"{INSTANCES}/c1", params={"as_of": renamed}).json()["data"]["data"]
    assert then["name"] == "Renamed"


def test_a_revert_on_a_branch_leaves_the_parent_alone(demo: TestClient) -> None:
    _create(demo, "c1")
    renamed = _update(demo, "c1", name="Before the fork")
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    assert _revert(demo, commit=renamed, branch="dev").status_code == 200
    assert _data(demo, "c1", "dev")["name"] == "c1"
    assert _data(demo, "c1")["name"] == "Before the fork"
    on_dev = _update(demo, "c1", "dev", age=5)
    r = _revert(demo, commit=on_dev, branch="main")  # main never saw dev's commit
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "not_in_history"


def test_revert_refuses_what_it_cannot_undo(demo: TestClient) -> None:
    cid = _create(demo, "c1")
    wait_ok(demo, "DELETE", f"{INSTANCES}/c1/delete")
    before = head(demo)
    assert _revert(demo, commit="no-such-commit").status_code == 404
    branch = wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})["data"]["command_id"]
    nothing = _revert(demo, commit=branch)
    assert nothing.status_code == 422
    assert nothing.json()["details"]["errors"][0]["code"] == "not_revertible"
    assert _revert(demo, commit=cid, strategy="sideways").status_code == 422
    assert head(demo) == before + 3  # the branch, and nothing else but commands' records
    assert _data(demo, "c1") == 404


def test_a_reset_brings_a_branch_back_to_a_point_and_keeps_history(demo: TestClient) -> None:
    _create(demo, "c1", age=1)
    _create(demo, "c2")
    point = demo.get(f"{DB}/commits", params={"limit": 1}).json()["data"]["commits"][0]
    _update(demo, "c2", "main", age=7)  # after the point, before the fork: undone on dev
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    _update(demo, "c1", "dev", age=2, name="changed")
    _create(demo, "c3", "dev")
    _update(demo, "c2", "main", name="main's own")  # the parent after the fork: not seen
    extra = {"data": {"id": "Extra", "properties": [{"name": "x", "type": "string"}]}}
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology?branch=dev", json=extra["data"])
    r = _reset(demo, branch="dev", to=point["commit_id"], message="start over")
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert result["to_position"] == point["position"] and result["changed"]
    assert _data(demo, "c1", "dev") == {"customer_id": "c1", "name": "c1", "age": 1}
    assert _data(demo, "c3", "dev") == 404
    assert _data(demo, "c2", "dev") == {"customer_id": "c2", "name": "c2"}
    assert demo.get("/api/v1/database/demo/ontology/Extra?branch=dev").status_code == 404
    assert _data(demo, "c2")["name"] == "main's own"  # the parent is untouched
    assert _data(demo, "c2")["age"] == 7
    diff = demo.get(f"{DB}/diff", params={"from": f"main@{point['position']}", "to": "dev"})
    counts = diff.json()["data"]["data"]["counts"]
    assert counts == {"added": 0, "removed": 0, "changed": 0}
    again = _reset(demo, branch="dev", to=str(point["position"]))
    assert again.status_code == 200 and again.json()["data"]["result"]["events"] == 0


def test_a_reset_to_before_a_deletion_restores_the_values_of_then(demo: TestClient) -> None:
    _create(demo, "c1")
    point = head(demo)
    _update(demo, "c1", age=9)
    wait_ok(demo, "DELETE", f"{INSTANCES}/c1/delete")
    r = _reset(demo, branch="main", to=str(point))
    assert r.status_code == 200, r.text
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "c1"}
    assert r.json()["data"]["result"]["resolved"] == []
    assert _reset(demo, branch="main", to="tomorrow").status_code == 400
    assert _reset(demo, branch="main", to=str(head(demo) + 100)).status_code == 400
    assert _reset(demo, branch="nope", to=str(point)).status_code == 404
