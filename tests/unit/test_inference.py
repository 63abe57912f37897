"""Type inference against the labelled set (tests/data/inference/labels.json), the flags it
raises, primary keys, and links between the synthetic 3PL tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spice.application.datasets.files import Table, read_file, table_of
from spice.application.datasets.inference import infer_column, infer_table
from spice.application.datasets.suggest import (
    class_id,
    find_links,
    property_name,
    romanized,
    suggest_class,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "inference"
SHARED = Path(__file__).resolve().parents[1] / "data" / "datasets"  # copied from the shared set
LABELS: dict[str, dict[str, str]] = json.loads((DATA / "labels.json").read_text())["files"]


def _table(relative: str) -> Table:
    path = DATA / relative if (DATA / relative).exists() else SHARED / relative
    return read_file(path.name, path.read_bytes()).tables[0]


def test_inference_meets_the_labelled_set() -> None:
    wrong, total = [], 0
    for relative, expected in LABELS.items():
        inferred = {c["name"]: c for c in infer_table(_table(relative))["columns"]}
        for column, kind in expected.items():
            total += 1
            if inferred[column]["type"] != kind:
                wrong.append((relative, column, kind, inferred[column]["type"]))
    assert total == 116
    assert len(wrong) / total <= 0.05, wrong  # the aim: at least 95% of columns right


def _guess(name: str, values: list[str | None]) -> dict[str, Any]:
    return infer_column(name, values).public()


def test_flags_say_what_is_risky() -> None:
    ambiguous = _guess("day", ["01/02/2024", "03/04/2024", "05/06/2024"])
    assert ambiguous["type"] == "date" and "ambiguous_date_format" in ambiguous["flags"]
    day_first = _guess("day", ["13/02/2024", "03/04/2024"])
    assert day_first["params"] == {"format": "DD/MM/YYYY"} and not day_first["flags"]
    sparse = _guess("note", ["a", None, None, None])
    assert "high_null_ratio" in sparse["flags"]
    mixed = _guess("qty", ["1", "2", "3", "4", "5", "6", "seven", "8", "n/a", "10"])
    assert mixed["type"] == "string" and "mixed_numeric_values" in mixed["flags"]
    codes = _guess("zip", ["01234", "12345", "00999"])
    assert codes["type"] == "string" and "leading_zeros" in codes["flags"]
    flags = _guess("is_active", ["0", "1", "1"])
    assert flags["type"] == "boolean"
    assert _guess("count", ["0", "1", "1"])["type"] == "integer"
    korean = _guess("여부", ["예", "아니오", "예"])
    assert korean["type"] == "boolean"
    status = _guess("status", ["OPEN", "CLOSED", "OPEN"] * 5)
    assert status["type"] == "enum" and status["params"]["values"] == ["CLOSED", "OPEN"]
    assert status["candidates"] == [] and status["confidence"] == 1.0
    near = _guess("amount", ["1", "2", "3", "4", "5", "6", "7", "8", "9", "x"])
    assert near["type"] == "string"
    assert near["candidates"][:2] == [  # equal shares: the narrower type first
        {"type": "integer", "confidence": 0.9},
        {"type": "decimal", "confidence": 0.9},
    ]


def test_keys_single_composite_or_generated() -> None:
    assert infer_table(_table("synthetic_3pl/orders.csv"))["primary_key"] == ["order_id"]
    lines = infer_table(_table("synthetic_3pl/order_items.csv"))
    assert lines["primary_key"] == ["order_id", "line_no"]
    assert "key_candidate_not_unique" in lines["columns"][0]["flags"]
    counts = infer_table(_table("synthetic_3pl/inventory_snapshots.csv"))
    assert counts["primary_key"] == ["warehouse_id", "sku_id", "snapshot_date"]
    same = table_of(["a", "b"], [["x", "y"], ["x", "y"]])
    assert infer_table(same)["primary_key"] == []


def test_links_between_the_3pl_tables_follow_their_foreign_keys() -> None:
    tables = {}
    for path in sorted((SHARED / "synthetic_3pl").glob("*.csv")):
        table = read_file(path.name, path.read_bytes()).tables[0]
        tables[path.stem] = (table, infer_table(table))
    found = {
        (link["dataset"], link["column"]): (link["target_dataset"], link["target_column"])
        for link in find_links(tables)
    }
    assert found == dict(FOREIGN_KEYS)
    # Not links: a key does not point at its dependants, and ids of many tables (events'
    # entity_id) have no one target.
    assert ("orders", "order_id") not in found and ("events", "entity_id") not in found


FOREIGN_KEYS = [
    (("exceptions", "order_id"), ("orders", "order_id")),
    (("inbounds", "sku_id"), ("skus", "sku_id")),
    (("inbounds", "supplier_id"), ("suppliers", "supplier_id")),
    (("inbounds", "warehouse_id"), ("warehouses", "warehouse_id")),
    (("inventory_snapshots", "warehouse_id"), ("warehouses", "warehouse_id")),
    (("inventory_snapshots", "sku_id"), ("skus", "sku_id")),
    (("locations", "warehouse_id"), ("warehouses", "warehouse_id")),
    (("order_items", "order_id"), ("orders", "order_id")),
    (("order_items", "sku_id"), ("skus", "sku_id")),
    (("orders", "client_id"), ("clients", "client_id")),
    (("orders", "ship_from_warehouse"), ("warehouses", "warehouse_id")),  # names differ
    (("products", "client_id"), ("clients", "client_id")),
    (("receipts", "inbound_id"), ("inbounds", "inbound_id")),
    (("receipts", "sku_id"), ("skus", "sku_id")),
    (("receipts", "location_id"), ("locations", "location_id")),
    (("returns", "order_id"), ("orders", "order_id")),  # its key, and a link (1:1)
    (("skus", "product_id"), ("products", "product_id")),
    (("skus", "supplier_id"), ("suppliers", "supplier_id")),
    (("tracking", "order_id"), ("orders", "order_id")),  # its key, and a link (1:1)
]


def test_a_suggested_class_is_named_and_typed_from_the_table() -> None:
    table = _table("hard_cases.csv")
    suggestion = suggest_class(table, infer_table(table), "주문 내역")
    assert suggestion["id"] == "JumunNaeyeok" and suggestion["label"] == {"ko": "주문 내역"}
    first, amount = suggestion["properties"][0], suggestion["properties"][2]
    assert first == {
        "name": "jumunbeonho",
        "type": "string",
        "label": {"ko": "주문번호"},
        "required": True,
        "primary_key": True,
    }
    assert amount["type"] == "money" and amount["currencies"] == ["KRW"]
    assert class_id("order_items.csv") == "OrderItems"
    assert property_name("unitPrice", 0) == "unit_price"
    assert property_name("금액_USD", 3) == "geumaek_usd"
    assert property_name("注文番号", 3) == "field_4"  # no romanisation of kanji or hanzi
    assert romanized("닭값 했다") == "dakgap haetda"


@pytest.mark.parametrize("relative", sorted(LABELS))
def test_every_suggested_class_is_accepted_by_the_ontology(relative: str) -> None:
    from spice.domain.ontology.classes import parse_class

    table = _table(relative)
    parse_class(suggest_class(table, infer_table(table), Path(relative).stem))
