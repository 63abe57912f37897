"""Mappings and imports through the API: a suggested mapping saved in versions, dry runs
that write nothing, imports that write each row once with the cell each value came from,
refused rows reported by row and column (and nothing written unless `allow_partial`), and
a run interrupted midway that finishes without doubling a row."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.application.datasets import plans
from spice.domain.commands import RunImport
from spice.entrypoints.cli.client import ServerError
from spice.entrypoints.cli.importer import Api, run_import
from tests.api.support import container_of, head, wait_ok

DB = "/api/v1/databases/shop"
WAREHOUSES = "warehouse_id,name,opened\nW1,서울 허브,2024년 3월 5일\nW2,Busan hub,2024.04.01\n"
ORDERS = 'order_id,warehouse,amount,paid\nO1,W1,"₩1,200",예\nO2,W2,800원,아니오\nO3,W1,$12.50,Y\n'
BAD_ORDERS = ORDERS + "O4,W9,100원,예\nO5,W2,lots,예\n"


@pytest.fixture
def shop(client: TestClient) -> TestClient:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
    return client


def _upload(client: TestClient, name: str, text: str) -> None:
    r = client.post(
        f"{DB}/datasets/{name}/versions?wait=true&timeout=10",
        files={"file": (f"{name}.csv", text.encode())},
    )
    assert r.status_code == 200, r.text


def _suggested(client: TestClient) -> dict[str, Any]:
    r = client.post(f"{DB}/datasets/suggest-ontology")
    assert r.status_code == 200, r.text
    mapping: dict[str, Any] = r.json()["data"]["mapping"]
    return mapping


def _save(client: TestClient, spec: dict[str, Any], name: str = "m") -> dict[str, Any]:
    result: dict[str, Any] = wait_ok(client, "PUT", f"{DB}/mappings/{name}", json=spec)["data"][
        "result"
    ]
    return result


def _run(client: TestClient, **body: Any) -> Any:
    return client.post(f"{DB}/imports?wait=true&timeout=60", json={"mapping": "m", **body})


def _loaded(client: TestClient, orders: str = ORDERS) -> dict[str, Any]:
    """Both datasets and the mapping suggested for them; with other `orders`, those are
    the orders' second version, which the mapping reads as the latest."""
    _upload(client, "warehouses", WAREHOUSES)
    _upload(client, "orders", ORDERS)
    spec = _suggested(client)
    if orders != ORDERS:
        _upload(client, "orders", orders)
        for source in spec["sources"]:
            source.pop("version")
    _save(client, spec)
    return spec


def _instance(client: TestClient, cls: str, iid: str) -> Any:
    return client.get(f"/api/v1/database/shop/instances/{cls}/{iid}")


def _values(client: TestClient, cls: str, iid: str) -> dict[str, Any]:
    found: dict[str, Any] = _instance(client, cls, iid).json()["data"]["data"]
    return found


def test_an_import_writes_every_row_with_the_cell_it_came_from(shop: TestClient) -> None:
    spec = _loaded(shop)
    orders = next(s for s in spec["sources"] if s["dataset"] == "orders")
    assert orders["links"] == [
        {"predicate": "warehouse", "column": "warehouse", "target": "Warehouse"}
    ]
    r = _run(shop)
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert (result["rows"], result["created"], result["skipped"], result["refused"]) == (5, 5, 0, 0)
    assert result["classes_created"] == ["Warehouse", "Order"]
    order = _values(shop, "Order", "O1")
    assert order["amount"] == {"amount": "1200", "currency": "KRW"} and order["paid"] is True
    assert order["warehouse"] == "Warehouse/W1"
    hub = _values(shop, "Warehouse", "W1")
    assert hub["opened"] == "2024-03-05"
    blame = shop.get("/api/v1/database/shop/instances/Order/O3/blame?property=amount").json()
    (entry,) = blame["data"]["blame"]
    cell = entry["cell"]
    assert (cell["dataset"], cell["version"], cell["table"], cell["row"], cell["column"]) == (
        "orders",
        1,
        "orders",
        4,
        "amount",
    )
    assert any(c["kind"] == "source" for c in entry["causes"])
    linked = shop.get("/api/v1/database/shop/instances/Order/O2/links").json()["data"]
    assert "Warehouse/W2" in str(linked)


def test_running_an_import_again_creates_nothing(shop: TestClient) -> None:
    _loaded(shop)
    assert _run(shop).status_code == 200
    r = _run(shop)
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert (result["created"], result["skipped"], result["classes_created"]) == (0, 5, [])
    listed = shop.get("/api/v1/database/shop/instances/Order?limit=100").json()
    assert listed["data"]["total"] == 3


