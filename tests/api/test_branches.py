"""Branches through the API: created without copying, read as the parent as of the fork plus
their own writes (instances, classes, search, graph queries, links), tombstones that the
parent never resurrects, OCC per branch, deletion; and reads `as_of` a point in history."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import head, wait_command, wait_ok

BRANCH = "feature/whatif"


def _branch(client: TestClient, name: str = BRANCH, **body: Any) -> dict[str, Any]:
    return wait_ok(client, "POST", "/api/v1/databases/demo/branches", json={"name": name, **body})


def _instances(client: TestClient, db: str = "demo") -> str:
    return f"/api/v1/database/{db}/instances"


def _create(client: TestClient, cls: str, branch: str = "main", **data: Any) -> None:
    wait_ok(
        client, "POST", f"{_instances(client)}/{cls}/create?branch={branch}", json={"data": data}
    )


def _get(client: TestClient, cls: str, iid: str, branch: str = "main", **params: Any) -> Any:
    return client.get(f"{_instances(client)}/{cls}/{iid}", params={"branch": branch, **params})


def _graph(client: TestClient, branch: str, body: dict[str, Any], **params: Any) -> Any:
    r = client.post("/api/v1/graph-query/demo", params={"branch": branch, **params}, json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def shop(demo: TestClient) -> TestClient:
    """demo with a customer and a product on main."""
    _create(demo, "Customer", customer_id="cust_001", name="Alice")
    _create(demo, "Product", product_id="prod_001", name="Shirt", owned_by="Customer/cust_001")
    return demo


def test_seed_7_1_what_if_on_a_branch(shop: TestClient) -> None:
    """Seed 004 section 7.1 as written: create the branch, query it, update with OCC from
    the query's index_status.event_sequence."""
    r = shop.post("/api/v1/databases/demo/branches", json={"name": BRANCH, "from_branch": "main"})
    assert r.status_code == 202, r.text
    assert wait_command(shop, r.json()["data"]["command_id"])["status"] == "COMPLETED"
    query = {
        "start_class": "Product",
        "hops": [],
        "filters": {"product_id": "prod_001"},
        "include_documents": True,
    }
    (node,) = _graph(shop, BRANCH, query, min_position=head(shop))["nodes"]
    assert node["data_status"] == "FULL"
    assert node["data"]["data"]["name"] == "Shirt"
    expected = node["index_status"]["event_sequence"]
    r = shop.put(
        f"/api/v1/database/demo/instances/Product/prod_001/update"
        f"?branch={BRANCH}&expected_seq={expected}&wait=true",
        json={"data": {"name": "Shirt (WhatIf)"}},
    )
    assert r.status_code == 200, r.text
    assert _get(shop, "Product", "prod_001", BRANCH).json()["data"]["data"]["name"] == (
        "Shirt (WhatIf)"
    )
    assert _get(shop, "Product", "prod_001").json()["data"]["data"]["name"] == "Shirt"
    stale = shop.put(
        f"/api/v1/database/demo/instances/Product/prod_001/update"
        f"?branch={BRANCH}&expected_seq={expected}&wait=true",
        json={"data": {"name": "again"}},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "OCC_CONFLICT"


def test_a_branch_sees_its_parent_as_of_the_fork_and_nothing_after(shop: TestClient) -> None:
    _branch(shop)
    _create(shop, "Customer", customer_id="cust_002", name="Bob")  # main, after the fork
    wait_ok(
        shop,
        "PUT",
        f"{_instances(shop)}/Customer/cust_001/update",
        json={"data": {"name": "Alice Main"}},
    )
    assert _get(shop, "Customer", "cust_002", BRANCH).status_code == 404
    found = _get(shop, "Customer", "cust_001", BRANCH).json()["data"]
    assert (found["data"]["name"], found["branch"], found["sequence_number"]) == (
        "Alice",
        BRANCH,
        1,
    )
    listed = shop.get(f"{_instances(shop)}/Customer", params={"branch": BRANCH}).json()["data"]
    assert [i["id"] for i in listed["instances"]] == ["cust_001"]
    _create(shop, "Customer", BRANCH, customer_id="cust_003", name="Cho")
    listed = shop.get(f"{_instances(shop)}/Customer", params={"branch": BRANCH}).json()["data"]
    assert [(i["id"], i["data"]["name"]) for i in listed["instances"]] == [
        ("cust_001", "Alice"),
        ("cust_003", "Cho"),
    ]
    on_main = shop.get(f"{_instances(shop)}/Customer").json()["data"]["instances"]
    assert [i["id"] for i in on_main] == ["cust_001", "cust_002"]
    hits = shop.post(
        "/api/v1/database/demo/search", params={"branch": BRANCH}, json={"query": "Alice"}
    ).json()["data"]
    assert [(h["id"], h["data"]["name"]) for h in hits["hits"]] == [("cust_001", "Alice")]
    assert hits["index"]["source"] == "document_store"


def test_a_delete_on_a_branch_is_a_tombstone_the_parent_never_resurrects(
    shop: TestClient,
) -> None:
    _branch(shop)
    r = shop.delete(f"{_instances(shop)}/Product/prod_001/delete?branch={BRANCH}&wait=true")
    assert r.status_code == 200, r.text
    assert _get(shop, "Product", "prod_001", BRANCH).status_code == 404
    assert _get(shop, "Product", "prod_001").status_code == 200
    body = {
        "start_class": "Customer",
        "hops": [{"predicate": "owned_by", "target_class": "Product", "reverse": True}],
    }
    on_branch = _graph(shop, BRANCH, body)
    assert on_branch["nodes"] == []  # the only path ran through the deleted product
    on_main = _graph(shop, "main", body, min_position=head(shop))
    assert sorted(n["id"] for n in on_main["nodes"]) == ["Customer/cust_001", "Product/prod_001"]
    forward = {"start_class": "Product", "hops": [{"predicate": "owned_by"}]}
    assert _graph(shop, BRANCH, forward)["nodes"] == []
    recreate = shop.post(
        f"{_instances(shop)}/Product/create?branch={BRANCH}&wait=true",
        json={"data": {"product_id": "prod_001", "name": "Again"}},
    )
    assert recreate.status_code == 409
    assert _get(shop, "Product", "prod_001").json()["data"]["data"]["name"] == "Shirt"


def test_a_deleted_node_reached_on_a_branch_is_missing_and_tombstoned(shop: TestClient) -> None:
    _branch(shop)
    wait_ok(shop, "DELETE", f"{_instances(shop)}/Customer/cust_001/delete?branch={BRANCH}")
    body = {"start_class": "Product", "hops": [{"predicate": "owned_by"}]}
    nodes = {n["id"]: n for n in _graph(shop, BRANCH, body)["nodes"]}
    assert nodes["Customer/cust_001"]["data_status"] == "MISSING"
    assert nodes["Customer/cust_001"]["index_status"] == {"tombstoned": True}
    assert nodes["Product/prod_001"]["data_status"] == "FULL"
    # main's payloads come from the search index: wait for it to have every write
    answer = _graph(shop, "main", body, min_position=head(shop))
    main_nodes = {n["id"]: n for n in answer["nodes"]}
    assert main_nodes["Customer/cust_001"]["data_status"] == "FULL"


def test_classes_on_a_branch_are_the_parents_plus_its_own(shop: TestClient) -> None:
    _branch(shop)
    order = {
        "id": "Order",
        "properties": [{"name": "order_id", "type": "string", "primary_key": True}],
    }
    wait_ok(shop, "POST", f"/api/v1/database/demo/ontology?branch={BRANCH}", json=order)
    listed = shop.get("/api/v1/database/demo/ontology", params={"branch": BRANCH}).json()
    assert [c["id"] for c in listed["data"]["classes"]] == ["Customer", "Order", "Product"]
    on_main = shop.get("/api/v1/database/demo/ontology").json()["data"]["classes"]
    assert [c["id"] for c in on_main] == ["Customer", "Product"]
    _create(shop, "Order", BRANCH, order_id="o1")
    assert _get(shop, "Order", "o1", BRANCH).status_code == 200
    assert _get(shop, "Order", "o1").status_code == 404


def test_branches_are_listed_got_and_deleted_but_never_main(shop: TestClient) -> None:
    fork = head(shop)
    _branch(shop)
    _branch(shop, "nested", from_branch=BRANCH)
    branches = shop.get("/api/v1/databases/demo/branches").json()["data"]["branches"]
    by_name = {b["name"]: b for b in branches}
    assert by_name[BRANCH]["from_branch"] == "main"
    assert by_name[BRANCH]["fork_position"] >= fork
    assert by_name["main"]["from_branch"] is None
    got = shop.get(f"/api/v1/databases/demo/branches/{BRANCH}").json()["data"]
    assert got["name"] == BRANCH
    main = shop.delete("/api/v1/databases/demo/branches/main?wait=true")
    assert main.status_code == 409
    parent = shop.delete(f"/api/v1/databases/demo/branches/{BRANCH}?wait=true")
    assert parent.status_code == 409
    assert parent.json()["details"]["children"] == ["nested"]
    wait_ok(shop, "DELETE", "/api/v1/databases/demo/branches/nested")
    assert shop.get("/api/v1/databases/demo/branches/nested").status_code == 404
    assert _get(shop, "Customer", "cust_001", "nested").status_code == 404
    again = shop.post("/api/v1/databases/demo/branches?wait=true", json={"name": "nested"})
    assert again.status_code == 409


def test_a_branch_forked_in_the_past_sees_the_parent_as_it_was_then(shop: TestClient) -> None:
    before = head(shop)
    wait_ok(
        shop,
        "PUT",
        f"{_instances(shop)}/Customer/cust_001/update",
        json={"data": {"name": "Alice v2"}},
    )
    _branch(shop, "past", at=before)
    assert _get(shop, "Customer", "cust_001", "past").json()["data"]["data"]["name"] == "Alice"
    bad = shop.post(
        "/api/v1/databases/demo/branches", json={"name": "future", "at": head(shop) + 100}
    )
    assert bad.status_code == 400


def test_reads_as_of_a_position_a_time_or_a_commit(shop: TestClient) -> None:
    done = wait_ok(
        shop,
        "PUT",
        f"{_instances(shop)}/Customer/cust_001/update",
        json={"data": {"name": "Alice v2"}},
    )
    commit = done["data"]["command_id"]
    at_commit = head(shop)
    wait_ok(
        shop,
        "PUT",
        f"{_instances(shop)}/Customer/cust_001/update",
        json={"data": {"name": "Alice v3"}},
    )
    assert _get(shop, "Customer", "cust_001").json()["data"]["data"]["name"] == "Alice v3"
    by_commit = _get(shop, "Customer", "cust_001", as_of=commit).json()["data"]
    assert (by_commit["data"]["name"], by_commit["sequence_number"]) == ("Alice v2", 2)
    by_position = _get(shop, "Customer", "cust_001", as_of=str(at_commit)).json()["data"]
    assert by_position["data"]["name"] == "Alice v2"
    assert _get(shop, "Customer", "cust_001", as_of="1").status_code == 404
    stamp = by_commit["updated_at"]
    by_time = _get(shop, "Customer", "cust_001", as_of=stamp).json()["data"]
    assert by_time["data"]["name"] == "Alice v2"
    hits = shop.post(
        "/api/v1/database/demo/search", params={"as_of": commit}, json={"query": "v2"}
    ).json()["data"]["hits"]
    assert [h["id"] for h in hits] == ["cust_001"]
    graph = _graph(shop, "main", {"start_class": "Customer", "hops": []}, as_of=commit)
    assert graph["nodes"][0]["data"]["data"]["name"] == "Alice v2"
    for bad in ("9999999", "2999-01-01T00:00:00Z", "no-such-commit", ""):
        r = _get(shop, "Customer", "cust_001", as_of=bad)
        assert r.status_code == 400, (bad, r.text)
