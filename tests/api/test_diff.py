"""Diffs through the API: schema and data between two refs (branches, commits, branch@point),
with counts first, old and new values per property, and paging."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import CUSTOMER, head, wait_ok

INSTANCES = "/api/v1/database/demo/instances"


def _diff(client: TestClient, a: str, b: str, **params: Any) -> dict[str, Any]:
    r = client.get("/api/v1/databases/demo/diff", params={"from": a, "to": b, **params})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def _create(client: TestClient, cid: str, branch: str = "main", name: str = "x") -> None:
    wait_ok(
        client,
        "POST",
        f"{INSTANCES}/Customer/create?branch={branch}",
        json={"data": {"customer_id": cid, "name": name}},
    )


def _update(client: TestClient, cid: str, branch: str = "main", **data: Any) -> dict[str, Any]:
    return wait_ok(
        client, "PUT", f"{INSTANCES}/Customer/{cid}/update?branch={branch}", json={"data": data}
    )


def test_data_diff_between_a_branch_and_its_parent(demo: TestClient) -> None:
    for cid in ("c1", "c2", "c3"):
        _create(demo, cid)
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    _update(demo, "c1", "dev", name="renamed", age=30)
    wait_ok(demo, "DELETE", f"{INSTANCES}/Customer/c2/delete?branch=dev")
    _create(demo, "c4", "dev", name="new")
    _update(demo, "c3", "dev", name="same")
    _update(demo, "c3", "main", name="same")  # both sides agree: no difference
    data = _diff(demo, "main", "dev")["data"]
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 1}
    by_id = {i["instance_id"]: i for i in data["items"]}
    assert by_id["c1"]["change"] == "changed"
    assert by_id["c1"]["properties"] == [
        {"property": "age", "old": None, "new": 30},
        {"property": "name", "old": "x", "new": "renamed"},
    ]
    assert (by_id["c1"]["old_sequence"], by_id["c1"]["new_sequence"]) == (1, 2)
    assert by_id["c2"]["change"] == "removed" and by_id["c2"]["values"]["name"] == "x"
    assert by_id["c4"] == {
        "class_id": "Customer",
        "instance_id": "c4",
        "change": "added",
        "values": {"customer_id": "c4", "name": "new"},
        "new_sequence": 1,
    }
    back = _diff(demo, "dev", "main")["data"]
    assert back["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert _diff(demo, "dev", "dev")["data"]["total"] == 0
    first = _diff(demo, "main", "dev", limit=2)["data"]
    rest = _diff(demo, "main", "dev", offset=first["next_offset"], limit=2)["data"]
    assert [i["instance_id"] for i in first["items"] + rest["items"]] == ["c1", "c2", "c4"]


def test_schema_diff_names_classes_properties_and_relationships(demo: TestClient) -> None:
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    order = {
        "id": "Order",
        "properties": [{"name": "order_id", "type": "string", "primary_key": True}],
    }
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology?branch=dev", json=order)
    changed = {
        **CUSTOMER,
        "properties": [*CUSTOMER["properties"], {"name": "email", "type": "email"}],
    }
    wait_ok(demo, "PUT", "/api/v1/database/demo/ontology/Customer?branch=dev", json=changed)
    schema = _diff(demo, "main", "dev")["schema"]
    assert schema["counts"] == {"added": 1, "removed": 0, "changed": 1}
    assert schema["added"][0]["id"] == "Order"
    (customer,) = schema["changed"]
    assert customer["class_id"] == "Customer"
    assert [p["name"] for p in customer["properties"]["added"]] == ["email"]
    assert customer["properties"]["removed"] == []


def test_diff_between_commits_and_points_in_time(demo: TestClient) -> None:
    _create(demo, "c1")
    before = head(demo)
    done = _update(demo, "c1", name="v2")
    commit = done["data"]["command_id"]
    _update(demo, "c1", name="v3")
    data = _diff(demo, f"main@{before}", commit)["data"]
    assert data["items"][0]["properties"] == [{"property": "name", "old": "x", "new": "v2"}]
    data = _diff(demo, commit, "main")["data"]
    assert data["items"][0]["properties"] == [{"property": "name", "old": "v2", "new": "v3"}]
    for bad in ("nope", "main@99999999", "ghost@1"):
        r = demo.get("/api/v1/databases/demo/diff", params={"from": "main", "to": bad})
        assert r.status_code in (400, 404), (bad, r.text)
