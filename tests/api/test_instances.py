"""Instance lifecycle: create, read, update with OCC, delete (final), bulk, paging."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import wait_ok

BASE = "/api/v1/database/demo/instances"


def create_customer(client: TestClient, cid: str, name: str = "Kim") -> dict:
    return wait_ok(
        client, "POST", f"{BASE}/Customer/create", json={"data": {"customer_id": cid, "name": name}}
    )


def test_update_with_expected_seq_and_conflict(demo: TestClient) -> None:
    create_customer(demo, "c1")
    done = wait_ok(
        demo,
        "PUT",
        f"{BASE}/Customer/c1/update?expected_seq=1",
        json={"data": {"name": "Lee", "age": "41"}},
    )
    assert done["data"]["result"]["sequence_number"] == 2
    stale = demo.put(f"{BASE}/Customer/c1/update?expected_seq=1", json={"data": {"name": "X"}})
    assert stale.status_code == 409
    assert stale.json()["details"] == {
        "aggregate_id": "inst:demo:main:Customer:c1",
        "expected_seq": 1,
        "actual_seq": 2,
    }
    doc = demo.get(f"{BASE}/Customer/c1").json()["data"]
    assert doc["data"] == {"customer_id": "c1", "name": "Lee", "age": 41}
    assert doc["sequence_number"] == 2


def test_null_removes_optional_value_but_not_required(demo: TestClient) -> None:
    create_customer(demo, "c1")
    wait_ok(demo, "PUT", f"{BASE}/Customer/c1/update", json={"data": {"age": 3}})
    wait_ok(demo, "PUT", f"{BASE}/Customer/c1/update", json={"data": {"age": None}})
    assert "age" not in demo.get(f"{BASE}/Customer/c1").json()["data"]["data"]
    refused = demo.put(f"{BASE}/Customer/c1/update", json={"data": {"name": None}})
    assert refused.status_code == 422


def test_delete_is_final(demo: TestClient) -> None:
    create_customer(demo, "c1")
    wait_ok(demo, "DELETE", f"{BASE}/Customer/c1/delete?expected_seq=1")
    assert demo.get(f"{BASE}/Customer/c1").status_code == 404
    again = demo.post(
        f"{BASE}/Customer/create", json={"data": {"customer_id": "c1", "name": "Kim"}}
    )
    assert again.status_code == 409
    assert "deleted" in again.json()["message"]
    assert demo.put(f"{BASE}/Customer/c1/update", json={"data": {}}).status_code == 404


def test_duplicate_create_conflicts(demo: TestClient) -> None:
    create_customer(demo, "c1")
    dup = demo.post(f"{BASE}/Customer/create", json={"data": {"customer_id": "c1", "name": "K"}})
    assert dup.status_code == 409


def test_links_to_deleted_instances_are_refused(demo: TestClient) -> None:
    create_customer(demo, "c1")
    wait_ok(demo, "DELETE", f"{BASE}/Customer/c1/delete")
    r = demo.post(
        f"{BASE}/Product/create", json={"data": {"product_id": "p", "name": "n", "owned_by": "c1"}}
    )
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "link_target_not_found"


def test_bare_link_id_is_normalised(demo: TestClient) -> None:
    create_customer(demo, "c1")
    wait_ok(
        demo,
        "POST",
        f"{BASE}/Product/create",
        json={"data": {"product_id": "p1", "name": "n", "owned_by": "c1", "price": 12.50}},
    )
    data = demo.get(f"{BASE}/Product/p1").json()["data"]["data"]
    assert data["owned_by"] == "Customer/c1"
    assert data["price"] == "12.5"


def test_bulk_create_and_paging(demo: TestClient) -> None:
    rows = [{"customer_id": f"c{i:03d}", "name": f"고객 {i}"} for i in range(250)]
    done = wait_ok(demo, "POST", f"{BASE}/Customer/bulk-create", json={"instances": rows})
    assert done["data"]["result"]["count"] == 250
    first = demo.get(f"{BASE}/Customer?limit=100").json()["data"]
    assert first["total"] == 250 and first["count"] == 100 and first["next_offset"] == 100
    last = demo.get(f"{BASE}/Customer?offset=200&limit=100").json()["data"]
    assert [d["id"] for d in last["items"]][-1] == "c249"
    assert last["next_offset"] is None


def test_bulk_create_is_all_or_nothing(demo: TestClient) -> None:
    create_customer(demo, "c1")
    rows = [{"customer_id": "c2", "name": "a"}, {"customer_id": "c3", "name": 7}]
    bad = demo.post(f"{BASE}/Customer/bulk-create", json={"instances": rows})
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0]["path"] == "instances[1].name"
    taken = demo.post(
        f"{BASE}/Customer/bulk-create", json={"instances": [{"customer_id": "c1", "name": "a"}]}
    )
    assert taken.status_code == 409
    assert demo.get(f"{BASE}/Customer").json()["data"]["total"] == 1


def test_bulk_links_may_point_into_the_same_batch(demo: TestClient) -> None:
    wait_ok(
        demo,
        "PUT",
        "/api/v1/database/demo/ontology/Customer",
        json={
            "id": "Customer",
            "properties": [
                {"name": "customer_id", "type": "string", "required": True},
                {"name": "name", "type": "string", "required": True},
            ],
            "relationships": [
                {"predicate": "referred_by", "target": "Customer", "cardinality": "n:1"}
            ],
        },
    )
    rows = [
        {"customer_id": "a", "name": "A"},
        {"customer_id": "b", "name": "B", "referred_by": "a"},
    ]
    wait_ok(demo, "POST", f"{BASE}/Customer/bulk-create", json={"instances": rows})
    b = demo.get(f"{BASE}/Customer/b").json()["data"]["data"]
    assert b["referred_by"] == "Customer/a"


def test_expected_seq_endpoint(demo: TestClient) -> None:
    body = demo.get("/api/v1/databases/demo/expected-seq").json()["data"]
    assert body["expected_seq"] == 1
    assert demo.get("/api/v1/databases/nope/expected-seq").status_code == 404
