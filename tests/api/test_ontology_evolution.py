"""Inheritance, relationships and schema evolution through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import container_of, wait_ok

BASE = "/api/v1/database/lab"


def setup(client: TestClient, *classes: dict[str, Any]) -> None:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "lab"})
    for definition in classes:
        wait_ok(client, "POST", f"{BASE}/ontology", json=definition)


def create(client: TestClient, cls: str, data: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/instances/{cls}/create?wait=true", json={"data": data})


def update_class(client: TestClient, definition: dict[str, Any]) -> Any:
    return client.put(f"{BASE}/ontology/{definition['id']}?wait=true", json=definition)


ITEM = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "primary_key": True},
        {"name": "size", "type": "string"},
    ],
}


def test_subclasses_inherit_and_parents_list_them(client: TestClient) -> None:
    party = {"id": "Party", "properties": [{"name": "name", "type": "string", "required": True}]}
    person = {
        "id": "Person",
        "parent_class": "Party",
        "properties": [{"name": "email", "type": "email"}],
    }
    setup(client, party, person)
    assert create(client, "Person", {"email": "x@example.com"}).status_code == 422  # name
    assert create(client, "Person", {"name": "Kim", "email": "x@example.com"}).status_code == 200
    assert create(client, "Party", {"name": "Acme"}).status_code == 200
    listed = client.get(f"{BASE}/instances/Party").json()["data"]
    assert sorted(i["class_id"] for i in listed["instances"]) == ["Party", "Person"]
    again = {
        "id": "Robot",
        "parent_class": "Party",
        "properties": [{"name": "name", "type": "string"}],
    }
    redefined = client.post(f"{BASE}/ontology", json=again)
    assert redefined.status_code == 422
    assert redefined.json()["details"]["errors"][0]["code"] == "duplicate_field"
    cycle = {**party, "parent_class": "Person"}
    assert update_class(client, cycle).status_code == 422
    assert client.delete(f"{BASE}/ontology/Party?wait=true").status_code == 409


def test_one_to_one_targets_take_one_source_and_links_read_both_ways(client: TestClient) -> None:
    desk = {"id": "Desk", "properties": [{"name": "desk_id", "type": "string"}]}
    worker = {
        "id": "Worker",
        "properties": [{"name": "worker_id", "type": "string"}],
        "relationships": [
            {"predicate": "sits_at", "target": "Desk", "cardinality": "1:1", "inverse": "seat_of"},
            {"predicate": "knows", "target": "Worker", "cardinality": "n:n"},
        ],
    }
    setup(client, desk, worker)
    assert create(client, "Desk", {"desk_id": "d1"}).status_code == 200
    assert create(client, "Worker", {"worker_id": "w1", "sits_at": "Desk/d1"}).status_code == 200
    second = create(client, "Worker", {"worker_id": "w2", "sits_at": "d1"})
    assert second.status_code == 409
    assert second.json()["details"]["conflicts"][0]["held_by"] == "Worker/w1"
    assert create(client, "Worker", {"worker_id": "w3", "sits_at": ["d1"]}).status_code == 422
    assert create(client, "Worker", {"worker_id": "w2", "knows": ["w1"]}).status_code == 200
    referenced = client.delete(f"{BASE}/ontology/Desk?wait=true")
    assert referenced.status_code == 409
    assert referenced.json()["details"]["referenced_by"] == ["Worker"]
    links = client.get(f"{BASE}/instances/Desk/d1/links").json()["data"]
    assert links["incoming"] == [{"predicate": "seat_of", "via": "sits_at", "source": "Worker/w1"}]
    w1 = client.get(f"{BASE}/instances/Worker/w1/links").json()["data"]
    assert w1["outgoing"] == [{"predicate": "sits_at", "target": "Desk/d1"}]
    assert w1["incoming"] == [{"predicate": "^knows", "via": "knows", "source": "Worker/w2"}]


def test_cycles_and_paths_between_classes(client: TestClient) -> None:
    a = {"id": "A", "properties": []}
    b = {"id": "B", "relationships": [{"predicate": "to_a", "target": "A", "required": True}]}
    setup(client, a, b)
    a_to_b = {"id": "A", "relationships": [{"predicate": "to_b", "target": "B", "required": True}]}
    assert update_class(client, a_to_b).status_code == 200
    cycles = client.get(f"{BASE}/ontology/circular-references").json()["data"]["cycles"]
    assert cycles == [
        {
            "classes": ["A", "B", "A"],
            "predicates": ["to_b", "to_a"],
            "all_required": True,
            "length": 2,
        }
    ]
    paths = client.get(f"{BASE}/ontology/relationship-paths?start=B&end=A").json()["data"]
    assert paths["paths"][0]["steps"] == [
        {"from": "B", "predicate": "to_a", "to": "A", "direction": "out"}
    ]
    assert paths["count"] == 2  # forward, and back through A.to_b's inverse
    missing = client.get(f"{BASE}/ontology/relationship-paths?start=Nope")
    assert missing.status_code == 404


def test_a_change_existing_data_breaks_is_409_listing_the_instances(client: TestClient) -> None:
    setup(client, ITEM)
    for i in range(3):
        assert create(client, "Item", {"item_id": f"i{i}", "size": str(i)}).status_code == 200
    events_before = container_of(client).events.head_position()
    required = {
        **ITEM,
        "properties": [
            *ITEM["properties"],
            {"name": "weight", "type": "integer", "required": True},
        ],
    }
    refused = update_class(client, required)
    assert refused.status_code == 409
    details = refused.json()["details"]
    assert details["total"] == 3 and details["checked"] == 3
    assert {v["instance"] for v in details["violations"]} == {"Item/i0", "Item/i1", "Item/i2"}
    assert details["violations"][0]["errors"][0]["code"] == "required"
    assert container_of(client).events.head_position() == events_before  # refused up front
    stored = client.get(f"{BASE}/ontology/Item").json()["data"]["properties"]
    assert [p["name"] for p in stored] == ["item_id", "size"]
    paged = client.post(f"{BASE}/ontology/Item/analyze?offset=1&limit=1", json=required).json()
    assert paged["data"]["impact"]["violations"]["total"] == 3
    assert len(paged["data"]["impact"]["violations"]["items"]) == 1
    migrated = update_class(client, {**required, "migration": {"defaults": {"weight": 7}}})
    assert migrated.status_code == 200, migrated.text
    assert migrated.json()["data"]["result"]["migrated_instances"] == 3
    assert migrated.json()["data"]["result"]["schema_changes"] == {
        "added": ["weight"],
        "removed": [],
        "renamed": [],
        "changed": [],
    }
    assert client.get(f"{BASE}/instances/Item/i1").json()["data"]["data"]["weight"] == 7


def test_type_change_rename_and_drop_need_a_migration(client: TestClient) -> None:
    setup(client, ITEM)
    assert create(client, "Item", {"item_id": "a", "size": "42"}).status_code == 200
    assert create(client, "Item", {"item_id": "b", "size": "large"}).status_code == 200
    as_int = {**ITEM, "properties": [ITEM["properties"][0], {"name": "size", "type": "integer"}]}
    refused = update_class(client, as_int)
    assert refused.status_code == 409
    assert [v["instance"] for v in refused.json()["details"]["violations"]] == ["Item/b"]
    cast = update_class(client, {**as_int, "migration": {"transform": {"size": "null_if_invalid"}}})
    assert cast.status_code == 200, cast.text
    assert client.get(f"{BASE}/instances/Item/a").json()["data"]["data"]["size"] == 42
    assert "size" not in client.get(f"{BASE}/instances/Item/b").json()["data"]["data"]
    renamed = {**ITEM, "properties": [ITEM["properties"][0], {"name": "length", "type": "integer"}]}
    assert update_class(client, renamed).status_code == 409  # "size" would be orphaned
    ok = update_class(client, {**renamed, "migration": {"rename": {"size": "length"}}})
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["result"]["schema_changes"]["renamed"] == [
        {"from": "size", "to": "length"}
    ]
    assert client.get(f"{BASE}/instances/Item/a").json()["data"]["data"] == {
        "item_id": "a",
        "length": 42,
    }
    bare = {**ITEM, "properties": [ITEM["properties"][0]]}
    assert update_class(client, bare).status_code == 409
    assert update_class(client, {**bare, "migration": {"drop": ["length"]}}).status_code == 200
    assert client.get(f"{BASE}/instances/Item/a").json()["data"]["data"] == {"item_id": "a"}


def test_making_a_property_unique_checks_existing_values(client: TestClient) -> None:
    setup(client, ITEM)
    for iid in ("a", "b"):
        assert create(client, "Item", {"item_id": iid, "size": "M"}).status_code == 200
    unique = {
        **ITEM,
        "properties": [ITEM["properties"][0], {"name": "size", "type": "string", "unique": True}],
    }
    refused = update_class(client, unique)
    assert refused.status_code == 409
    assert refused.json()["details"]["violations"][0]["errors"][0]["code"] == "unique"
    wait_ok(client, "PUT", f"{BASE}/instances/Item/b/update", json={"data": {"size": "L"}})
    assert update_class(client, unique).status_code == 200
    assert create(client, "Item", {"item_id": "c", "size": "M"}).status_code == 409


def test_a_class_with_instances_cannot_be_deleted(client: TestClient) -> None:
    setup(client, ITEM)
    assert create(client, "Item", {"item_id": "a"}).status_code == 200
    refused = client.delete(f"{BASE}/ontology/Item?wait=true")
    assert refused.status_code == 409
    assert refused.json()["details"]["instances"] == ["a"]
    wait_ok(client, "DELETE", f"{BASE}/instances/Item/a/delete")
    assert client.delete(f"{BASE}/ontology/Item?wait=true").status_code == 200


def test_links_may_point_at_subclass_instances_only(client: TestClient) -> None:
    animal = {"id": "Animal", "properties": [{"name": "animal_id", "type": "string"}]}
    dog = {"id": "Dog", "parent_class": "Animal"}
    rock = {"id": "Rock", "properties": [{"name": "rock_id", "type": "string"}]}
    owner = {
        "id": "Owner",
        "properties": [{"name": "owner_id", "type": "string"}],
        "relationships": [{"predicate": "pet", "target": "Animal", "cardinality": "n:1"}],
    }
    setup(client, animal, dog, rock, owner)
    rex = {"data": {"animal_id": "rex"}, "instance_id": "rex"}
    assert client.post(f"{BASE}/instances/Dog/create?wait=true", json=rex).status_code == 200
    assert create(client, "Rock", {"rock_id": "r1"}).status_code == 200
    assert create(client, "Owner", {"owner_id": "o1", "pet": "Dog/rex"}).status_code == 200
    wrong = create(client, "Owner", {"owner_id": "o2", "pet": "Rock/r1"})
    assert wrong.status_code == 422
    assert wrong.json()["details"]["errors"][0]["code"] == "wrong_target_class"
    ghost = create(client, "Owner", {"owner_id": "o3", "pet": "Dog/ghost"})
    assert ghost.status_code == 422
    assert ghost.json()["details"]["errors"][0]["code"] == "link_target_not_found"
    links = client.get(f"{BASE}/instances/Dog/rex/links").json()["data"]
    assert links["incoming"] == [{"predicate": "^pet", "via": "pet", "source": "Owner/o1"}]
