"""Rebuilding read models from the log gives what was there, while reads keep working;
replaying the search projection changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.application.overlay.store import DocumentStore
from spice.application.projections.documents import rebuild
from spice.application.projections.search import SearchProjector, rebuild_search
from spice.application.search.query import SearchQuery
from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import CUSTOMER, PRODUCT, TEST_HOST, container_of, wait_ok


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
    seen = container.projector.progress.position
    rebuild(container.events, documents)
    assert documents.checkpoint() >= container.projector.progress.position > seen
    assert demo.get(f"{base}/b").status_code == 200


def test_rebuild_drops_generations_left_by_an_interrupted_rebuild(demo: TestClient) -> None:
    documents = container_of(demo).documents
    leftover = documents.new_generation()
    new = rebuild(container_of(demo).events, documents)
    assert leftover not in documents.generations()
    assert documents.generations() == [new]


def _search_state(container: Any) -> list[tuple[str, int, Any]]:
    page = container.search.search(SearchQuery("demo", "main", limit=1000))
    return [(h.key, h.seq, h.data) for h in page.hits]


def test_edges_and_search_index_equal_a_rebuild(demo: TestClient) -> None:
    base = "/api/v1/database/demo/instances"
    for i in range(5):
        data = {"customer_id": f"c{i}", "name": f"고객 {i}"}
        wait_ok(demo, "POST", f"{base}/Customer/create", json={"data": data})
    for i in range(8):
        data = {"product_id": f"p{i}", "name": f"상품 {i}", "owned_by": f"c{i % 5}"}
        wait_ok(demo, "POST", f"{base}/Product/create", json={"data": data})
    wait_ok(demo, "PUT", f"{base}/Product/p1/update", json={"data": {"owned_by": "c4"}})
    wait_ok(demo, "DELETE", f"{base}/Product/p2/delete")
    container = container_of(demo)
    assert container.search_projector.progress.wait(container.events.head_position(), 10)
    edges, indexed = container.documents.dump_edges(), _search_state(container)
    assert (("Product", "p1"), "owned_by", ("Customer", "c4")) in [e for _, _, e in edges]
    assert not [e for _, _, e in edges if e[0] == ("Product", "p2")]
    assert len(indexed) == 12
    rebuild(container.events, container.documents)
    assert container.documents.dump_edges() == edges
    old = container.search.active_generation()
    assert rebuild_search(container.events, container.search) != old
    assert container.search.generations() == [container.search.active_generation()]
    assert _search_state(container) == indexed


def test_replaying_search_batches_changes_nothing(demo: TestClient) -> None:
    """After a crash the projector replays from an older checkpoint: stale events are skipped
    and the index ends as it was."""
    base = "/api/v1/database/demo/instances/Customer"
    wait_ok(demo, "POST", f"{base}/create", json={"data": {"customer_id": "a", "name": "A"}})
    wait_ok(demo, "PUT", f"{base}/a/update", json={"data": {"name": "B"}})
    wait_ok(demo, "DELETE", f"{base}/a/delete")
    wait_ok(demo, "POST", f"{base}/create", json={"data": {"customer_id": "k", "name": "K"}})
    container = container_of(demo)
    container.search_projector.stop()
    head = container.events.head_position()
    SearchProjector(container.events, container.search).run_until_caught_up()
    before = _search_state(container)
    generation = container.search.active_generation()
    container.search.write(generation, [], [], 0)  # the checkpoint falls back to the start
    SearchProjector(container.events, container.search, batch_size=3).run_until_caught_up()
    assert _search_state(container) == before
    assert [key for key, _, _ in before] == ["Customer/k"]
    assert container.search.checkpoint() == head


def test_purging_a_database_drops_its_search_index(demo: TestClient) -> None:
    base = "/api/v1/database/demo/instances/Customer"
    wait_ok(demo, "POST", f"{base}/create", json={"data": {"customer_id": "a", "name": "A"}})
    container = container_of(demo)
    assert container.search_projector.progress.wait(container.events.head_position(), 10)
    indexed = _search_state(container)
    assert indexed
    wait_ok(demo, "DELETE", "/api/v1/databases/demo?confirm=demo")
    assert container.search_projector.progress.wait(container.events.head_position(), 10)
    assert _search_state(container) == indexed  # kept for a restore
    wait_ok(demo, "POST", "/api/v1/databases/demo/purge?confirm=demo")
    assert container.search_projector.progress.wait(container.events.head_position(), 10)
    assert _search_state(container) == []
    assert container.search.health()["ok"] is True


@pytest.mark.parametrize("table", ["edges", "hist", "commits"])
def test_a_read_model_from_before_graph_edges_versions_or_commits_is_rebuilt_at_start(
    tmp_path: Path, table: str
) -> None:
    """An upgrade of the embedded profile's SQLite file, written before graph edges (or
    document versions, or commits) were projected."""
    settings = Settings(data_dir=tmp_path / "data", allowed_hosts=TEST_HOST)
    base = "/api/v1/database/demo/instances"
    with TestClient(create_app(settings)) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "demo"})
        for definition in (CUSTOMER, PRODUCT):
            wait_ok(client, "POST", "/api/v1/database/demo/ontology", json=definition)
        wait_ok(
            client,
            "POST",
            f"{base}/Customer/create",
            json={"data": {"customer_id": "c", "name": "C"}},
        )
        data = {"product_id": "p", "name": "P", "owned_by": "c"}
        wait_ok(client, "POST", f"{base}/Product/create", json={"data": data})
        generation = container_of(client).documents.active_generation()
    with sqlite3.connect(settings.data_dir / "documents.db") as conn:
        conn.execute(f"DROP TABLE {table}_{generation}")  # as written by an older version
    with TestClient(create_app(settings)) as client:
        body = {"start_class": "Product", "hops": [{"predicate": "owned_by"}]}
        result = client.post("/api/v1/graph-query/demo", json=body).json()["data"]
        assert [n["id"] for n in result["nodes"]] == ["Product/p", "Customer/c"]
        assert container_of(client).documents.active_generation() != generation
