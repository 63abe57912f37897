"""The typed ontology: a canonical class definition read into frozen values and given
back key for key, and the API's class bodies documented by those types."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.model import OntologyClass, Property, Relationship

DEFINITIONS: list[dict[str, Any]] = [
    {
        "id": "Order",
        "label": {"en": "Order", "ko": "주문"},
        "properties": [
            {"name": "order_id", "type": "string", "primary_key": True},
            {"name": "tags", "type": "array", "items": {"type": "string", "max_length": 20}},
            {"name": "amount", "type": "money", "currencies": ["KRW", "USD"]},
            {"name": "status", "type": "enum", "values": ["NEW", "SHIPPED"], "default": "NEW"},
            {
                "name": "address",
                "type": "object",
                "properties": [{"name": "city", "type": "string", "required": True}],
            },
        ],
        "relationships": [
            {"predicate": "client", "target": "Client", "inverse": "orders", "required": True},
            {"predicate": "lines", "target": "Line", "cardinality": "one_to_many"},
        ],
        "title_key": "order_id",
        "metadata": {"owner": "ops"},
    },
    {"id": "Express", "parent_class": "Order", "description": "fast orders"},
]


@pytest.mark.parametrize("payload", DEFINITIONS, ids=lambda d: d["id"])
def test_a_canonical_definition_reads_into_values_and_back_key_for_key(
    payload: dict[str, Any],
) -> None:
    canonical = parse_class(payload)
    typed = OntologyClass.of(canonical)
    assert typed.canonical() == canonical
    assert json.dumps(typed.canonical()) == json.dumps(canonical)  # the same key order
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.id = "Other"  # type: ignore[misc]


def test_the_values_answer_what_readers_ask() -> None:
    typed = OntologyClass.of(parse_class(DEFINITIONS[0]))
    assert typed.key == ("order_id",)
    assert typed.field_names[-2:] == ("client", "lines")
    amount = typed.property("amount")
    assert isinstance(amount, Property) and amount.constraints["currencies"] == ["KRW", "USD"]
    assert typed.property("missing") is None
    client, lines = typed.relationships
    assert isinstance(client, Relationship) and client.single and client.inverse == "orders"
    assert lines.cardinality == "1:n" and not lines.single


def test_class_bodies_in_the_openapi_document_are_the_typed_ontology(
    tmp_path: Path,
) -> None:
    from spice.bootstrap.settings import Settings
    from spice.entrypoints.api.app import create_app

    schemas = create_app(Settings(data_dir=tmp_path)).openapi()["components"]["schemas"]
    prop = schemas["Property"]
    assert set(prop["required"]) == {f.name for f in dataclasses.fields(Property)}
    assert prop["properties"]["constraints"]["type"] == "object"
    shown = schemas["ClassPublic"]["properties"]
    assert shown["properties"]["items"] == {"$ref": "#/components/schemas/Property"}
    assert shown["relationships"]["items"] == {"$ref": "#/components/schemas/Relationship"}
    cardinality = schemas["Relationship"]["properties"]["cardinality"]
    assert cardinality["enum"] == ["1:1", "n:1", "1:n", "n:n"]
