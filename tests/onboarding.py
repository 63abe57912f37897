"""What the onboarding acceptance tests check after `spice import` of the synthetic 3PL
dataset: one instance per CSV row in each class, and a four-hop graph query (tracking ->
order -> order item -> SKU -> product) that returns the joined data."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any, Protocol

SYNTHETIC_3PL = Path(__file__).resolve().parent / "data" / "datasets" / "synthetic_3pl"
CLASSES = {
    "clients": "Client",
    "events": "Event",
    "exceptions": "Exception",
    "inbounds": "Inbound",
    "inventory_snapshots": "InventorySnapshot",
    "locations": "Location",
    "order_items": "OrderItem",
    "orders": "Order",
    "products": "Product",
    "receipts": "Receipt",
    "returns": "Return",
    "skus": "Sku",
    "suppliers": "Supplier",
    "tracking": "Tracking",
    "warehouses": "Warehouse",
}
FOUR_HOPS = {
    "start_class": "Tracking",
    "hops": [
        {"predicate": "order", "target_class": "Order"},
        {"predicate": "order", "target_class": "OrderItem", "reverse": True},
        {"predicate": "sku", "target_class": "Sku"},
        {"predicate": "product", "target_class": "Product"},
    ],
    "include_paths": True,
    "limit": 50,
}


class Http(Protocol):
    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...


def csv_rows(name: str) -> int:
    with (SYNTHETIC_3PL / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in csv.reader(f) if any(cell.strip() for cell in row)) - 1


def check_imported(http: Http, db: str) -> None:
    """Every class holds one instance per row of its file, and the four-hop query joins
    tracking to products through the rows the files link."""
    for dataset, cls in CLASSES.items():
        r = http.get(f"/api/v1/database/{db}/instances/{cls}?limit=1")
        assert r.status_code == 200, r.text
        assert r.json()["data"]["total"] == csv_rows(dataset), cls
    data = _four_hops(http, db)
    path = data["paths"][0]["nodes"]
    assert [n.split("/")[0] for n in path] == [
        "Tracking",
        "Order",
        "OrderItem",
        "Sku",
        "Product",
    ]
    order_id = path[0].split("/")[1]
    assert path[1] == f"Order/{order_id}" and path[2].startswith(f"OrderItem/{order_id}_")
    nodes = {n["id"]: n for n in data["nodes"]}
    item, sku, product = (nodes[ref]["data"]["data"] for ref in path[2:])
    assert item["order"] == path[1] and item["sku"] == path[3]
    assert sku["product"] == path[4] and product["product_id"] == path[4].split("/")[1]


def _four_hops(http: Http, db: str, wait: float = 120.0) -> dict[str, Any]:
    """The query's answer once the search index holds every node it shows (it follows the
    log behind the documents)."""
    deadline = time.monotonic() + wait
    while True:
        r = http.post(f"/api/v1/graph-query/{db}", json=FOUR_HOPS)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        assert data["paths"], data
        if all(n["data_status"] == "FULL" for n in data["nodes"]) or time.monotonic() > deadline:
            return data
        time.sleep(0.5)
