"""Parsing class definitions: canonical form and field-level errors."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.errors import ValidationFailed
from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.model import OntologyClass


def errors_of(payload: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationFailed) as info:
        parse_class(payload)
    errors = info.value.errors
    assert errors == info.value.details["errors"]
    for entry in errors:
        assert set(entry) == {"path", "code", "message", "value"}
        assert isinstance(entry["message"], str) and entry["message"]
    return errors


def codes(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["path"], e["code"]) for e in errors]


def test_parse_class_returns_the_canonical_form() -> None:
    parsed = parse_class(
        {
            "id": "Order",
            "properties": [
                {"name": "order_id", "type": "xsd:string", "primary_key": True, "required": True},
                {"name": "total", "type": "xsd:decimal", "label": {"en": "Total", "ko": "합계"}},
                {"name": "note", "type": "text"},
            ],
            "relationships": [
                {"predicate": "placed_by", "target": "@Customer"},
                {"predicate": "items", "target_class": "Item", "cardinality": "1:n"},
            ],
        }
    )
    assert parsed["id"] == "Order"
    assert parsed["label"] == "Order"
    assert parsed["parent_class"] is None
    assert [(p["name"], p["type"]) for p in parsed["properties"]] == [
        ("order_id", "string"),
        ("total", "decimal"),
        ("note", "text"),
    ]
    assert parsed["properties"][0]["primary_key"] is True
    assert parsed["properties"][2]["required"] is False
    assert parsed["properties"][1]["label"] == {"en": "Total", "ko": "합계"}
    assert [(r["predicate"], r["target"], r["cardinality"]) for r in parsed["relationships"]] == [
        ("placed_by", "Customer", "n:1"),
        ("items", "Item", "1:n"),
    ]
    assert OntologyClass.of(parsed).referenced_classes() == {"Customer", "Item"}


def test_parsing_is_stable() -> None:
    parsed = parse_class({"id": "Tag", "properties": [{"name": "name", "type": "str"}]})
    assert parse_class(parsed) == parsed


@pytest.mark.parametrize("bad_id", ["1Order", "Order-Line", "", None, 42])
def test_bad_class_id(bad_id: Any) -> None:
    [error] = errors_of({"id": bad_id, "properties": []})
    assert (error["path"], error["code"], error["value"]) == ("id", "invalid_identifier", bad_id)


def test_unknown_property_type() -> None:
    [error] = errors_of(
        {
            "id": "A",
            "properties": [{"name": "x", "type": "string"}, {"name": "y", "type": "quaternion"}],
        }
    )
    assert (error["path"], error["code"], error["value"]) == (
        "properties[1].type",
        "unknown_type",
        "quaternion",
    )


def test_bad_cardinality() -> None:
    [error] = errors_of(
        {"id": "A", "relationships": [{"predicate": "r", "target": "B", "cardinality": "many"}]}
    )
    assert (error["path"], error["code"], error["value"]) == (
        "relationships[0].cardinality",
        "invalid_cardinality",
        "many",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {
            "id": "A",
            "properties": [{"name": "x", "type": "string"}, {"name": "x", "type": "integer"}],
        },
        {
            "id": "A",
            "properties": [{"name": "x", "type": "string"}],
            "relationships": [{"predicate": "x", "target": "B"}],
        },
    ],
    ids=["two-properties", "property-and-relationship"],
)
def test_duplicate_field_names(payload: dict[str, Any]) -> None:
    [error] = errors_of(payload)
    assert (error["path"], error["code"], error["value"]) == ("x", "duplicate_field", "x")


def test_all_errors_are_reported_at_once() -> None:
    errors = errors_of(
        {
            "id": "9bad",
            "properties": [
                {"name": "bad name", "type": "string"},
                {"name": "ok", "type": "string", "required": "yes"},
            ],
            "relationships": [{"predicate": "r", "target": "not a class"}],
            "parent_class": "",
        }
    )
    assert codes(errors) == [
        ("id", "invalid_identifier"),
        ("properties[0].name", "invalid_identifier"),
        ("properties[1].required", "invalid_flag"),
        ("relationships[0].target", "invalid_identifier"),
        ("parent_class", "invalid_identifier"),
    ]


@pytest.mark.parametrize(
    "payload",
    [
        "Order",
        {"id": "A", "properties": "x"},
        {"id": "A", "properties": ["x"]},
        {"id": "A", "relationships": [{"predicate": "r"}]},
        {"id": "A", "label": 5},
    ],
    ids=["not-an-object", "properties-not-list", "property-not-object", "no-target", "label"],
)
def test_other_malformed_definitions(payload: Any) -> None:
    with pytest.raises(ValidationFailed):
        parse_class(payload)


def test_relationship_flags_must_be_booleans() -> None:
    [error] = errors_of(
        {"id": "A", "relationships": [{"predicate": "r", "target": "B", "required": "false"}]}
    )
    assert (error["path"], error["code"]) == ("relationships[0].required", "invalid_flag")
