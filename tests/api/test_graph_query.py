"""Graph queries through the API: hop shapes, cycles, limits, paging and node statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from spice.entrypoints.cli.tasks import rebuild_read_models
from tests.api.support import container_of, damage_search_index, head, wait_ok

DB = "/api/v1/database/logi"
GRAPH = "/api/v1/graph-query/logi"


def _cls(cid: str, props: list[str], rels: list[tuple[str, str, str]] = ()) -> dict[str, Any]:
    return {
        "id": cid,
        "properties": [
            {"name": p, "type": "string", "required": i == 0} for i, p in enumerate(props)
        ],
        "relationships": [{"predicate": p, "target": t, "cardinality": c} for p, t, c in rels],
    }


def _create(client: TestClient, cls: str, data: dict[str, Any]) -> None:
    wait_ok(client, "POST", f"{DB}/instances/{cls}/create", json={"data": data})


@pytest.fixture
def logi(client: TestClient) -> TestClient:
    """City <- lives_in - Customer <- placed_by - Order <- part_of - Parcel; Person knows."""
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "logi"})
    for definition in (
        _cls("City", ["city_id", "name"]),
        _cls("Customer", ["customer_id", "name"], [("lives_in", "City", "n:1")]),
        _cls("Order", ["order_id", "status"], [("placed_by", "Customer", "n:1")]),
        _cls("Parcel", ["parcel_id", "carrier"], [("part_of", "Order", "n:1")]),
        _cls("Person", ["person_id"], [("knows", "Person", "n:n")]),
    ):
        wait_ok(client, "POST", f"{DB}/ontology", json=definition)
    _create(client, "City", {"city_id": "seoul", "name": "서울"})
    _create(client, "City", {"city_id": "busan", "name": "부산"})
    for n, city in enumerate(["seoul", "seoul", "busan", None]):
        data = {"customer_id": f"cu{n}", "name": f"고객{n}"}
        if city:
            data["lives_in"] = f"City/{city}"
        _create(client, "Customer", data)
    for n in range(6):
        data = {"order_id": f"o{n}", "status": "open" if n % 2 else "closed"}
        data["placed_by"] = f"cu{n % 4}"
        _create(client, "Order", data)
    for n in range(9):
        _create(client, "Parcel", {"parcel_id": f"pa{n}", "carrier": "CJ", "part_of": f"o{n % 6}"})
    _create(client, "Person", {"person_id": "a"})
    _create(client, "Person", {"person_id": "b", "knows": ["a"]})
    wait_ok(client, "PUT", f"{DB}/instances/Person/a/update", json={"data": {"knows": ["b"]}})
    return client


def query(client: TestClient, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    position = head(client)
    response = client.post(f"{GRAPH}?min_position={position}", json=body)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"] if status == 200 else response.json()
    return data


def node_ids(result: dict[str, Any]) -> list[str]:
    return [n["id"] for n in result["nodes"]]


def test_one_hop_with_filters_as_in_the_seed(logi: TestClient) -> None:
    result = query(
        logi,
        {
            "start_class": "Order",
            "hops": [{"predicate": "placed_by", "target_class": "Customer"}],
            "filters": {"order_id": "o1"},
            "limit": 10,
            "offset": 0,
            "max_nodes": 200,
            "max_edges": 500,
            "no_cycles": True,
            "include_documents": True,
        },
    )
    assert node_ids(result) == ["Order/o1", "Customer/cu1"]
    assert result["edges"] == [
        {"from_node": "Order/o1", "to_node": "Customer/cu1", "predicate": "placed_by"}
    ]
    assert [n["data_status"] for n in result["nodes"]] == ["FULL", "FULL"]
    customer = result["nodes"][1]
    assert customer["data"]["data"]["name"] == "고객1"
    assert (customer["data"]["id"], customer["data"]["class_id"]) == ("cu1", "Customer")
    assert customer["data"]["sequence_number"] == 1
    assert customer["index_status"]["event_sequence"] == 1
    assert customer["index_status"]["index_age_seconds"] >= 0
    assert result["index_summary"]["statuses"] == {"FULL": 2, "PARTIAL": 0, "MISSING": 0}
    assert result["warnings"] == []


def test_the_result_is_also_at_the_top_level_for_seed_era_clients(logi: TestClient) -> None:
    body = {"start_class": "Order", "hops": [{"predicate": "placed_by"}], "include_paths": True}
    response = logi.post(f"{GRAPH}?min_position={head(logi)}", json=body).json()
    assert (response["status"], response["message"]) == ("success", f"{response['count']} nodes")
    for key in ("nodes", "edges", "paths", "warnings", "page", "count"):
        assert response[key] == response["data"][key], key
    assert response["count"] == len(response["nodes"]) > 0


def test_three_hops_keep_only_complete_paths(logi: TestClient) -> None:
    hops = [
        {"predicate": "part_of", "target_class": "Order"},
        {"predicate": "placed_by", "target_class": "Customer"},
        {"predicate": "lives_in", "target_class": "City"},
    ]
    result = query(logi, {"start_class": "Parcel", "hops": hops, "include_paths": True})
    parcels = sorted(i for i in node_ids(result) if i.startswith("Parcel/"))
    # Orders o3 (cu3, no city) is the dead end: parcels pa3 leads nowhere complete.
    assert parcels == [f"Parcel/pa{n}" for n in range(9) if n % 6 % 4 != 3]
    assert "Customer/cu3" not in node_ids(result)
    assert {
        "nodes": ["Parcel/pa0", "Order/o0", "Customer/cu0", "City/seoul"],
        "predicates": ["part_of", "placed_by", "lives_in"],
    } in result["paths"]
    assert all(len(p["nodes"]) == 4 for p in result["paths"])


def test_reverse_hops_walk_links_backwards(logi: TestClient) -> None:
    result = query(
        logi,
        {
            "start_class": "City",
            "hops": [
                {"predicate": "lives_in", "target_class": "Customer", "reverse": True},
                {"predicate": "placed_by", "target_class": "Order", "reverse": True},
            ],
            "filters": {"city_id": "busan"},
        },
    )
    assert node_ids(result) == ["City/busan", "Customer/cu2", "Order/o2"]
    assert {"from_node": "Order/o2", "to_node": "Customer/cu2", "predicate": "placed_by"} in result[
        "edges"
    ]


def test_cycles_are_left_out_unless_asked_for(logi: TestClient) -> None:
    hops = [{"predicate": "knows", "target_class": "Person"}] * 2
    without = query(logi, {"start_class": "Person", "hops": hops, "include_paths": True})
    assert without["nodes"] == [] and without["paths"] == []
    with_cycles = query(
        logi, {"start_class": "Person", "hops": hops, "no_cycles": False, "include_paths": True}
    )
    assert [p["nodes"] for p in with_cycles["paths"]] == [
        ["Person/a", "Person/b", "Person/a"],
        ["Person/b", "Person/a", "Person/b"],
    ]


def test_pages_cover_every_start_node_once(logi: TestClient) -> None:
    hops = [{"predicate": "placed_by", "target_class": "Customer"}]
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = query(logi, {"start_class": "Order", "hops": hops, "limit": 4, "offset": offset})
        seen += [i for i in node_ids(page) if i.startswith("Order/")]
        offset = page["page"]["next_offset"]
    assert seen == [f"Order/o{n}" for n in range(6)]


def test_limits_are_reported_as_warnings(logi: TestClient) -> None:
    hops = [{"predicate": "part_of", "target_class": "Order"}]
    small = query(
        logi,
        {
            "start_class": "Parcel",
            "hops": hops,
            "max_nodes": 4,
            "max_edges": 1,
            "include_paths": True,
            "max_paths": 2,
        },
    )
    codes = {w["code"] for w in small["warnings"]}
    assert {"node_limit_reached", "edge_limit_reached", "path_limit_reached"} <= codes
    assert node_ids(small) == ["Parcel/pa0", "Order/o0", "Parcel/pa1", "Order/o1"]
    assert len(small["edges"]) == 1 and len(small["paths"]) == 2


def test_statuses_show_lag_and_deletion(logi: TestClient) -> None:
    container = container_of(logi)
    container.search_projector.stop()  # the index now lags the graph
    wait_ok(
        logi, "PUT", f"{DB}/instances/Customer/cu0/update", json={"data": {"name": "바뀐 이름"}}
    )
    wait_ok(logi, "DELETE", f"{DB}/instances/City/seoul/delete")
    _create(logi, "Order", {"order_id": "o9", "status": "open", "placed_by": "cu0"})
    hops = [
        {"predicate": "placed_by", "target_class": "Customer"},
        {"predicate": "lives_in", "target_class": "City"},
    ]
    position = head(logi)
    assert logi.get(f"{DB}/instances/Order/o9?min_position={position}").status_code == 200
    lagging = logi.post(
        GRAPH, json={"start_class": "Order", "hops": hops, "filters": {"order_id": "o9"}}
    )
    result = lagging.json()["data"]
    by_id = {n["id"]: n for n in result["nodes"]}
    assert by_id["Order/o9"]["data_status"] == "MISSING"
    assert by_id["Order/o9"]["index_status"] is None
    assert by_id["Customer/cu0"]["data_status"] == "PARTIAL"
    assert by_id["Customer/cu0"]["data"]["data"]["name"] == "고객0"  # the older, indexed state
    assert by_id["Customer/cu0"]["index_status"]["event_sequence"] == 1
    assert by_id["City/seoul"]["data_status"] == "MISSING"
    assert by_id["City/seoul"]["index_status"] == {"tombstoned": True}
    assert by_id["City/seoul"]["data"] is None  # never resurrected from the index
    assert "index_lagging" in {w["code"] for w in result["warnings"]}
    assert result["index_summary"]["lag_events"] > 0
    container.search_projector._stop.clear()
    container.search_projector.start()
    caught_up = query(logi, {"start_class": "Order", "hops": hops, "filters": {"order_id": "o9"}})
    statuses = {n["id"]: n["data_status"] for n in caught_up["nodes"]}
    assert statuses == {"Order/o9": "FULL", "Customer/cu0": "FULL", "City/seoul": "MISSING"}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"start_class": "Order", "hops": [{"predicate": "nope"}]}, 400, "no relationship"),
        (
            {"start_class": "Order", "hops": [{"predicate": "placed_by", "reverse": True}]},
            400,
            "reverse hop needs target_class",
        ),
        ({"start_class": "Nope"}, 404, "not found"),
        (
            {"start_class": "Order", "hops": [{"predicate": "placed_by", "target_class": "X"}]},
            400,
            "unknown class",
        ),
        ({"start_class": "Order", "filters": {"range": {"status": {"gt": "x"}}}}, 422, ""),
        ({"start_class": "Order", "limit": 0}, 422, ""),
        ({"start_class": "Order", "hops": [{"predicate": "placed_by"}] * 11}, 422, ""),
    ],
)
def test_bad_queries_are_refused(
    logi: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    result = query(logi, body, status)
    assert result["status"] == "error" and words in result["message"]


def test_simple_query_and_class_paths(logi: TestClient) -> None:
    simple = logi.post(
        f"{GRAPH}/simple", json={"class_name": "City", "filters": {"city_id": "busan"}}
    )
    assert simple.status_code == 200
    assert node_ids(simple.json()["data"]) == ["City/busan"]
    paths = logi.get(f"{GRAPH}/paths?source_class=Parcel&target_class=City")
    assert paths.status_code == 200
    assert paths.json()["data"]["count"] >= 1
    assert logi.get(f"{GRAPH}/paths?source_class=Nope").status_code == 404


def test_a_damaged_index_degrades_to_the_document_store_until_rebuilt(
    settings: Settings, tmp_path: Path
) -> None:
    with TestClient(create_app(settings)) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "logi"})
        wait_ok(client, "POST", f"{DB}/ontology", json=_cls("City", ["city_id", "name"]))
        _create(client, "City", {"city_id": "seoul", "name": "서울"})
        query(client, {"start_class": "City"})
    damage_search_index(settings, "logi")
    with TestClient(create_app(settings)) as client:
        health = client.get("/health").json()
        result = client.post(GRAPH, json={"start_class": "City"}).json()["data"]
        assert [n["data_status"] for n in result["nodes"]] == ["FULL"]
        assert result["nodes"][0]["data"]["data"]["name"] == "서울"
        assert result["index_summary"]["source"] == "document_store"
        assert "search_index_unavailable" in {w["code"] for w in result["warnings"]}
        found = client.post(f"{DB}/search", json={"query": "서울"}).json()["data"]
        assert [h["id"] for h in found["hits"]] == ["seoul"]
        assert found["index"]["source"] == "document_store"
        assert health["message"].startswith("degraded: search index of logi/main is")
        assert health["data"]["status"] == "degraded"
        assert health["data"]["search_index"]["ok"] is False
        # Repair while the server keeps answering.
        with open(tmp_path / "rebuild.log", "w") as log:
            assert rebuild_read_models(settings, Console(file=log), False, True) == 0
        repaired = query(client, {"start_class": "City"})
        assert repaired["index_summary"]["source"] == "search_index"
        assert repaired["nodes"][0]["data_status"] == "FULL"
        assert client.get("/health").json()["message"] == "healthy"
        again = client.post(f"{DB}/search", json={"query": "서울"}).json()["data"]
        assert again["index"]["source"] == "search_index" and again["warnings"] == []


@pytest.mark.parametrize("reverse", [False, True])
def test_paging_in_the_store_equals_walking_every_start_node(
    logi: TestClient, reverse: bool
) -> None:
    """Without filters the store finds the page's start nodes; with a filter that keeps
    every node they are found by walking. Both must give the same pages."""
    if reverse:
        start, key = "City", "city_id"
        hops = [
            {"predicate": "lives_in", "target_class": "Customer", "reverse": True},
            {"predicate": "placed_by", "target_class": "Order", "reverse": True},
        ]
    else:
        start, key = "Parcel", "parcel_id"
        hops = [
            {"predicate": "part_of", "target_class": "Order"},
            {"predicate": "placed_by", "target_class": "Customer"},
            {"predicate": "lives_in", "target_class": "City"},
        ]
    for offset in range(0, 10, 3):
        body = {"start_class": start, "hops": hops, "limit": 3, "offset": offset}
        in_store = query(logi, body)
        walked = query(logi, {**body, "filters": {"exists": key}})
        assert node_ids(in_store) == node_ids(walked)
        assert in_store["edges"] == walked["edges"]
        assert in_store["page"] == walked["page"]


@pytest.mark.parametrize("filters", [None, {"exists": "customer_id"}])
def test_paths_do_not_pass_through_a_deleted_node(logi: TestClient, filters: Any) -> None:
    wait_ok(logi, "DELETE", f"{DB}/instances/City/seoul/delete")
    hops = [
        {"predicate": "lives_in", "target_class": "City"},
        {"predicate": "lives_in", "target_class": "Customer", "reverse": True},
    ]
    body: dict[str, Any] = {
        "start_class": "Customer",
        "hops": hops,
        "include_paths": True,
        "no_cycles": False,
    }
    if filters:
        body["filters"] = filters
    result = query(logi, body)
    assert [p["nodes"] for p in result["paths"]] == [["Customer/cu2", "City/busan", "Customer/cu2"]]
    ending = query(
        logi, {"start_class": "Customer", "hops": hops[:1], "filters": {"customer_id": "cu0"}}
    )
    assert {n["id"]: n["data_status"] for n in ending["nodes"]} == {
        "Customer/cu0": "FULL",
        "City/seoul": "MISSING",
    }


def test_hops_follow_relationships_declared_on_subclasses(client: TestClient) -> None:
    base = "/api/v1/database/fleet"
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "fleet"})
    for definition in (
        _cls("Driver", ["driver_id"]),
        _cls("Vehicle", ["vehicle_id"]),
        {
            **_cls("Truck", ["truck_no"], [("driven_by", "Driver", "n:1")]),
            "parent_class": "Vehicle",
        },
        _cls("Depot", ["depot_id"], [("houses", "Vehicle", "n:n")]),
    ):
        wait_ok(client, "POST", f"{base}/ontology", json=definition)
    rows = [
        ("Driver", {"driver_id": "d1"}),
        ("Vehicle", {"vehicle_id": "v1"}),
        ("Truck", {"vehicle_id": "t1", "truck_no": "t1", "driven_by": "d1"}),
        ("Depot", {"depot_id": "x", "houses": ["Vehicle/v1", "Truck/t1"]}),
    ]
    for cls, data in rows:
        body = {"data": data, "instance_id": next(iter(data.values()))}
        wait_ok(client, "POST", f"{base}/instances/{cls}/create", json=body)
    position = head(client)

    def ask(body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = client.post(f"/api/v1/graph-query/fleet?min_position={position}", json=body)
        assert response.status_code == status, response.text
        return response.json()

    forward = ask({"start_class": "Vehicle", "hops": [{"predicate": "driven_by"}]})
    assert [n["id"] for n in forward["data"]["nodes"]] == ["Truck/t1", "Driver/d1"]
    back = ask(
        {
            "start_class": "Driver",
            "hops": [{"predicate": "driven_by", "target_class": "Vehicle", "reverse": True}],
        }
    )
    assert [n["id"] for n in back["data"]["nodes"]] == ["Driver/d1", "Truck/t1"]
    two = ask(
        {
            "start_class": "Depot",
            "hops": [
                {"predicate": "houses", "target_class": "Vehicle"},
                {"predicate": "driven_by", "target_class": "Driver"},
            ],
        }
    )
    assert [n["id"] for n in two["data"]["nodes"]] == ["Depot/x", "Truck/t1", "Driver/d1"]
    wrong = ask(
        {"start_class": "Truck", "hops": [{"predicate": "driven_by", "target_class": "Depot"}]},
        400,
    )
    assert "leads to 'Driver'" in wrong["message"]
