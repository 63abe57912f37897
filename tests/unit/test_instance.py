"""Validating instance payloads against a class, and deriving instance ids."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.errors import ValidationFailed
from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.instances import derive_instance_id, validate_instance
from spice.domain.ontology.model import OntologyClass

ORDER = OntologyClass.of(
    parse_class(
        {
            "id": "Order",
            "properties": [
                {"name": "order_id", "type": "string", "required": True},
                {"name": "quantity", "type": "integer", "required": True},
                {"name": "total", "type": "decimal"},
                {"name": "paid", "type": "boolean"},
                {"name": "placed_on", "type": "date"},
            ],
            "relationships": [
                {"predicate": "customer", "target": "Customer", "cardinality": "n:1"},
                {"predicate": "items", "target": "Product", "cardinality": "n:n"},
                {
                    "predicate": "invoice",
                    "target": "Invoice",
                    "cardinality": "1:1",
                    "required": True,
                },
            ],
        }
    )
)
VALID = {"order_id": "o1", "quantity": 2, "invoice": "i1"}


def errors_of(data: Any, partial: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as info:
        validate_instance(ORDER, data, partial=partial)
    for entry in info.value.errors:
        assert set(entry) == {"path", "code", "message", "value"}
    return [(e["path"], e["code"]) for e in info.value.errors]


def test_valid_instance_is_normalised() -> None:
    result = validate_instance(
        ORDER,
        {**VALID, "quantity": "3", "total": "10.50", "paid": "true", "placed_on": "2024-01-05"},
    )
    assert result == {
        "order_id": "o1",
        "quantity": 3,
        "total": "10.5",
        "paid": True,
        "placed_on": "2024-01-05",
        "invoice": "Invoice/i1",
    }


def test_unknown_property() -> None:
    assert errors_of({**VALID, "colour": "red"}) == [("colour", "unknown_property")]


def test_required_fields_missing() -> None:
    assert errors_of({"order_id": "o1"}) == [("quantity", "required"), ("invoice", "required")]


def test_required_field_set_to_null_is_reported_once() -> None:
    assert errors_of({**VALID, "quantity": None}) == [("quantity", "required")]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("quantity", "two", "invalid_integer"),
        ("quantity", True, "invalid_integer"),
        ("total", "ten", "invalid_decimal"),
        ("paid", "yes", "invalid_boolean"),
        ("placed_on", "2024-02-30", "invalid_date"),
        ("order_id", 17, "invalid_string"),
    ],
)
def test_type_errors(field: str, value: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_instance(ORDER, {**VALID, field: value})
    [error] = info.value.errors
    assert (error["path"], error["code"], error["value"]) == (field, code, value)


def test_all_errors_are_reported_at_once() -> None:
    assert errors_of({"quantity": "x", "bogus": 1}) == [
        ("quantity", "invalid_integer"),
        ("bogus", "unknown_property"),
        ("order_id", "required"),
        ("invoice", "required"),
    ]


def test_non_object_data_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        validate_instance(ORDER, ["o1"])


@pytest.mark.parametrize("value", ["Customer/c1", "c1"])
def test_link_forms_are_normalised(value: str) -> None:
    result = validate_instance(ORDER, {**VALID, "customer": value})
    assert result["customer"] == "Customer/c1"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("bad class/c1", "invalid_reference"),
        ("Customer/", "invalid_reference"),
        ("Customer/bad id", "invalid_reference"),
        ("", "invalid_reference"),
        (7, "invalid_reference"),
    ],
)
def test_bad_links(value: Any, code: str) -> None:
    assert errors_of({**VALID, "customer": value}) == [("customer", code)]


def test_single_cardinality_refuses_a_list() -> None:
    assert errors_of({**VALID, "customer": ["c1"]}) == [("customer", "cardinality")]
    assert errors_of({**VALID, "invoice": ["i1", "i2"]}) == [("invoice", "cardinality")]


def test_many_cardinality_accepts_a_list() -> None:
    result = validate_instance(ORDER, {**VALID, "items": ["p1", "Product/p2", "Product/p1"]})
    assert result["items"] == ["Product/p1", "Product/p2"]
    assert validate_instance(ORDER, {**VALID, "items": "p3"})["items"] == ["Product/p3"]


def test_many_cardinality_reports_the_bad_item() -> None:
    assert errors_of({**VALID, "items": ["p1", "Product/bad id"]}) == [
        ("items[1]", "invalid_reference")
    ]


def test_links_to_another_class_are_left_to_the_handler() -> None:
    """Whether `Other` extends the target needs the ontology: the handler checks it."""
    result = validate_instance(ORDER, {**VALID, "customer": "Vip/c1"})
    assert result["customer"] == "Vip/c1"


def test_partial_update_allows_null_for_optional_fields() -> None:
    result = validate_instance(ORDER, {"total": None, "customer": None}, partial=True)
    assert result == {"total": None, "customer": None}


def test_partial_update_does_not_require_missing_fields() -> None:
    assert validate_instance(ORDER, {"paid": False}, partial=True) == {"paid": False}


def test_partial_update_refuses_null_for_required_fields() -> None:
    assert errors_of({"quantity": None, "invoice": None}, partial=True) == [
        ("quantity", "required"),
        ("invoice", "required"),
    ]


def test_full_validation_drops_null_optional_fields() -> None:
    assert "total" not in validate_instance(ORDER, {**VALID, "total": None})


# --- derive_instance_id ---------------------------------------------------------------------


def definition(*properties: dict[str, Any]) -> OntologyClass:
    return OntologyClass.of(parse_class({"id": "Customer", "properties": list(properties)}))


def test_id_from_primary_key() -> None:
    customer = definition(
        {"name": "customer_id", "type": "string"},
        {"name": "email", "type": "string", "primary_key": True},
        {"name": "name", "type": "string"},
    )
    assert derive_instance_id(customer, {"customer_id": "c1", "email": "a@x.io"}) == "a@x.io"


def test_id_from_composite_primary_key() -> None:
    customer = definition(
        {"name": "region", "type": "string", "primary_key": True},
        {"name": "number", "type": "string", "primary_key": True},
    )
    assert derive_instance_id(customer, {"region": "eu", "number": 7}) == "eu_7"
    assert derive_instance_id(customer, {"region": "eu"}) is None


def test_id_from_class_id_convention() -> None:
    customer = definition(
        {"name": "name", "type": "string"}, {"name": "customer_id", "type": "string"}
    )
    assert derive_instance_id(customer, {"customer_id": "c42", "name": "Ann"}) == "c42"


@pytest.mark.parametrize("data", [{}, {"customer_id": None}, {"customer_id": ""}])
def test_no_id_when_the_key_is_missing(data: dict[str, Any]) -> None:
    customer = definition({"name": "customer_id", "type": "string"})
    assert derive_instance_id(customer, data) is None


def test_no_id_without_a_key_property() -> None:
    assert (
        derive_instance_id(
            definition({"name": "name", "type": "string"}), {"name": "Ann", "type": "string"}
        )
        is None
    )
