"""Rebuilding read models from the log gives what was there, while reads keep working."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from spice.application.ports.documents import DocumentStore
from spice.application.projections import rebuild
from tests.api.support import container_of, wait_ok


def snapshot(documents: DocumentStore) -> list[tuple[Any, ...]]:
    out = []
    for doc in documents.dump():
        meta = {k: v for k, v in doc.body["_meta"].items() if k != "indexed_at"}
        out.append((doc.key, doc.seq, doc.deleted, doc.position, doc.body["data"], meta))
    return out


def test_rebuild_equals_live_read_model(demo: TestClient) -> None:
    base = "/api/v1/database/demo/instances"
    rows = [{"customer_id": f"c{i}", "name": f"n{i}"} for i in range(50)]
    wait_ok(demo, "POST", f"{base}/Customer/bulk-create", json={"instances": rows})
    wait_ok(demo, "PUT", f"{base}/Customer/c1/update", json={"data": {"age": 3}})
    wait_ok(demo, "DELETE", f"{base}/Customer/c2/delete")
    container = container_of(demo)
    before = snapshot(container.documents)
    old = container.documents.active_generation()
    new = rebuild(container.events, container.documents)
    assert new != old
    assert container.documents.generations() == [new]
    assert snapshot(container.documents) == before
    assert demo.get(f"{base}/Customer/c1").json()["data"]["data"]["age"] == 3
    wait_ok(demo, "PUT", f"{base}/Customer/c3/update", json={"data": {"age": 9}})
    assert demo.get(f"{base}/Customer/c3").json()["data"]["data"]["age"] == 9
