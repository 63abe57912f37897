"""SIGKILL the server while a snapshot import updates, creates and deletes instances, start it
again: the run resumes and ends in the state a clean run gives, with no event written twice;
a second run writes nothing. On the embedded profile and on the distributed stores."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.chaos.support import settled_container
from tests.server import ServerProcess
from tests.services import distributed_urls

ROWS = 6000
DB = "/api/v1/databases/snap"
CHANGES = ("InstanceCreated", "InstanceUpdated", "InstanceDeleted", "InstanceRestored")
SPEC = {
    "classes": [
        {
            "id": "Item",
            "properties": [
                {"name": "item_id", "type": "string", "required": True},
                {"name": "qty", "type": "integer"},
            ],
        }
    ],
    "sources": [
        {
            "dataset": "items",
            "class_id": "Item",
            "key": ["item_id"],
            "properties": [
                {"property": "item_id", "column": "item_id", "transforms": ["trim"]},
                {"property": "qty", "column": "qty", "transforms": ["trim"]},
            ],
            "links": [],
        }
    ],
}


def _csv(rows: dict[int, int]) -> bytes:
    return ("item_id,qty\n" + "".join(f"I{i},{q}\n" for i, q in rows.items())).encode()


FIRST = {i: 1 for i in range(ROWS)}
# A half of the rows changed, a quarter gone, as many new ones.
SECOND = {i: 2 if i < ROWS // 2 else 1 for i in range(ROWS) if not ROWS // 2 <= i < ROWS * 3 // 4}
SECOND |= {i: 3 for i in range(ROWS, ROWS + ROWS // 4)}


@pytest.fixture(params=["embedded", "distributed"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    with ExitStack() as stack:
        urls = stack.enter_context(distributed_urls()) if request.param == "distributed" else {}
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()}
        proc = ServerProcess(tmp_path / "data", env=env)
        proc.start()
        yield proc
        proc.stop()


def _ok(server: ServerProcess, method: str, path: str, **kwargs: Any) -> Any:
    r = httpx.request(method, f"{server.url}{path}", timeout=150, **kwargs)
    assert r.status_code in (200, 202), (path, r.status_code, r.text)
    return r.json()


def _upload(server: ServerProcess, data: bytes) -> None:
    files = {"file": ("items.csv", data)}
    _ok(server, "POST", f"{DB}/datasets/items/versions?wait=true&timeout=60", files=files)


def _final(server: ServerProcess, command_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while True:
        try:
            status: dict[str, Any] = httpx.get(
                f"{server.url}/api/v1/commands/{command_id}/status", timeout=10
            ).json()
        except httpx.HTTPError:
            status = {}
        if status.get("status") in ("COMPLETED", "FAILED"):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.2)


@pytest.mark.timeout(400)
def test_a_snapshot_killed_midway_resumes_to_the_same_state_writing_nothing_twice(
    server: ServerProcess,
) -> None:
    _ok(server, "POST", "/api/v1/databases?wait=true&timeout=60", json={"name": "snap"})
    _upload(server, _csv(FIRST))
    _ok(server, "PUT", f"{DB}/mappings/m?wait=true&timeout=60", json=SPEC)
    body = {"mapping": "m", "mode": "snapshot"}
    first = _ok(server, "POST", f"{DB}/imports?wait=true&timeout=120", json=body)
    assert first["data"]["result"]["created"] == ROWS
    _upload(server, _csv(SECOND))
    before = _ok(server, "GET", "/ready")["data"]["log_position"]

    command_id = _ok(server, "POST", f"{DB}/imports", json=body)["command_id"]
    status_url = f"{server.url}/api/v1/commands/{command_id}/status"
    deadline = time.monotonic() + 120
    while httpx.get(status_url, timeout=10).json()["progress"] <= 20:
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.02)
    server.kill()
    server.start()
    status = _final(server, command_id)
    assert status["status"] == "COMPLETED", status
    assert "RETRYING" in [h["status"] for h in status["history"]], status["history"]

    position = status["result"]["position"]
    listed = _ok(
        server, "GET", f"/api/v1/database/snap/instances/Item?limit=1&min_position={position}"
    )
    assert listed["data"]["total"] == len(SECOND)
    one = _ok(server, "GET", "/api/v1/database/snap/instances/Item/I0")["data"]["data"]
    assert one["qty"] == 2
    assert (
        httpx.get(f"{server.url}/api/v1/database/snap/instances/Item/I{ROWS // 2}").status_code
        == 404
    )

    again = _ok(server, "POST", f"{DB}/imports?wait=true&timeout=120", json=body)["data"]["result"]
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert again["unchanged"] == len(SECOND)

    server.stop()
    container = settled_container(server)
    written = [e for e in container.events.read_all(before, 1_000_000) if e.event_type in CHANGES]
    twice = [
        k for k, n in Counter((e.aggregate_id, e.event_type) for e in written).items() if n > 1
    ]
    assert twice == []
    kinds = Counter(e.event_type for e in written)
    gone, changed = ROWS // 4, ROWS // 2
    assert kinds == {
        "InstanceCreated": ROWS // 4,
        "InstanceUpdated": changed,
        "InstanceDeleted": gone,
    }
