"""Mapping specs: what a spec may say (refusals name the field), the transforms a cell goes
through, the ids imported rows get, and the order sources load in."""

from __future__ import annotations

from typing import Any

import pytest

from spice.application.datasets.plans import dependency_order
from spice.domain import names
from spice.domain.errors import ValidationFailed
from spice.domain.mapping_spec import FieldMap, MappingSpec, SourceMap
from spice.domain.mappings import CellError, apply_transforms, cell_value, import_id, parse_spec
from spice.domain.ontology.classes import parse_class

SOURCE = {
    "dataset": "orders",
    "class_id": "Order",
    "key": ["order_id"],
    "properties": [{"property": "order_id", "column": "order_id"}],
}


def _errors(spec: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_spec(spec, parse_class)
    return [(e["path"], e["code"]) for e in caught.value.errors]


def test_a_spec_keeps_what_it_says_and_fills_defaults() -> None:
    spec = parse_spec({"sources": [SOURCE]}, parse_class)
    assert spec["classes"] == []
    (source,) = spec["sources"]
    assert source["properties"] == [
        {"property": "order_id", "columns": ["order_id"], "transforms": []}
    ]
    assert source["links"] == [] and source["key"] == ["order_id"]


def test_the_typed_spec_gives_the_stored_form_back_key_for_key() -> None:
    raw = {
        "description": "orders and their lines",
        "classes": [{"id": "Order", "properties": [{"name": "order_id", "type": "string"}]}],
        "sources": [
            {**SOURCE, "version": 2, "table": "orders"},
            {
                "dataset": "lines",
                "class_id": "Line",
                "key": ["line"],
                "properties": [
                    {"property": "line", "columns": ["order_id", "no"], "separator": "-"},
                    {
                        "property": "qty",
                        "column": "qty",
                        "transforms": ["trim", {"op": "cast", "to": "integer"}],
                    },
                ],
                "links": [{"predicate": "order", "column": "order_id", "target": "Order"}],
            },
        ],
    }
    stored = parse_spec(raw, parse_class)
    typed = MappingSpec.of(stored)
    assert typed.canonical() == stored
    orders, lines = typed.sources
    assert (orders.version, orders.table, lines.version, lines.table) == (2, "orders", None, None)
    line, qty = lines.properties
    assert (line.columns, line.separator) == (("order_id", "no"), "-")
    assert qty.transforms == ({"op": "trim"}, {"op": "cast", "to": "integer"})
    assert [(f.name, f.target) for f in lines.fields] == [
        ("line", None),
        ("qty", None),
        ("order", "Order"),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"key": ["nope"]}, ("sources[0].key", "invalid_key")),
        ({"dataset": "no spaces"}, ("sources[0].dataset", "invalid_identifier")),
        ({"version": 0}, ("sources[0].version", "type")),
        (
            {"properties": [{"property": "x", "column": "x", "transforms": [{"op": "shout"}]}]},
            ("sources[0].properties[0].transforms[0]", "unknown_transform"),
        ),
        (
            {
                "properties": [
                    {"property": "x", "column": "x", "transforms": [{"op": "cast", "to": "money"}]}
                ]
            },
            ("sources[0].properties[0].transforms[0].to", "invalid_transform"),
        ),
        (
            {
                "properties": [
                    {"property": "x", "column": "x", "transforms": [{"op": "parse", "as": "text"}]}
                ]
            },
            ("sources[0].properties[0].transforms[0].as", "invalid_transform"),
        ),
        ({"properties": [{"property": "x"}]}, ("sources[0].properties[0]", "invalid_columns")),
        (
            {"links": [{"predicate": "to", "column": "c"}]},
            ("sources[0].links[0].target", "invalid_identifier"),
        ),
    ],
)
def test_a_bad_source_is_refused_naming_the_field(
    change: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert expected in _errors({"sources": [{**SOURCE, **change}]})


def test_a_spec_needs_sources_and_valid_classes_and_nothing_else() -> None:
    found = _errors({"sources": [], "classes": [{"id": "1bad"}], "extra": 1})
    assert ("sources", "required") in found
    assert ("classes[0].id", "invalid_identifier") in found
    assert ("extra", "unknown_field") in found
    assert _errors([1]) == [("spec", "type")]


@pytest.mark.parametrize(
    ("value", "parse", "expected"),
    [
        ("₩1,200", {"as": "money"}, "1200 KRW"),
        ("1,200원", {"as": "money"}, "1200 KRW"),
        ("$12.50", {"as": "money"}, "12.50 USD"),
        ("3,000", {"as": "money", "currency": "EUR"}, "3000 EUR"),
        ("(1,234.5)", {"as": "decimal"}, "-1234.5"),
        ("3,5", {"as": "decimal"}, "3.5"),
        ("12,345", {"as": "integer"}, "12345"),
        ("예", {"as": "boolean"}, True),
        ("N", {"as": "boolean"}, False),
        ("maybe", {"as": "boolean"}, "maybe"),
        ("2024년 3월 5일", {"as": "date"}, "2024-03-05"),
        ("2024.03.05", {"as": "date"}, "2024-03-05"),
        ("2024年3月5日", {"as": "date"}, "2024-03-05"),
        ("05/03/2024", {"as": "date", "format": "DD/MM/YYYY"}, "2024-03-05"),
        ("05/03/2024", {"as": "date", "format": "MM/DD/YYYY"}, "2024-05-03"),
        ("2025-07-30 17:22", {"as": "datetime", "timezone": "+09:00"}, "2025-07-30T17:22+09:00"),
        ("2025-07-30T17:22:00Z", {"as": "datetime", "timezone": "+09:00"}, "2025-07-30T17:22:00Z"),
        ("(37.5, 127.0)", {"as": "coordinate"}, "37.5, 127.0"),
    ],
)
def test_parse_reads_the_forms_inference_accepts(
    value: str, parse: dict[str, Any], expected: Any
) -> None:
    assert apply_transforms(value, [{"op": "parse", **parse}]) == expected


def test_transforms_apply_in_order() -> None:
    steps = [
        {"op": "trim"},
        {"op": "null_if", "values": ["-", "N/A"]},
        {"op": "default", "value": "none"},
        {"op": "upper"},
    ]
    assert apply_transforms("  N/A ", steps) == "NONE"
    assert apply_transforms(" a ", steps) == "A"
    assert apply_transforms("a; b;;c", [{"op": "split", "separator": ";"}]) == ["a", "b", "c"]
    assert (
        apply_transforms("a-b", [{"op": "replace", "old": "-", "new": "/"}, {"op": "lower"}])
        == "a/b"
    )
    assert (
        apply_transforms("05.03.2024", [{"op": "parse_date", "format": "%d.%m.%Y"}]) == "2024-03-05"
    )
    assert apply_transforms(" 7 ", [{"op": "cast", "to": "integer"}]) == 7
    assert apply_transforms("yes", [{"op": "cast", "to": "boolean"}]) is True


@pytest.mark.parametrize(
    ("value", "transform"),
    [
        ("5 March", {"op": "parse_date", "format": "%Y-%m-%d"}),
        ("seven", {"op": "cast", "to": "integer"}),
        ("1.2.3", {"op": "cast", "to": "decimal"}),
        ("perhaps", {"op": "cast", "to": "boolean"}),
    ],
)
def test_a_cell_a_transform_cannot_read_is_an_error(value: str, transform: dict[str, Any]) -> None:
    with pytest.raises(CellError):
        apply_transforms(value, [transform])


def test_columns_join_into_one_value() -> None:
    row = ["ORD-1", None, "3"]
    joined = FieldMap("order", ("a", "b"), (), separator="#")
    plain = FieldMap("order", ("a", "b"), ())
    assert cell_value(row, [0, 2], joined) == "ORD-1#3"
    assert cell_value(row, [0, 1], plain) == "ORD-1_"
    assert cell_value([None, None], [0, 1], plain) is None


def test_imported_ids_are_valid_and_keep_distinct_keys_apart() -> None:
    assert import_id(["ORD-1", 3]) == "ORD-1_3"
    korean = [import_id(["서울"]), import_id(["부산"]), import_id(["a b"]), import_id(["a_b"])]
    assert len(set(korean)) == 4
    for made in [*korean, import_id(["-x"]), import_id(["x" * 300])]:
        assert names.INSTANCE_ID.fullmatch(made), made


def test_sources_load_after_the_classes_they_link_to() -> None:
    def source(cls: str, *targets: str) -> SourceMap:
        links = tuple(FieldMap(t.lower(), ("c",), (), target=t) for t in targets)
        return SourceMap("data", cls, (), (), links)

    sources = [
        source("Item", "Order", "Sku"),
        source("Order", "Client"),
        source("Sku"),
        source("Client"),
    ]
    order = [sources[i].class_id for i in dependency_order(sources)]
    assert order.index("Client") < order.index("Order") < order.index("Item")
    assert order.index("Sku") < order.index("Item")
    cycle = [source("A", "B"), source("B", "A")]
    assert sorted(dependency_order(cycle)) == [0, 1]
