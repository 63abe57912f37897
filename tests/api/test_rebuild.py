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


def test_rebuild_never_goes_back_behind_the_live_read_model(demo: TestClient) -> None:
    """Events the live projector applied while the rebuild ran are in the new generation."""
    container = container_of(demo)
    base = "/api/v1/database/demo/instances/Customer"
    wait_ok(demo, "POST", f"{base}/create", json={"data": {"customer_id": "a", "name": "A"}})
    documents = container.documents
    real_new_generation = documents.new_generation

    def new_generation_then_write() -> str:
        # Between the start of the rebuild and its switch, another write lands and is
        # projected into the old generation.
        name = real_new_generation()
        wait_ok(demo, "POST", f"{base}/create", json={"data": {"customer_id": "b", "name": "B"}})
        return name

    documents.new_generation = new_generation_then_write  # type: ignore[method-assign]
    seen = container.projector.position
    rebuild(container.events, documents)
    assert documents.checkpoint() >= container.projector.position > seen
    assert demo.get(f"{base}/b").status_code == 200


def test_rebuild_drops_generations_left_by_an_interrupted_rebuild(demo: TestClient) -> None:
    documents = container_of(demo).documents
    leftover = documents.new_generation()
    new = rebuild(container_of(demo).events, documents)
    assert leftover not in documents.generations()
    assert documents.generations() == [new]
