"""Cases found by review: each broke search or the graph before it was fixed."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import (
    container_of,
    damage_search_index,
    garble_search_state,
    head,
    wait_ok,
)

DB = "/api/v1/database/demo"


def search(client: TestClient, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = client.post(f"{DB}/search?min_position={head(client)}", json=body)
    assert response.status_code == status, response.text
    return response.json()


def ids(result: dict[str, Any]) -> list[str]:
    return [h["id"] for h in result["data"]["hits"]]


@pytest.fixture
def events(demo: TestClient) -> TestClient:
    wait_ok(
        demo,
        "POST",
        f"{DB}/ontology",
        json={
            "id": "Event",
            "properties": [
                {"name": "event_id", "type": "string", "required": True},
                {"name": "at", "type": "datetime"},
                {"name": "ok", "type": "boolean"},
                {"name": "note", "type": "string"},
                {
                    "name": "lines",
                    "type": "array",
                    "items": {"type": "object", "properties": [{"name": "qty", "type": "integer"}]},
                },
            ],
        },
    )
    rows = [
        ("e1", "2024-05-01T00:00:00Z", True, [{"qty": 9}]),
        ("e2", "2024-03-01T12:00:00Z", False, [{"qty": 1}, {"qty": 12}]),
        ("e3", "2024-07-01T00:00:00Z", True, [{"qty": 2}]),
    ]
    for eid, at, ok, lines in rows:
        data = {"event_id": eid, "at": at, "ok": ok, "lines": lines, "note": "n"}
        wait_ok(demo, "POST", f"{DB}/instances/Event/create", json={"data": data})
    return demo


def test_date_times_filter_sort_and_survive_updates(events: TestClient) -> None:
    assert ids(search(events, {"filter": {"at": "2024-05-01T00:00:00Z"}})) == ["e1"]
    assert ids(search(events, {"class_id": "Event", "sort": "at"})) == ["e2", "e1", "e3"]
    wait_ok(events, "PUT", f"{DB}/instances/Event/e1/update", json={"data": {"note": "m"}})
    hit = search(events, {"filter": {"range": {"at": {"gte": "2024-04-01T00:00:00Z"}}}})
    assert ids(hit) == ["e1", "e3"]
    assert hit["data"]["hits"][0]["data"]["at"] == "2024-05-01T00:00:00Z"  # as stored
    assert sorted(ids(search(events, {"query": "2024", "class_id": "Event"}))) == ["e1", "e2", "e3"]


def test_booleans_sort_and_numbers_inside_arrays_of_objects_filter(events: TestClient) -> None:
    assert ids(search(events, {"class_id": "Event", "sort": "ok", "order": "desc"})) == [
        "e1",
        "e3",
        "e2",
    ]
    assert ids(search(events, {"filter": {"range": {"lines.qty": {"gte": 9}}}})) == ["e1", "e2"]
    assert ids(search(events, {"filter": {"lines.qty": 12}})) == ["e2"]
    refused = search(events, {"class_id": "Event", "sort": "lines.qty"}, 400)
    assert "not one value" in refused["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"filter": {"range": {"at": {"gt": 10**400}}}}, 422),
        ({"filter": {"ok": 10**30}}, 422),
        ({"filter": {"range": {"lines.a b": {"gt": 1}}}}, 400),
        ({"filter": {"class": 5}}, 400),
        ({"filter": {"range": {"id": {"gt": 5}}}}, 400),
        ({"sort": "lines"}, 400),
    ],
)
def test_odd_input_is_refused_not_a_server_error(
    events: TestClient, body: dict[str, Any], status: int
) -> None:
    assert search(events, body, status)["status"] == "error"


@pytest.mark.parametrize(
    "raw",
    [
        '{"range": {"lines.qty": {"gte": NaN}}}',
        '{"range": {"lines.qty": {"lt": Infinity}}}',
        '{"term": {"note": -Infinity}}',
    ],
)
def test_a_bound_that_is_not_a_number_is_refused_not_an_empty_answer(
    events: TestClient, raw: str
) -> None:
    """Python's JSON reader takes NaN and Infinity; a filter on them is 422, never an
    answer that quietly matches nothing."""
    body = f'{{"class_id": "Event", "filter": {raw}}}'.encode()
    r = events.post(f"{DB}/search", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["details"]["errors"][0]["message"] == "a finite number"


def test_a_crafted_cursor_is_refused(events: TestClient) -> None:
    cursor = base64.urlsafe_b64encode(b'{"o": 1e999, "q": "x"}').decode()
    assert "cursor" in search(events, {"cursor": cursor}, 400)["message"]


def test_graph_filters_are_checked_against_the_ontology(events: TestClient) -> None:
    response = events.post(
        "/api/v1/graph-query/demo", json={"start_class": "Event", "filters": {"nope": 1}}
    )
    assert response.status_code == 400 and "unknown filter field" in response.json()["message"]


def test_one_damaged_index_does_not_stop_indexing_the_others(settings: Settings) -> None:
    customer = {"id": "C", "properties": [{"name": "c_id", "type": "string"}]}
    with TestClient(create_app(settings)) as client:
        for db in ("a", "b"):
            wait_ok(client, "POST", "/api/v1/databases", json={"name": db})
            wait_ok(client, "POST", f"/api/v1/database/{db}/ontology", json=customer)
            data = {"data": {"c_id": "x1"}}
            wait_ok(client, "POST", f"/api/v1/database/{db}/instances/C/create", json=data)
        search(client, {}, 404)  # `demo` does not exist here
    damage_search_index(settings, "a")
    with TestClient(create_app(settings)) as client:
        for db in ("a", "b"):
            data = {"data": {"c_id": "x2"}}
            wait_ok(client, "POST", f"/api/v1/database/{db}/instances/C/create", json=data)
        position = head(client)
        b = client.post(f"/api/v1/database/b/search?min_position={position}&timeout=5", json={})
        assert b.status_code == 200, b.text
        assert [h["id"] for h in b.json()["data"]["hits"]] == ["x1", "x2"]
        assert b.json()["data"]["index"]["source"] == "search_index"
        a = client.post("/api/v1/database/a/search", json={}).json()["data"]
        assert a["index"]["source"] == "document_store"  # still answered, and says so
        assert [h["id"] for h in a["hits"]] == ["x1", "x2"]


def test_an_unreadable_index_list_falls_back_instead_of_failing(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "a"})
        # The projector writes its state after each batch: let it finish first.
        assert container_of(client).search_progress.wait(head(client), 10)
        garble_search_state(settings)
        response = client.post("/api/v1/database/a/search", json={})
        assert response.status_code == 200
        assert response.json()["data"]["index"]["source"] == "document_store"
        graph = client.post("/api/v1/graph-query/a", json={"start_class": "Nope"})
        assert graph.status_code == 404


def test_sorting_inside_an_object_uses_the_inner_type(demo: TestClient) -> None:
    inner = [
        {"name": "tags", "type": "array", "items": {"type": "string"}},
        {"name": "qty", "type": "integer"},
        {"name": "ok", "type": "boolean"},
    ]
    item = {
        "id": "Item",
        "properties": [
            {"name": "item_id", "type": "string", "required": True},
            {"name": "o", "type": "object", "properties": inner},
        ],
    }
    wait_ok(demo, "POST", f"{DB}/ontology", json=item)
    for n, (qty, ok) in enumerate([(12, True), (5, False), (7, True)]):
        data = {"item_id": f"i{n}", "o": {"tags": ["a", "b"], "qty": qty, "ok": ok}}
        wait_ok(demo, "POST", f"{DB}/instances/Item/create", json={"data": data})
    assert ids(search(demo, {"class_id": "Item", "sort": "o.qty"})) == ["i1", "i2", "i0"]
    assert ids(search(demo, {"class_id": "Item", "sort": "o.ok"})) == ["i1", "i0", "i2"]
    assert "not one value" in search(demo, {"class_id": "Item", "sort": "o.tags"}, 400)["message"]
    assert (
        "unknown sort field" in search(demo, {"class_id": "Item", "sort": "o.nope"}, 400)["message"]
    )


def test_a_hop_leading_to_several_classes_needs_a_target(demo: TestClient) -> None:
    for definition in (
        {"id": "Animal", "properties": [{"name": "animal_id", "type": "string"}]},
        {
            "id": "Dog",
            "parent_class": "Animal",
            "properties": [],
            "relationships": [{"predicate": "owner", "target": "Customer", "cardinality": "n:1"}],
        },
        {
            "id": "Cat",
            "parent_class": "Animal",
            "properties": [],
            "relationships": [{"predicate": "owner", "target": "Product", "cardinality": "n:1"}],
        },
    ):
        wait_ok(demo, "POST", f"{DB}/ontology", json=definition)
    body = {"start_class": "Animal", "hops": [{"predicate": "owner"}]}
    response = demo.post("/api/v1/graph-query/demo", json=body)
    assert response.status_code == 400
    assert "Customer, Product" in response.json()["message"]
    body["hops"] = [{"predicate": "owner", "target_class": "Customer"}]
    assert demo.post("/api/v1/graph-query/demo", json=body).status_code == 200


def test_an_enum_of_numbers_sorts_as_numbers_and_a_mixed_one_refuses(demo: TestClient) -> None:
    ticket = {
        "id": "Ticket",
        "properties": [
            {"name": "ticket_id", "type": "string", "required": True},
            {"name": "priority", "type": "enum", "values": [10, 2, 1]},
            {"name": "size", "type": "enum", "values": ["s", 3]},
        ],
    }
    wait_ok(demo, "POST", f"{DB}/ontology", json=ticket)
    for n, priority in enumerate([10, 1, 2]):
        data = {"ticket_id": f"t{n}", "priority": priority, "size": "s"}
        wait_ok(demo, "POST", f"{DB}/instances/Ticket/create", json={"data": data})
    assert ids(search(demo, {"class_id": "Ticket", "sort": "priority"})) == ["t1", "t2", "t0"]
    refused = search(demo, {"class_id": "Ticket", "sort": "size"}, 400)
    assert "mixes numbers and strings" in refused["message"]