def test_a_refused_row_refuses_the_whole_import_and_writes_nothing(shop: TestClient) -> None:
    _loaded(shop, BAD_ORDERS)
    before = head(shop)
    r = _run(shop)
    assert r.status_code == 422, r.text
    errors = r.json()["details"]["errors"]
    found = {(e["row"], e["column"], e["code"]) for e in errors}
    assert (5, "warehouse", "link_target_not_found") in found
    assert any(row == 6 and column == "amount" for row, column, _ in found)
    assert shop.get("/api/v1/database/shop/ontology/Order").status_code == 404
    written = container_of(shop).events.read_all(before, 1000)
    assert not [e for e in written if e.event_type in ("InstanceCreated", "ClassCreated")]


def test_allow_partial_imports_the_good_rows_and_reports_the_others(shop: TestClient) -> None:
    _loaded(shop, BAD_ORDERS)
    r = _run(shop, allow_partial=True)
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert (result["created"], result["refused"]) == (5, 2)
    assert result["by_class"]["Order"] == {"rows": 5, "created": 3, "skipped": 0, "refused": 2}
    refused = {r["row"]: r for r in result["refused_rows"]}
    assert sorted(refused) == [5, 6]
    assert refused[5]["errors"][0]["column"] == "warehouse"
    assert _instance(shop, "Order", "O4").status_code == 404
    assert _instance(shop, "Order", "O3").status_code == 200


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(shop: TestClient) -> None:
    _loaded(shop, BAD_ORDERS)
    before = head(shop)
    r = shop.post(f"{DB}/mappings/m/dry-run")
    assert r.status_code == 200, r.text
    report = r.json()["data"]
    assert report["dry_run"] is True
    assert (report["created"], report["refused"], report["classes_created"]) == (
        5,
        2,
        ["Warehouse", "Order"],
    )
    assert head(shop) == before


def test_mappings_are_saved_in_versions_and_checked_against_the_datasets(shop: TestClient) -> None:
    spec = _loaded(shop)
    assert _save(shop, spec)["unchanged"] is True
    spec["sources"][0]["properties"][0]["transforms"] = [{"op": "upper"}]
    assert _save(shop, spec)["version"] == 2
    shown = shop.get(f"{DB}/mappings/m").json()["data"]
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shop.get(f"{DB}/mappings/m?version=1").json()["data"]["spec"]["sources"]
    assert shop.get(f"{DB}/mappings").json()["data"]["total"] == 1
    spec["sources"][0]["properties"][0]["column"] = "no_such_column"
    r = shop.put(f"{DB}/mappings/m", json=spec)
    assert r.status_code == 422 and r.json()["details"]["errors"][0]["code"] == "unknown_column"
    spec["sources"][0]["dataset"] = "missing"
    assert shop.put(f"{DB}/mappings/m", json=spec).status_code == 404
    assert shop.put(f"{DB}/mappings/m", json={"sources": "x"}).status_code == 422
    assert shop.get(f"{DB}/mappings/m?version=9").status_code == 404
    assert _run(shop, mapping="nope").status_code == 404
    assert shop.post(f"{DB}/imports", json={"mapping": "m", "extra": 1}).status_code == 422
    assert shop.get(f"{DB}/mappings/m").json()["data"]["versions"][-1]["version"] == 2


def test_an_import_reports_progress_batch_by_batch(
    shop: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "BATCH_ROWS", 1)
    _loaded(shop)
    r = _run(shop)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["result"]["commands"] == 7  # 2 classes, 5 rows
    steps = [h["progress"] for h in r.json()["data"]["progress_history"]]
    middle = [p for p in steps if 10 < p < 100]
    assert len(middle) >= 4 and middle == sorted(middle) and steps[-1] == 100


