"""Class definitions and schema changes that once broke the server: each is refused with
a 4xx and writes nothing, or handled correctly."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import container_of, wait_ok

BASE = "/api/v1/database/hard"

BAD_PROPERTIES: list[dict[str, Any]] = [
    {"type": "string", "min_length": "a", "enum": ["x"]},
    {"type": "string", "pattern": "(", "enum": ["x"]},
    {"type": "string", "pattern": ["x"], "enum": ["x"]},
    {"type": "string", "pattern": "(a)\\1"},  # backreferences: not in RE2
    {"type": "array", "max_items": [{}], "min": []},
    {"type": "enum", "values": 5, "enum": ["a"]},
    {"type": "enum", "values": 5, "min": 1},
    {"type": "json", "min": {}, "max": {}},
    {"type": "json", "min": 1, "max": "a"},
    {"type": "address", "min": {"city": "a"}, "max": {"city": "b"}},
    {"type": "array", "items": "json", "min": [1], "max": ["a"]},
    {"type": "money", "currencies": 5, "min": 0},
    {"type": "phone", "default_region": ["KR"]},
    {"type": "phone", "default_region": {"a": 1}},
    {"type": "string", "min_length": 5, "max_length": 2},
    {"type": "array", "min_items": 3, "max_items": 1},
    {"type": "ip", "version": "x"},
    {"type": "decimal", "scale": "x"},
    {"type": "integer", "min": None},
]


@pytest.fixture
def hard(client: TestClient) -> TestClient:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "hard"})
    return client


def head(client: TestClient) -> int:
    return container_of(client).events.head_position()


@pytest.mark.parametrize("prop", BAD_PROPERTIES)
def test_bad_constraints_are_422_and_write_nothing(hard: TestClient, prop: dict[str, Any]) -> None:
    before = head(hard)
    definition = {"id": "A", "properties": [{"name": "p", **prop}]}
    for url in (f"{BASE}/ontology", f"{BASE}/ontology/validate"):
        r = hard.post(url, json=definition)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["details"]["errors"][0]["path"].startswith("properties[0]")
    assert head(hard) == before


def test_deeply_nested_types_are_422_and_write_nothing(hard: TestClient) -> None:
    spec: dict[str, Any] = {"type": "string"}
    for _ in range(126):
        spec = {"type": "array", "items": spec}
    before = head(hard)
    r = hard.post(f"{BASE}/ontology", json={"id": "A", "properties": [{"name": "a", **spec}]})
    assert r.status_code == 422
    wait_ok(
        hard,
        "POST",
        f"{BASE}/ontology",
        json={"id": "J", "properties": [{"name": "j", "type": "json"}]},
    )
    before = head(hard)
    deep: Any = 1
    for _ in range(100):
        deep = [deep]
    r = hard.post(f"{BASE}/instances/J/create", json={"data": {"j": deep}})
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "too_deep"
    assert head(hard) == before


def test_a_malformed_migration_is_422(hard: TestClient) -> None:
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "P", "properties": [{"name": "email"}]})
    for migration in (
        {"rename": {"email": ["x"]}},
        {"rename": {"email": {"a": 1}}},
        {"defaults": {"ghost": 1}},
        {"transform": {"mail": ["cast"]}},
        {"drop": "email"},
        {"shuffle": True},
    ):
        body = {"id": "P", "properties": [{"name": "mail"}], "migration": migration}
        r = hard.put(f"{BASE}/ontology/P?wait=true", json=body)
        assert r.status_code == 422, (migration, r.text)


def test_unique_values_follow_schema_changes(hard: TestClient) -> None:
    unique = {"id": "P", "properties": [{"name": "email", "type": "email", "unique": True}]}
    plain = {"id": "P", "properties": [{"name": "email", "type": "email"}]}
    wait_ok(hard, "POST", f"{BASE}/ontology", json=unique)
    a = {"data": {"email": "a@b.com"}, "instance_id": "A"}
    wait_ok(hard, "POST", f"{BASE}/instances/P/create", json=a)
    wait_ok(hard, "PUT", f"{BASE}/ontology/P", json=plain)  # releases A's claim
    wait_ok(hard, "DELETE", f"{BASE}/instances/P/A/delete")
    wait_ok(hard, "PUT", f"{BASE}/ontology/P", json=unique)
    b = {"data": {"email": "a@b.com"}, "instance_id": "B"}
    wait_ok(hard, "POST", f"{BASE}/instances/P/create", json=b)
    # A rename moves the claims with the values.
    renamed = {"id": "P", "properties": [{"name": "mail", "type": "email", "unique": True}]}
    wait_ok(
        hard,
        "PUT",
        f"{BASE}/ontology/P",
        json={**renamed, "migration": {"rename": {"email": "mail"}}},
    )
    c = {"data": {"mail": "a@b.com"}, "instance_id": "C"}
    r = hard.post(f"{BASE}/instances/P/create?wait=true", json=c)
    assert r.status_code == 409
    assert r.json()["details"]["conflicts"][0]["held_by"] == "P/B"
    wait_ok(hard, "DELETE", f"{BASE}/instances/P/B/delete")
    assert hard.post(f"{BASE}/instances/P/create?wait=true", json=c).status_code == 200


def test_a_parent_cannot_gain_a_field_a_subclass_declares(hard: TestClient) -> None:
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "P", "properties": []})
    child = {"id": "C", "parent_class": "P", "properties": [{"name": "x"}]}
    wait_ok(hard, "POST", f"{BASE}/ontology", json=child)
    grown = {"id": "P", "properties": [{"name": "x", "max_length": 3}]}
    r = hard.put(f"{BASE}/ontology/P?wait=true", json=grown)
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "duplicate_field"


def test_migration_defaults_may_not_link_to_missing_instances(hard: TestClient) -> None:
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "T", "properties": []})
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "S", "properties": []})
    wait_ok(hard, "POST", f"{BASE}/instances/S/create", json={"data": {}, "instance_id": "s1"})
    linked = {"id": "S", "relationships": [{"predicate": "t", "target": "T", "required": True}]}
    body = {**linked, "migration": {"defaults": {"t": "T/ghost"}}}
    r = hard.put(f"{BASE}/ontology/S?wait=true", json=body)
    assert r.status_code == 409
    assert r.json()["details"]["violations"][0]["errors"][0]["code"] == "link_target_not_found"


def test_graph_searches_stop_and_say_so(hard: TestClient) -> None:
    names = [f"K{i}" for i in range(9)]
    for name in names:
        wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": name, "properties": []})
    for name in names:
        rels = [{"predicate": f"to_{o.lower()}", "target": o} for o in names if o != name]
        wait_ok(hard, "PUT", f"{BASE}/ontology/{name}", json={"id": name, "relationships": rels})
    cycles = hard.get(f"{BASE}/ontology/circular-references?limit=50").json()["data"]
    assert cycles["count"] == 50 and cycles["truncated"] is True
    paths = hard.get(f"{BASE}/ontology/relationship-paths?start=K0&max_depth=6&limit=5").json()
    assert paths["data"]["count"] == 5 and paths["data"]["truncated"] is True
    assert all(p["length"] == 1 for p in paths["data"]["paths"])  # shortest first
