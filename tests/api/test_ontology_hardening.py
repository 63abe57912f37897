"""Class definitions and schema changes that once broke the server: each is refused with
a 4xx and writes nothing, or handled correctly."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok

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
    wait_ok(
        hard,
        "POST",
        f"{BASE}/ontology",
        json={"id": "P", "properties": [{"name": "email", "type": "string"}]},
    )
    for migration in (
        {"rename": {"email": ["x"]}},
        {"rename": {"email": {"a": 1}}},
        {"defaults": {"ghost": 1}},
        {"transform": {"mail": ["cast"]}},
        {"drop": "email"},
        {"shuffle": True},
    ):
        body = {
            "id": "P",
            "properties": [{"name": "mail", "type": "string"}],
            "migration": migration,
        }
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
    child = {"id": "C", "parent_class": "P", "properties": [{"name": "x", "type": "string"}]}
    wait_ok(hard, "POST", f"{BASE}/ontology", json=child)
    grown = {"id": "P", "properties": [{"name": "x", "type": "string", "max_length": 3}]}
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


def test_schema_changes_keep_links_pointing_at_the_right_class(hard: TestClient) -> None:
    for definition in (
        {"id": "A", "properties": []},
        {"id": "B", "parent_class": "A"},
        {"id": "Z", "properties": []},
        {"id": "T", "relationships": [{"predicate": "to", "target": "A"}]},
    ):
        wait_ok(hard, "POST", f"{BASE}/ontology", json=definition)
    for cls, iid in (("A", "a1"), ("B", "b1"), ("Z", "z1")):
        wait_ok(
            hard, "POST", f"{BASE}/instances/{cls}/create", json={"data": {}, "instance_id": iid}
        )
    t1 = {"data": {"to": "B/b1"}, "instance_id": "t1"}
    wait_ok(hard, "POST", f"{BASE}/instances/T/create", json=t1)
    retarget = {"id": "T", "relationships": [{"predicate": "to", "target": "Z"}]}
    r = hard.put(f"{BASE}/ontology/T?wait=true", json=retarget)
    assert r.status_code == 409
    assert r.json()["details"]["violations"][0]["errors"][0]["code"] == "wrong_target_class"
    orphan = hard.put(f"{BASE}/ontology/B?wait=true", json={"id": "B"})
    assert orphan.status_code == 409  # B has instances: its parent stays
    extra = {"predicate": "r", "target": "Z", "required": True}
    body = {
        "id": "T",
        "relationships": [{"predicate": "to", "target": "A"}, extra],
        "migration": {"defaults": {"r": "A/a1"}},
    }
    r = hard.put(f"{BASE}/ontology/T?wait=true", json=body)
    assert r.status_code == 409
    assert r.json()["details"]["violations"][0]["errors"][0]["code"] == "wrong_target_class"


def test_dry_runs_of_a_change_refuse_unstorable_values(hard: TestClient) -> None:
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "S", "properties": []})
    raw = b'{"id": "S", "properties": [{"name": "p", "pattern": "\\ud800"}]}'
    headers = {"content-type": "application/json"}
    for url in (f"{BASE}/ontology/validate", f"{BASE}/ontology/S/analyze"):
        r = hard.post(url, content=raw, headers=headers)
        assert r.status_code == 422, (url, r.text)


def test_reparenting_may_not_push_subclasses_past_the_depth_limit(hard: TestClient) -> None:
    for prefix in ("C", "D"):
        for i in range(20):
            parent = {"parent_class": f"{prefix}{i - 1}"} if i else {}
            wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": f"{prefix}{i}", **parent})
    r = hard.put(f"{BASE}/ontology/D0?wait=true", json={"id": "D0", "parent_class": "C19"})
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "inheritance_too_deep"
    d1 = {"data": {}, "instance_id": "d1"}
    assert hard.post(f"{BASE}/instances/D19/create?wait=true", json=d1).status_code == 200


def test_unique_items_compare_objects_whatever_their_key_order(hard: TestClient) -> None:
    pair = {
        "type": "object",
        "properties": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
    }
    prop = {"name": "pairs", "type": "array", "items": pair, "unique_items": True}
    wait_ok(hard, "POST", f"{BASE}/ontology", json={"id": "U", "properties": [prop]})
    value = [{"a": 1, "b": 2}, {"b": 2, "a": 1}]
    r = hard.post(f"{BASE}/instances/U/create?wait=true", json={"data": {"pairs": value}})
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["code"] == "unique_items"
