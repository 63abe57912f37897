"""Import modes through the API: an upsert updates only what changed and creates what is
new, a snapshot also deletes what a dataset version no longer has (and brings it back when
it returns), an append makes each version's rows instances of their own; a snapshot run
interrupted midway finishes without deleting anything twice."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.application.datasets import plans, snapshots
from spice.domain.commands import RunImport
from tests.api.support import container_of, head, wait_ok
from tests.api.test_imports import DB, _instance, _save, _suggested, _upload, _values, shop

__all__ = ["shop"]  # the fixture, shared with the import tests

V1 = "item_id,name,qty\nI1,Apple,3\nI2,Pear,5\nI3,Fig,7\n"
V2 = "item_id,name,qty\nI1,Apple,4\nI3,Fig,7\nI4,Plum,1\n"  # I1 changed, I2 gone, I4 new


def _mapped(client: TestClient, first: str = V1) -> None:
    """The items dataset and the mapping suggested for it, reading its latest version."""
    _upload(client, "items", first)
    spec = _suggested(client)
    for source in spec["sources"]:
        source.pop("version", None)
    _save(client, spec)


def _run(client: TestClient, mode: str) -> dict[str, Any]:
    r = client.post(f"{DB}/imports?wait=true&timeout=60", json={"mapping": "m", "mode": mode})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["data"]["result"]
    assert result["mode"] == mode
    return result


def _written(client: TestClient, after: int) -> list[Any]:
    kinds = ("InstanceCreated", "InstanceUpdated", "InstanceDeleted", "InstanceRestored")
    events = container_of(client).events.read_all(after, 10_000)
    return [e for e in events if e.event_type in kinds]


def _counts(result: dict[str, Any], *keys: str) -> tuple[int, ...]:
    return tuple(result["by_class"]["Item"][k] for k in keys)


def test_an_upsert_updates_what_changed_and_creates_what_is_new(shop: TestClient) -> None:
    _mapped(shop)
    assert _run(shop, "create")["created"] == 3
    _upload(shop, "items", V2)
    before = head(shop)
    result = _run(shop, "upsert")
    assert _counts(result, "created", "updated", "unchanged", "deleted") == (1, 1, 1, 0)
    assert _values(shop, "Item", "I1") == {"item_id": "I1", "name": "Apple", "qty": 4}
    assert _instance(shop, "Item", "I2").status_code == 200  # an upsert deletes nothing
    updated = [e for e in _written(shop, before) if e.event_type == "InstanceUpdated"]
    assert [e.data["changes"] for e in updated] == [{"qty": 4}]
    blame = shop.get("/api/v1/database/shop/instances/Item/I1/blame?property=qty").json()
    (entry,) = blame["data"]["blame"]
    assert (entry["cell"]["version"], entry["cell"]["row"], entry["cell"]["column"]) == (
        2,
        2,
        "qty",
    )
    again = head(shop)
    result = _run(shop, "upsert")
    assert _counts(result, "created", "updated", "unchanged") == (0, 0, 3)
    assert _written(shop, again) == []


def test_a_snapshot_deletes_the_rows_that_are_gone_and_brings_them_back(
    shop: TestClient,
) -> None:
    _mapped(shop)
    _run(shop, "create")
    wait_ok(
        shop,
        "POST",
        "/api/v1/database/shop/instances/Item/create",
        json={"data": {"item_id": "X9", "name": "Typed in", "qty": 1}},
    )
    _upload(shop, "items", V2)
    result = _run(shop, "snapshot")
    assert _counts(result, "created", "updated", "unchanged", "deleted") == (1, 1, 1, 1)
    assert _instance(shop, "Item", "I2").status_code == 404
    assert _instance(shop, "Item", "X9").status_code == 200  # not made by the import
    _upload(shop, "items", V1)  # I2 is back, I4 gone
    before = head(shop)
    r = shop.post(f"{DB}/mappings/m/dry-run?mode=snapshot")
    assert r.status_code == 200, r.text
    tried = r.json()["data"]
    assert tried["dry_run"] is True and head(shop) == before
    assert _counts(tried, "created", "updated", "deleted") == (1, 1, 1)
    result = _run(shop, "snapshot")
    assert _counts(result, "created", "updated", "deleted") == (1, 1, 1)
    assert _values(shop, "Item", "I2")["name"] == "Pear"
    assert _instance(shop, "Item", "I4").status_code == 404
    listed = shop.get("/api/v1/database/shop/instances/Item?limit=100").json()["data"]
    assert sorted(i["instance_id"] for i in listed["instances"]) == ["I1", "I2", "I3", "X9"]


def test_append_makes_each_versions_rows_instances_of_their_own(shop: TestClient) -> None:
    _mapped(shop)
    assert _run(shop, "append")["created"] == 3
    again = _run(shop, "append")
    assert (again["created"], again["skipped"]) == (0, 3)
    _upload(shop, "items", V2)
    assert _run(shop, "append")["created"] == 3
    listed = shop.get("/api/v1/database/shop/instances/Item?limit=100").json()["data"]
    assert listed["total"] == 6


@pytest.mark.parametrize("mode", ["merge", "", None, 3])
def test_an_unknown_mode_is_refused_and_nothing_is_written(shop: TestClient, mode: Any) -> None:
    _mapped(shop)
    before = head(shop)
    r = shop.post(f"{DB}/imports", json={"mapping": "m", "mode": mode})
    assert r.status_code == 422, r.text
    assert shop.post(f"{DB}/mappings/m/dry-run?mode=merge").status_code == 422
    assert head(shop) == before


def test_an_interrupted_snapshot_resumes_without_deleting_twice(
    shop: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "BATCH_ROWS", 1)
    monkeypatch.setattr(snapshots, "DELETE_BATCH", 1)
    executor = container_of(shop).executor
    monkeypatch.setattr(executor, "backoff", 0.0)
    real = executor.run_child
    calls: list[str] = []

    def dies_once(parent: Any, index: int, command: Any) -> Any:
        calls.append(type(command).__name__)
        if calls.count("DeleteImported") == 2 and "died" not in calls:
            calls.append("died")
            raise RuntimeError("worker died")
        return real(parent, index, command)

    _mapped(shop)
    _run(shop, "create")
    _upload(shop, "items", "item_id,name,qty\nI3,Fig,7\n")
    executor.runners[RunImport] = container_of(shop).imports.runner(dies_once)
    before = head(shop)
    result = _run(shop, "snapshot")
    assert "died" in calls
    assert _counts(result, "unchanged", "deleted") == (1, 2)
    deleted = [e.aggregate_id for e in _written(shop, before) if e.event_type == "InstanceDeleted"]
    assert sorted(deleted) == ["inst:shop:main:Item:I1", "inst:shop:main:Item:I2"]