def test_an_interrupted_run_resumes_without_doubling_a_row(
    shop: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "BATCH_ROWS", 1)
    executor = container_of(shop).executor
    monkeypatch.setattr(executor, "backoff", 0.0)
    real = executor.run_child
    calls = {"n": 0}

    def dies_once(parent: Any, index: int, command: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("worker died")
        return real(parent, index, command)

    imports = container_of(shop).imports
    executor.runners[RunImport] = imports.runner(dies_once)
    _loaded(shop)
    before = head(shop)
    r = _run(shop)
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert (result["created"], result["skipped"]) == (5, 0)
    created = [
        e
        for e in container_of(shop).events.read_all(before, 1000)
        if e.event_type == "InstanceCreated"
    ]
    assert len(created) == 5
    assert r.json()["data"]["result"]["commands"] == 7


BAD_SPECS = [
    [],
    {"sources": [{"dataset": "orders"}]},
    {"sources": [{"dataset": "orders", "class_id": "Orders", "properties": "x"}]},
    {"sources": [{"dataset": "orders", "class_id": "Orders", "key": "order_id"}]},
    {"sources": [{"dataset": "orders", "class_id": "Orders", "version": "1"}]},
    {"sources": [{"dataset": "orders", "class_id": "Orders", "table": 5}]},
    {
        "sources": [
            {
                "dataset": "orders",
                "class_id": "Orders",
                "properties": [
                    {
                        "property": "p",
                        "column": "amount",
                        "transforms": [{"op": "replace", "old": ""}],
                    }
                ],
            }
        ]
    },
    {
        "sources": [
            {
                "dataset": "orders",
                "class_id": "Orders",
                "properties": [{"property": "p", "columns": [1, None]}],
            }
        ]
    },
    {"sources": [{"dataset": "orders", "class_id": "Orders"}], "classes": ["x"]},
    {"sources": [{"dataset": "orders", "class_id": "Orders", "links": [{"predicate": "a b"}]}]},
]


@pytest.mark.parametrize("spec", BAD_SPECS, ids=range(len(BAD_SPECS)))
def test_a_bad_mapping_is_a_clear_4xx_and_stores_nothing(shop: TestClient, spec: Any) -> None:
    _upload(shop, "orders", ORDERS)
    before = head(shop)
    r = shop.put(f"{DB}/mappings/m?wait=true", json=spec)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["status"] == "error" and r.json()["message"]
    assert head(shop) == before
    assert shop.put(f"{DB}/mappings/bad%20name", json=SPEC_OK).status_code == 422


def test_imports_of_what_does_not_exist_are_refused(shop: TestClient) -> None:
    _upload(shop, "orders", ORDERS)
    _save(shop, SPEC_OK)
    assert shop.post(f"{DB}/mappings/m/dry-run?branch=nope").status_code == 404
    assert shop.post(f"{DB}/mappings/nope/dry-run").status_code == 404
    assert shop.post("/api/v1/databases/nope/imports", json={"mapping": "m"}).status_code == 404
    r = shop.post(f"{DB}/mappings/m/dry-run")
    assert r.status_code == 404 and "Orders" in r.json()["message"]  # no such class anywhere
    assert _run(shop, mapping="m", mapping_version=0).status_code == 422


SPEC_OK = {
    "sources": [
        {
            "dataset": "orders",
            "class_id": "Orders",
            "key": ["order_id"],
            "properties": [{"property": "order_id", "column": "order_id"}],
        }
    ]
}


def test_an_import_goes_to_the_branch_it_names_and_not_to_a_protected_one(
    shop: TestClient,
) -> None:
    _loaded(shop)
    wait_ok(shop, "POST", f"{DB}/branches", json={"name": "onboarding"})
    settings = {"protected_branches": ["main"], "required_approvals": 1}
    wait_ok(shop, "PUT", f"{DB}/settings", json=settings)
    refused = shop.post(f"{DB}/imports", json={"mapping": "m"})
    assert refused.status_code == 409 and refused.json()["code"] == "PROTECTED_BRANCH"
    r = shop.post(f"{DB}/imports?branch=onboarding&wait=true&timeout=60", json={"mapping": "m"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["result"]["created"] == 5
    on_branch = shop.get("/api/v1/database/shop/instances/Order?branch=onboarding&limit=10")
    assert on_branch.json()["data"]["total"] == 3
    assert shop.get("/api/v1/database/shop/ontology/Order").status_code == 404


def test_a_partial_run_whose_batch_is_refused_answers_as_the_batch_did(shop: TestClient) -> None:
    """With `allow_partial` nothing is checked before the batches run: a batch refused as a
    whole (its class exists nowhere) fails the run with the batch's own 404, not a 500."""
    _upload(shop, "orders", ORDERS)
    _save(shop, SPEC_OK)
    r = _run(shop, allow_partial=True)
    assert r.status_code == 404, r.text
    assert "Orders" in r.json()["message"]


def test_spice_import_refuses_a_mapping_file_it_cannot_read(
    shop: TestClient, tmp_path: Path
) -> None:
    (tmp_path / "warehouses.csv").write_text(WAREHOUSES, encoding="utf-8")
    mapping = tmp_path / "shop.mapping.json"
    mapping.write_text('{"sources": [', encoding="utf-8")  # an edit that broke it
    args = argparse.Namespace(
        path=str(tmp_path / "warehouses.csv"),
        database="shop",
        url=str(shop.base_url),
        yes=True,
        mapping=str(mapping),
        mapping_name="m",
        branch="main",
        allow_partial=False,
        timeout=60.0,
    )
    with pytest.raises(ServerError, match="not a readable JSON mapping"):
        run_import(args, Api(args.url, args.timeout, shop))
    assert shop.get(f"{DB}/mappings").json()["data"]["total"] == 0
