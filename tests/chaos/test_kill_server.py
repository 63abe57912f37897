"""SIGKILL the server while accepted commands are being processed, start it again, and check
that every accepted command completed exactly once and read models equal a fresh rebuild.

Runs on the embedded profile and on PostgreSQL + Redis."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from spice.application.projections import rebuild
from spice.application.verification import verify_log
from spice.bootstrap.container import build_container
from spice.bootstrap.settings import Settings
from tests.server import ServerProcess
from tests.services import distributed_urls

SINGLES = 240
BULKS = 6
BULK_SIZE = 400
CLASS = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "required": True},
        {"name": "n", "type": "integer"},
    ],
}


@pytest.fixture(params=["embedded", "distributed"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    with ExitStack() as stack:
        urls = stack.enter_context(distributed_urls()) if request.param == "distributed" else {}
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()}
        proc = ServerProcess(tmp_path / "data", env=env)
        proc.start()
        yield proc
        proc.stop()


def request_specs() -> list[tuple[str, str, dict[str, Any]]]:
    base = "/api/v1/database/chaos/instances/Item"
    specs = [
        (f"one-{i}", f"{base}/create", {"data": {"item_id": f"i{i}", "n": i}})
        for i in range(SINGLES)
    ]
    for b in range(BULKS):
        rows = [{"item_id": f"b{b}-{j}", "n": j} for j in range(BULK_SIZE)]
        specs.insert(
            b * (SINGLES // BULKS), (f"bulk-{b}", f"{base}/bulk-create", {"instances": rows})
        )
    return specs


def send(server: ServerProcess, key: str, path: str, body: dict[str, Any]) -> str | None:
    """POST with an Idempotency-Key; the command id if accepted, None if the server was gone."""
    try:
        r = httpx.post(server.url + path, json=body, headers={"Idempotency-Key": key}, timeout=30)
    except httpx.HTTPError:
        return None
    assert r.status_code == 202, r.text
    return str(r.json()["command_id"])


def send_all(
    server: ServerProcess,
    specs: list,
    kill_after: int | None,
    on_accept: Callable[[int], None] | None = None,
) -> dict[str, str]:
    """Send every request from 8 threads; `on_accept(n)` runs after the n-th acceptance."""
    accepted: dict[str, str] = {}
    lock = threading.Lock()

    def one(spec: tuple[str, str, dict[str, Any]]) -> None:
        command_id = send(server, *spec)
        with lock:
            if command_id:
                accepted[spec[0]] = command_id
                if on_accept is not None:
                    on_accept(len(accepted))
            if kill_after is not None and len(accepted) == kill_after:
                server.kill()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, specs))
    return accepted


def wait_all(server: ServerProcess, command_ids: list[str]) -> list[str]:
    statuses = []
    for cid in command_ids:
        r = httpx.get(
            f"{server.url}/api/v1/ontology/chaos/sync/command/{cid}/wait?timeout=60", timeout=90
        )
        assert r.status_code == 200, r.text
        statuses.append(httpx.get(f"{server.url}/api/v1/commands/{cid}/status").json()["status"])
    return statuses


def test_sigkill_loses_and_doubles_nothing(server: ServerProcess) -> None:
    setup = [("/api/v1/databases", {"name": "chaos"}), ("/api/v1/database/chaos/ontology", CLASS)]
    for path, body in setup:
        assert httpx.post(f"{server.url}{path}?wait=true", json=body).status_code == 200
    specs = request_specs()
    first = send_all(server, specs, kill_after=len(specs) // 3)
    server.start()
    # A client retries whatever got no answer, with the same Idempotency-Key.
    retried = send_all(server, specs, kill_after=None)
    for key, command_id in first.items():
        assert retried[key] == command_id, "a retry must land on the accepted command"
    assert set(retried) == {s[0] for s in specs}
    assert wait_all(server, list(retried.values())) == ["COMPLETED"] * len(specs)
    total = httpx.get(f"{server.url}/api/v1/database/chaos/instances/Item?limit=1").json()
    assert total["data"]["total"] == SINGLES + BULKS * BULK_SIZE
    server.stop()
    check_log_and_read_models(server, len(specs))


def check_log_and_read_models(server: ServerProcess, commands: int) -> None:
    settings = Settings(data_dir=server.data_dir, run_workers=False)
    urls = {k.removeprefix("SPICE_").lower(): v for k, v in server.env.items()}
    container = build_container(settings.model_copy(update=urls))
    try:
        events = container.events.read_all(0, 10**7)
        kinds = [e.event_type for e in events]
        assert kinds.count("CommandAccepted") == commands + 2
        assert kinds.count("CommandCompleted") == commands + 2
        created = [e.aggregate_id for e in events if e.event_type == "InstanceCreated"]
        assert len(created) == len(set(created)) == SINGLES + BULKS * BULK_SIZE
        count, problems, _ = verify_log(container.events)
        assert (count, problems) == (len(events), [])
        before = dump(container)
        rebuild(container.events, container.documents)
        assert dump(container) == before
    finally:
        container.stop()


def dump(container: Any) -> list[tuple[Any, ...]]:
    return [
        (d.key, d.seq, d.deleted, d.position, d.body["data"]) for d in container.documents.dump()
    ]
