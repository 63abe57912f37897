"""Databases and classes: list, get, update, delete."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from spice.application.log.serialization import epoch_of
from tests.api.support import CUSTOMER, container_of, wait_ok


def test_list_and_get_databases(demo: TestClient) -> None:
    wait_ok(demo, "POST", "/api/v1/databases", json={"name": "other", "description": "두번째"})
    names = [d["name"] for d in demo.get("/api/v1/databases").json()["data"]["databases"]]
    assert names == ["demo", "other"]
    other = demo.get("/api/v1/databases/other").json()["data"]
    assert other["description"] == "두번째"
    assert other["sequence_number"] == 1
    branches = demo.get("/api/v1/databases/demo/branches").json()["data"]["branches"]
    assert [b["name"] for b in branches] == ["main"]


CUSTOMER_C1 = "/api/v1/database/demo/instances/Customer/c1"
# What a deleted database answers 404 to, as every route on it does.
ON_DEMO = [
    ("GET", "/api/v1/databases/demo", None),
    ("GET", CUSTOMER_C1, None),
    ("GET", "/api/v1/database/demo/ontology", None),
    ("POST", "/api/v1/database/demo/search", {"query": "Kim"}),
    ("POST", "/api/v1/database/demo/instances/Customer/create", {"data": {"customer_id": "c2"}}),
    ("GET", "/api/v1/databases/demo/branches", None),
]


def _listed(client: TestClient) -> list[str]:
    return [d["name"] for d in client.get("/api/v1/databases").json()["data"]["databases"]]


def test_a_deleted_database_is_hidden_restorable_then_purged(demo: TestClient) -> None:
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "Kim"}},
    )
    unconfirmed = demo.delete("/api/v1/databases/demo")
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["details"]["errors"][0]["path"] == "confirm"
    assert demo.delete("/api/v1/databases/demo?confirm=other").status_code == 422
    assert demo.get(CUSTOMER_C1).status_code == 200  # nothing changed

    deleted = wait_ok(demo, "DELETE", "/api/v1/databases/demo?confirm=demo&expected_seq=1")
    purge_after = deleted["data"]["result"]["purge_after"]
    assert abs(epoch_of(purge_after) - (time.time() + 7 * 86400)) < 60  # a week from now
    for method, path, body in ON_DEMO:
        answer = demo.request(method, path, json=body)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["code"] == "DATABASE_DELETED"
        assert answer.json()["details"]["purge_after"] == purge_after
    assert "demo" not in _listed(demo)
    assert demo.post("/api/v1/databases", json={"name": "demo"}).status_code == 409

    wait_ok(demo, "POST", "/api/v1/databases/demo/restore")
    assert demo.get(CUSTOMER_C1).json()["data"]["data"]["name"] == "Kim"
    head = container_of(demo).events.head_position()
    found = demo.post(
        f"/api/v1/database/demo/search?min_position={head}&timeout=10", json={"query": "Kim"}
    ).json()["data"]
    assert [hit["id"] for hit in found["hits"]] == ["c1"]
    assert "demo" in _listed(demo)
    again = demo.post("/api/v1/databases/demo/restore?wait=true")
    assert again.status_code == 409  # not deleted

    wait_ok(demo, "DELETE", "/api/v1/databases/demo?confirm=demo")
    assert demo.post("/api/v1/databases/demo/purge?wait=true").status_code == 422
    wait_ok(demo, "POST", "/api/v1/databases/demo/purge?confirm=demo")
    for method, path, body in ON_DEMO:
        answer = demo.request(method, path, json=body)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["code"] != "DATABASE_DELETED"
    gone = demo.post("/api/v1/databases/demo/restore?wait=true")
    assert gone.status_code == 404 and "purged" in gone.json()["message"]
    assert demo.post("/api/v1/databases", json={"name": "demo"}).status_code == 409


def test_a_deletion_past_its_grace_period_is_purged_by_the_purger(
    demo: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = container_of(demo)
    wait_ok(demo, "DELETE", "/api/v1/databases/demo?confirm=demo")
    assert container.purger.run_once() == []  # within its grace period
    monkeypatch.setattr(container.purger, "clock", lambda: time.time() + 8 * 86400)
    container.worker.stop()  # two purgers find it before either purge runs
    assert container.purger.run_once() == ["demo"]
    assert container.purger.run_once() == ["demo"]  # the same command, stored once
    container.worker.start()
    deadline = time.monotonic() + 10
    while demo.get(CUSTOMER_C1).json()["code"] == "DATABASE_DELETED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert container.purger.run_once() == []
    purges = [e for e in container.events.read_all(0, 10_000) if e.event_type == "DatabasePurged"]
    assert len(purges) == 1 and purges[0].actor == "system"


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
