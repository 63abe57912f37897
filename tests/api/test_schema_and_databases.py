"""Databases and classes: list, get, update, delete."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import CUSTOMER, wait_ok


def test_list_and_get_databases(demo: TestClient) -> None:
    wait_ok(demo, "POST", "/api/v1/databases", json={"name": "other", "description": "두번째"})
    names = [d["name"] for d in demo.get("/api/v1/databases").json()["data"]["databases"]]
    assert names == ["demo", "other"]
    other = demo.get("/api/v1/databases/other").json()["data"]
    assert other["description"] == "두번째"
    assert other["sequence_number"] == 1
    branches = demo.get("/api/v1/databases/demo/branches").json()["data"]["branches"]
    assert [b["name"] for b in branches] == ["main"]


def test_delete_database_hides_everything_and_is_final(demo: TestClient) -> None:
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "Kim"}},
    )
    wait_ok(demo, "DELETE", "/api/v1/databases/demo?expected_seq=1")
    assert demo.get("/api/v1/databases/demo").status_code == 404
    assert demo.get("/api/v1/database/demo/instances/Customer/c1").status_code == 404
    assert demo.get("/api/v1/database/demo/ontology").status_code == 404
    assert demo.post("/api/v1/databases", json={"name": "demo"}).status_code == 409


def test_classes_list_get_update_delete(demo: TestClient) -> None:
    listed = demo.get("/api/v1/database/demo/ontology").json()["data"]
    assert [c["id"] for c in listed["classes"]] == ["Customer", "Product"]
    customer = demo.get("/api/v1/database/demo/ontology/Customer").json()["data"]
    assert customer["properties"][0] == {
        "name": "customer_id",
        "type": "string",
        "constraints": {},
        "required": True,
        "unique": False,
        "primary_key": False,
        "default": None,
        "label": None,
        "description": None,
    }
    updated = {
        **CUSTOMER,
        "label": {"en": "Customer", "ko": "고객"},
        "properties": [*CUSTOMER["properties"], {"name": "vip", "type": "boolean"}],
    }
    stale = demo.put("/api/v1/database/demo/ontology/Customer?expected_seq=0", json=updated)
    assert stale.status_code == 409
    wait_ok(demo, "PUT", "/api/v1/database/demo/ontology/Customer?expected_seq=1", json=updated)
    customer = demo.get("/api/v1/database/demo/ontology/Customer").json()["data"]
    assert customer["label"] == {"en": "Customer", "ko": "고객"}
    assert customer["sequence_number"] == 2
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "Kim", "vip": "true"}},
    )
    mismatch = demo.put("/api/v1/database/demo/ontology/Customer", json={**updated, "id": "X"})
    assert mismatch.status_code == 422
    wait_ok(demo, "DELETE", "/api/v1/database/demo/ontology/Product")
    assert demo.get("/api/v1/database/demo/ontology/Product").status_code == 404
