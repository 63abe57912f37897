"""Search on a branch answered from main's index plus the branch's differences: whatever
main and the branch changed before and after the fork, each query answers exactly what a
scan of the branch answers (hits, order, total, pages), on both profiles."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.application.reads.search import SearchRequest
from spice.application.search.filters import parse_filter
from spice.application.search.query import SearchPage
from tests.api.support import container_of, head, wait_ok

DB = "/api/v1/database/demo"
QUERIES: list[dict[str, Any]] = [
    {"class_id": "Customer", "limit": 100},
    {"class_id": "Customer", "filter": {"term": {"age": 30}}, "limit": 100},
    {"class_id": "Customer", "filter": {"range": {"age": {"gte": 25, "lt": 45}}}, "limit": 7},
    {"class_id": "Customer", "filter": {"range": {"age": {"gte": 25}}}, "limit": 5, "offset": 10},
    {"class_id": "Customer", "sort": "age", "order": "desc", "limit": 12},
    {"class_id": "Customer", "sort": "age", "order": "asc", "limit": 6, "offset": 20},
    {"filter": {"exists": "age"}, "limit": 50},
]


def _customer(client: TestClient, cid: str, branch: str, age: int | None) -> None:
    data: dict[str, Any] = {"customer_id": cid, "name": f"name {cid}"}
    if age is not None:
        data["age"] = age
    url = f"{DB}/instances/Customer/create?branch={branch}"
    wait_ok(client, "POST", url, json={"data": data})


def _update(client: TestClient, cid: str, branch: str, age: int) -> None:
    url = f"{DB}/instances/Customer/{cid}/update?branch={branch}"
    wait_ok(client, "PUT", url, json={"data": {"age": age}})


def _delete(client: TestClient, cid: str, branch: str) -> None:
    wait_ok(client, "DELETE", f"{DB}/instances/Customer/{cid}/delete?branch={branch}")


def _indexed(client: TestClient) -> None:
    container = container_of(client)
    deadline = time.monotonic() + 30
    while container.search.checkpoint() < head(client):
        assert time.monotonic() < deadline, "the search index did not catch up"
        time.sleep(0.05)


def test_a_branch_search_equals_a_scan_of_the_branch(demo: TestClient) -> None:
    for i in range(40):
        _customer(demo, f"c{i:02d}", "main", None if i % 9 == 0 else 20 + i % 30)
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    for i in (1, 2, 3):
        _update(demo, f"c{i:02d}", "main", 30)  # main after the fork: not on the branch
    _delete(demo, "c04", "main")
    _customer(demo, "m1", "main", 30)
    # A class main made after the fork: the branch does not see it or its instances.
    late = {
        "id": "Late",
        "properties": [{"name": "late_id", "type": "string"}, {"name": "age", "type": "integer"}],
    }
    wait_ok(demo, "POST", f"{DB}/ontology", json=late)
    wait_ok(
        demo, "POST", f"{DB}/instances/Late/create", json={"data": {"late_id": "l1", "age": 30}}
    )
    _update(demo, "c05", "dev", 30)  # the branch's own
    _update(demo, "c02", "dev", 44)  # both changed it
    _delete(demo, "c06", "dev")
    _customer(demo, "d1", "dev", 30)
    _indexed(demo)
    for body in QUERIES:
        r = demo.post(f"{DB}/search?branch=dev", json=body)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert data["index"]["source"] == "search_index_overlay", body
        got = [f"{h['class_id']}/{h['id']}" for h in data["hits"]]
        expected = _scanned(demo, body)
        assert got == [h.key for h in expected.hits], body
        assert data["total"] == expected.total, body


def _scanned(client: TestClient, body: dict[str, Any]) -> SearchPage:
    """The same search answered by a scan of the branch (the reference)."""
    searches = container_of(client).searches
    request = SearchRequest(
        "demo",
        "dev",
        class_id=body.get("class_id"),
        filter=parse_filter(body["filter"]) if "filter" in body else None,
        sort=body.get("sort"),
        descending=body.get("order") == "desc",
        limit=body["limit"],
        offset=body.get("offset", 0),
    )
    return searches.scan.search(searches.build(request))


@pytest.mark.parametrize("body", [{"query": "name"}, {"class_id": "Customer", "facets": ["age"]}])
def test_text_and_facets_on_a_branch_are_scanned(demo: TestClient, body: dict[str, Any]) -> None:
    _customer(demo, "c1", "main", 30)
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})
    r = demo.post(f"{DB}/search?branch=dev", json=body)
    assert r.json()["data"]["index"]["source"] == "document_store"
