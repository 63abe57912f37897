"""Deciders of the OntologyClass aggregate: create, replace (with schema evolution),
partial update and delete."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain import commands as c
from spice.domain.errors import Conflict, NotFound, ValidationFailed
from spice.domain.events import ClassCreated, ClassDeleted, ClassUpdated, InstanceUpdated
from tests.unit.deciders.support import (
    CUSTOMER,
    ORDER,
    Log,
    create_class,
    customer,
    database,
    events_of,
)


@pytest.fixture
def log() -> Log:
    log = Log()
    log.given(database())
    return log


def _update(definition: dict[str, Any], **kw: Any) -> c.UpdateClass:
    return c.UpdateClass(database="shop", definition=definition, **kw)


def test_a_class_is_created_in_its_canonical_form(log: Log) -> None:
    (event,) = events_of(log.decide(create_class(CUSTOMER)))
    assert isinstance(event, ClassCreated)
    assert event.class_id == "Customer"
    definition = event.definition
    assert definition["label"] == "Customer"
    assert [p["name"] for p in definition["properties"]] == ["customer_id", "name", "email"]
    assert definition["properties"][0]["required"] is True  # a key is required
    assert (definition["title_key"], definition["metadata"]) == (None, {})


def test_seed_era_spellings_of_key_title_and_metadata(log: Log) -> None:
    sent = {
        "id": "Product",
        "primaryKey": "sku",
        "titleKey": "name",
        "metadata": {"owner": "catalogue team"},
        "properties": [{"name": "sku", "type": "string"}, {"name": "name", "type": "string"}],
    }
    (event,) = events_of(log.decide(create_class(sent)))
    assert isinstance(event, ClassCreated)
    keys = {p["name"]: p["primary_key"] for p in event.definition["properties"]}
    assert keys == {"sku": True, "name": False}
    assert event.definition["title_key"] == "name"
    assert event.definition["metadata"] == {"owner": "catalogue team"}


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"primaryKey": "nope"}, "primary_key"),
        ({"titleKey": "nope"}, "title_key"),
        ({"metadata": "not an object"}, "metadata"),
        ({"metadata": {f"k{i}": i for i in range(40)}}, "metadata"),
    ],
)
def test_bad_key_title_or_metadata_is_refused(log: Log, extra: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        log.decide(create_class({**CUSTOMER, **extra}))
    assert [e["path"] for e in info.value.errors] == [path]


def test_a_relationship_to_an_unknown_class_is_refused(log: Log) -> None:
    with pytest.raises(ValidationFailed) as info:
        log.decide(create_class(ORDER))
    assert info.value.errors[0]["code"] == "unknown_target_class"


def test_a_class_on_a_missing_database_is_not_found() -> None:
    with pytest.raises(NotFound):
        Log().decide(create_class(CUSTOMER))


def test_a_change_existing_instances_break_is_refused_with_them(log: Log) -> None:
    log.given(create_class(CUSTOMER), customer("c1"), customer("c2", "Lee"))
    stricter = {**CUSTOMER, "properties": [*CUSTOMER["properties"], _required("tier")]}
    with pytest.raises(Conflict) as info:
        log.decide(_update(stricter))
    assert info.value.details["total"] == 2
    assert {v["instance"] for v in info.value.details["violations"]} == {
        "Customer/c1",
        "Customer/c2",
    }


def test_a_migration_writes_the_migrated_values_in_the_same_command(log: Log) -> None:
    log.given(create_class(CUSTOMER), customer("c1"))
    stricter = {
        **CUSTOMER,
        "properties": [*CUSTOMER["properties"], _required("tier")],
        "migration": {"defaults": {"tier": "basic"}},
    }
    decision = log.decide(_update(stricter))
    updated, migrated = events_of(decision)
    assert isinstance(updated, ClassUpdated)
    assert updated.schema_changes["added"] == ["tier"]
    assert migrated == InstanceUpdated("Customer", "c1", {"tier": "basic"}, migration=True)
    assert decision.result["migrated_instances"] == 1


def test_a_cast_migration_converts_values_it_can(log: Log) -> None:
    log.given(
        create_class(
            {
                "id": "Item",
                "properties": [
                    {"name": "code", "type": "string", "primary_key": True},
                    {"name": "size", "type": "string"},
                ],
            }
        ),
        c.CreateInstance(database="shop", class_id="Item", data={"code": "a", "size": "12"}),
    )
    new = {
        "id": "Item",
        "properties": [
            {"name": "code", "type": "string", "primary_key": True},
            {"name": "size", "type": "integer"},
        ],
        "migration": {"transform": {"size": "cast"}},
    }
    _, migrated = events_of(log.decide(_update(new)))
    assert migrated == InstanceUpdated("Item", "a", {"size": 12}, migration=True)


def test_a_patch_changes_only_the_fields_sent(log: Log) -> None:
    log.given(create_class({**CUSTOMER, "description": "buyers"}))
    patch = c.PatchClass(database="shop", definition={"id": "Customer", "label": "고객"})
    (event,) = events_of(log.decide(patch))
    assert isinstance(event, ClassUpdated)
    assert event.definition["label"] == "고객"
    assert event.definition["description"] == "buyers"
    assert [p["name"] for p in event.definition["properties"]] == [
        "customer_id",
        "name",
        "email",
    ]
    assert event.schema_changes == {"added": [], "removed": [], "renamed": [], "changed": []}


def test_a_patch_in_seed_era_spellings_replaces_the_fields_they_name(log: Log) -> None:
    log.given(create_class({**CUSTOMER, "title_key": "customer_id"}))
    patch = c.PatchClass(database="shop", definition={"id": "Customer", "titleKey": "name"})
    (event,) = events_of(log.decide(patch))
    assert isinstance(event, ClassUpdated)
    assert event.definition["title_key"] == "name"


def test_a_patch_of_a_missing_class_is_not_found(log: Log) -> None:
    with pytest.raises(NotFound):
        log.decide(c.PatchClass(database="shop", definition={"id": "Ghost", "label": "x"}))


def test_a_class_with_instances_or_subclasses_or_referrers_is_not_deleted(log: Log) -> None:
    log.given(create_class(CUSTOMER), create_class(ORDER), customer("c1"))
    delete = c.DeleteClass(database="shop", class_id="Customer")
    with pytest.raises(Conflict, match="target of relationships"):
        log.decide(delete)
    log.given(c.DeleteClass(database="shop", class_id="Order"))
    with pytest.raises(Conflict, match="still has instances"):
        log.decide(delete)
    log.given(c.DeleteInstance(database="shop", class_id="Customer", instance_id="c1"))
    assert events_of(log.decide(delete)) == [ClassDeleted("Customer")]


def _required(name: str) -> dict[str, Any]:
    return {"name": name, "type": "string", "required": True}
