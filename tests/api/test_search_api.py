"""Search through the API: text (Korean too), filters, sort, facets, cursors, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import container_of, head, wait_ok

SEARCH = "/api/v1/database/demo/search"


@pytest.fixture
def shop(demo: TestClient) -> TestClient:
    rows = [
        ("c1", "김철수", 41, "서울 강남구 물류센터"),
        ("c2", "Alice Kim", 29, "Seoul warehouse"),
        ("c3", "박영희", 35, "부산 해운대"),
        ("c4", "Bob", None, "Busan port"),
        ("c5", "이민호", 29, "서울역"),
    ]
    for cid, name, age, note in rows:
        data: dict[str, Any] = {"customer_id": cid, "name": f"{name} {note}"}
        if age is not None:
            data["age"] = age
        wait_ok(
            demo, "POST", "/api/v1/database/demo/instances/Customer/create", json={"data": data}
        )
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Product/create",
        json={"data": {"product_id": "p1", "name": "서울 셔츠", "owned_by": "c1"}},
    )
    return demo


def search(client: TestClient, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    """Search once the index holds every write made so far."""
    response = client.post(f"{SEARCH}?min_position={head(client)}", json=body)
    assert response.status_code == status, response.text
    return response.json()


def ids(result: dict[str, Any]) -> list[str]:
    return [h["id"] for h in result["data"]["hits"]]


def test_korean_text_is_found_inside_words_and_highlighted(shop: TestClient) -> None:
    result = search(shop, {"query": "서울", "class_id": "Customer"})
    assert sorted(ids(result)) == ["c1", "c5"]  # "Seoul" is another word, not the same text
    hit = next(h for h in result["data"]["hits"] if h["id"] == "c1")
    assert hit["highlights"]["name"] == ["김철수 <em>서울</em> 강남구 물류센터"]
    assert ids(search(shop, {"query": "물류"})) == ["c1"]
    assert ids(search(shop, {"query": "센터"})) == ["c1"]


def test_english_text_ignores_case(shop: TestClient) -> None:
    assert ids(search(shop, {"query": "SEOUL"})) == ["c2"]
    assert sorted(ids(search(shop, {"query": "busan"}))) == ["c4"]


def test_the_get_form_searches_across_classes(shop: TestClient) -> None:
    response = shop.get(
        f"/api/v1/database/demo/instances?search=서울&facets=class&min_position={head(shop)}"
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert {h["class_id"] for h in data["hits"]} == {"Customer", "Product"}
    assert {f["value"]: f["count"] for f in data["facets"]["class"]} == {
        "Customer": 2,
        "Product": 1,
    }
    assert data["index"]["source"] == "search_index"


def test_filters_sort_and_facets(shop: TestClient) -> None:
    body = {
        "class_id": "Customer",
        "filter": {"and": [{"range": {"age": {"gte": 29}}}, {"not": {"term": {"age": 41}}}]},
        "sort": "age",
        "order": "desc",
        "facets": ["age"],
    }
    result = search(shop, body)
    assert ids(result) == ["c3", "c2", "c5"]  # 35, then the two 29s by id
    assert {f["value"]: f["count"] for f in result["data"]["facets"]["age"]} == {35: 1, 29: 2}
    assert ids(search(shop, {"class_id": "Customer", "filter": {"exists": "age"}})) == [
        "c1",
        "c2",
        "c3",
        "c5",
    ]
    missing_last = search(shop, {"class_id": "Customer", "sort": "age"})
    assert ids(missing_last)[-1] == "c4"
    by_name = search(shop, {"class_id": "Customer", "sort": "name", "limit": 2})
    assert ids(by_name) == ["c2", "c4"]  # "Alice..." < "Bob..." < Hangul
    shorthand = search(shop, {"filter": {"customer_id": "c3"}})
    assert ids(shorthand) == ["c3"]
    either = search(shop, {"filter": {"in": {"customer_id": ["c1", "c4", "zz"]}}})
    assert ids(either) == ["c1", "c4"]


def test_cursor_pages_walk_every_hit_once(shop: TestClient) -> None:
    body: dict[str, Any] = {"class_id": "Customer", "sort": "age", "limit": 2}
    seen: list[str] = []
    for _ in range(5):
        result = search(shop, body)
        seen += ids(result)
        cursor = result["data"]["page"]["next_cursor"]
        if cursor is None:
            break
        body["cursor"] = cursor
    assert seen == ["c2", "c5", "c3", "c1", "c4"]
    other = search(shop, {"class_id": "Customer", "limit": 2, "cursor": body["cursor"]}, 400)
    assert "different query" in other["message"]
    assert "cursor" in search(shop, {"cursor": "not-a-cursor"}, 400)["message"]


def test_deleted_instances_leave_the_index(shop: TestClient) -> None:
    assert ids(search(shop, {"query": "부산"})) == ["c3"]
    wait_ok(shop, "DELETE", "/api/v1/database/demo/instances/Customer/c3/delete")
    assert ids(search(shop, {"query": "부산"})) == []


def test_read_your_writes_with_min_position(demo: TestClient) -> None:
    accepted = demo.post(
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "new1", "name": "방금 만든 고객"}},
    ).json()
    status = demo.get(
        f"/api/v1/ontology/any/sync/command/{accepted['command_id']}/wait?timeout=10"
    ).json()["data"]
    position = status["result"]["position"]
    found = demo.post(f"{SEARCH}?min_position={position}", json={"query": "고객"})
    assert ids(found.json()) == ["new1"]
    past = demo.post(f"{SEARCH}?min_position={position + 1000}", json={})
    assert past.status_code == 400


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"filter": {"term": {"nope": 1}}}, 400, "unknown filter field"),
        ({"sort": "nope"}, 400, "unknown sort field"),
        ({"facets": ["nope"]}, 400, "unknown facet field"),
        ({"filter": {"range": {"age": {"gte": "soon"}}}}, 422, "date"),
        ({"filter": {"range": {"age": {"gt": 1, "gte": 2}}}}, 422, "one lower"),
        ({"filter": {"term": {"age": [1]}}}, 422, "string, number or boolean"),
        ({"filter": {"and": []}}, 422, "non-empty list"),
        ({"filter": {"term": {"a": 1}, "in": {"b": [1]}}}, 422, "one operator"),
        ({"class_id": "Nope"}, 404, "not found"),
        ({"offset": 9990, "limit": 20}, 400, "10000"),
        ({"limit": 0}, 422, ""),
        ({"surprise": 1}, 422, ""),
    ],
)
def test_bad_searches_are_refused_clearly(
    shop: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    result = search(shop, body, status)
    assert result["status"] == "error"
    assert words in result["message"]


def test_sorting_by_a_whole_structured_value_is_refused(demo: TestClient) -> None:
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/ontology",
        json={
            "id": "Deal",
            "properties": [
                {"name": "deal_id", "type": "string", "required": True},
                {"name": "amount", "type": "money"},
            ],
        },
    )
    for n, value in enumerate(["30 KRW", "1000 KRW", "200 KRW"]):
        amount, currency = value.split()
        wait_ok(
            demo,
            "POST",
            "/api/v1/database/demo/instances/Deal/create",
            json={"data": {"deal_id": f"d{n}", "amount": {"amount": amount, "currency": currency}}},
        )
    assert search(demo, {"class_id": "Deal", "sort": "amount"}, 400)["code"]
    ordered = search(demo, {"class_id": "Deal", "sort": "amount.amount"})
    assert ids(ordered) == ["d0", "d2", "d1"]


def test_unknown_database_and_bad_get_filter(shop: TestClient) -> None:
    assert shop.post("/api/v1/database/nope/search", json={}).status_code == 404
    bad = shop.get("/api/v1/database/demo/instances?filter={oops")
    assert bad.status_code == 400 and "not JSON" in bad.json()["message"]


def test_a_read_waits_only_as_long_as_asked(demo: TestClient) -> None:
    container_of(demo).search_projector.stop()
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "late", "name": "늦은 고객"}},
    )
    response = demo.post(f"{SEARCH}?min_position={head(demo)}&timeout=0.3", json={})
    assert response.status_code == 408
    details = response.json()["details"]
    assert details["search_position"] < details["min_position"] <= details["read_position"]
    document = demo.get(
        f"/api/v1/database/demo/instances/Customer/late?min_position={head(demo)}&timeout=0.3"
    )
    assert document.status_code == 200  # the document read model has it
