"""The Python client (`spice.client`) against a real server process: the seed's flow with
typed answers, each refusal as its exception, paging, retries that never make a second
command, a waited write that outlives its wait, the status stream, and the async client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spice.client import AsyncClient, Client, Conflict, NotFound, ValidationFailed
from spice.client.errors import Unreachable
from tests.server import ServerProcess

CUSTOMER = {
    "id": "Customer",
    "label": {"en": "Customer", "ko": "고객"},
    "properties": [
        {"name": "customer_id", "type": "string", "required": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "age", "type": "integer", "min": 0},
    ],
}
PRODUCT = {
    "id": "Product",
    "properties": [{"name": "product_id", "type": "string", "required": True}],
    "relationships": [{"predicate": "owned_by", "target": "Customer", "cardinality": "n:1"}],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("client") / "data")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def spice(server: ServerProcess) -> Iterator[Client]:
    with Client(server.url, timeout=60) as client:
        yield client


def shop(spice: Client, name: str) -> str:
    spice.create_database(name, "가게")
    spice.create_class(name, CUSTOMER)
    spice.create_class(name, PRODUCT)
    return name


def test_the_seed_flow_with_typed_answers(spice: Client) -> None:
    db = shop(spice, "client_seed")
    created = spice.create_instance(db, "Customer", {"customer_id": "c1", "name": "김민수"})
    assert created.status == "COMPLETED" and created.position is not None
    spice.create_instance(db, "Product", {"product_id": "p1", "owned_by": "Customer/c1"})
    customer = spice.get_instance(db, "Customer", "c1", min_position=created.position)
    assert customer["data"] == {"customer_id": "c1", "name": "김민수"}
    assert [c["id"] for c in spice.list_classes(db)] == ["Customer", "Product"]
    graph = spice.graph_query(
        db,
        {"start_class": "Product", "hops": [{"predicate": "owned_by", "target_class": "Customer"}]},
    )
    assert sorted(n["id"] for n in graph["nodes"]) == ["Customer/c1", "Product/p1"]
    assert [db] == [d["name"] for d in spice.iter_databases() if d["name"] == db]


def test_each_refusal_is_its_exception(spice: Client) -> None:
    db = shop(spice, "client_refusals")
    with pytest.raises(ValidationFailed) as invalid:
        spice.create_instance(db, "Customer", {"customer_id": "c1", "age": -1})
    assert invalid.value.status == 422
    assert invalid.value.field_errors == {"age": "must be at least 0", "name": "is required"}
    with pytest.raises(NotFound):
        spice.get_instance(db, "Customer", "nobody")
    spice.create_instance(db, "Customer", {"customer_id": "c1", "name": "A"})
    spice.update_instance(db, "Customer", "c1", {"name": "B"}, expected_seq=1)
    with pytest.raises(Conflict) as stale:
        spice.update_instance(db, "Customer", "c1", {"name": "C"}, expected_seq=1)
    assert stale.value.actual_seq == 2
    assert spice.get_instance(db, "Customer", "c1")["data"]["name"] == "B"
    with pytest.raises(Unreachable):
        Client("http://127.0.0.1:9", retries=1, backoff=0.01).get_database(db)


def test_listings_follow_every_page(spice: Client) -> None:
    db = shop(spice, "client_pages")
    rows = [{"customer_id": f"c{i:03}", "name": f"고객 {i}"} for i in range(250)]
    loaded = spice.bulk_create(db, "Customer", rows)
    ids = [i["id"] for i in spice.iter_instances(db, "Customer", page_size=40)]
    assert ids == sorted(r["customer_id"] for r in rows)
    hits = list(
        spice.iter_search(db, "고객", class_id="Customer", limit=60, min_position=loaded.position)
    )
    assert len(hits) == 250 and len({h["instance_id"] for h in hits}) == 250
    spice.create_branch(db, "feature/x")
    spice.update_instance(db, "Customer", "c001", {"name": "X"}, branch="feature/x")
    assert [b["name"] for b in spice.list_branches(db)] == ["feature/x", "main"]
    changed = spice.diff(db, "main", "feature/x")["data"]["items"]
    assert [(c["instance_id"], c["change"]) for c in changed] == [("c001", "changed")]
    assert len(list(spice.iter_commits(db, page_size=2))) >= 4


class Faults(httpx.BaseTransport):
    """The real server behind a transport that loses answers: each request whose path ends
    with `path` is sent, then its answer is replaced `times` times by `fault`."""

    def __init__(self, path: str, times: int, fault: str) -> None:
        self.real = httpx.HTTPTransport()
        self.path, self.left, self.fault = path, times, fault
        self.keys: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if not request.url.path.endswith(self.path):
            return response
        self.keys.append(request.headers.get("Idempotency-Key"))
        if self.left <= 0:
            return response
        self.left -= 1
        response.read()
        if self.fault == "drop":
            raise httpx.ReadError("connection reset after the server answered", request=request)
        if self.fault == "503":
            return httpx.Response(503, json={"status": "error", "code": "UNAVAILABLE"})
        body = response.json()  # "timeout": accepted, but the wait ran out
        command_id = body["data"]["command_id"]
        return httpx.Response(
            408,
            json={
                "status": "error",
                "code": "TIMEOUT",
                "message": "Operation timed out",
                "details": {"command_id": command_id},
            },
        )


@pytest.mark.parametrize("fault", ["drop", "503"])
def test_a_lost_answer_is_retried_with_the_same_key_and_makes_one_command(
    server: ServerProcess, spice: Client, fault: str
) -> None:
    db = shop(spice, f"client_retry_{fault}")
    faults = Faults("/instances/Customer/create", 2, fault)
    with Client(server.url, transport=faults, backoff=0.01) as flaky:
        done = flaky.create_instance(db, "Customer", {"customer_id": "c1", "name": "A"})
    assert done.status == "COMPLETED"
    assert len(faults.keys) == 3 and len(set(faults.keys)) == 1 and faults.keys[0]
    listed = list(spice.iter_instances(db, "Customer"))
    assert [i["id"] for i in listed] == ["c1"]
    assert listed[0]["last_command_id"] == done.command_id


def test_a_waited_write_that_outlives_its_wait_is_waited_for_again(
    server: ServerProcess, spice: Client
) -> None:
    db = shop(spice, "client_wait")
    faults = Faults("/instances/Customer/create", 1, "timeout")
    with Client(server.url, transport=faults) as patient:
        done = patient.create_instance(db, "Customer", {"customer_id": "c1", "name": "A"})
    assert done.status == "COMPLETED" and done.position is not None
    assert spice.get_instance(db, "Customer", "c1")["last_command_id"] == done.command_id


def test_the_status_stream_reports_a_command_to_its_end(spice: Client) -> None:
    db = shop(spice, "client_watch")
    rows = [{"customer_id": f"c{i}", "name": "n"} for i in range(2000)]
    accepted = spice.bulk_create(db, "Customer", rows, wait=False)
    assert accepted.status == "PENDING"
    seen: list[str] = []
    for update in spice.watch_commands([accepted.command_id]):
        assert update["command_id"] == accepted.command_id
        seen.append(update["data"]["status"])
        if update["data"]["status"] in ("COMPLETED", "FAILED"):
            break
    # Its status when subscribed (whatever it had reached), then each change to the end.
    assert seen[-1] == "COMPLETED"
    assert seen == sorted(seen, key=["PENDING", "PROCESSING", "COMPLETED"].index)
    assert spice.command_status(accepted.command_id)["status"] == "COMPLETED"


def test_the_async_client_does_the_same(server: ServerProcess) -> None:
    async def flow() -> list[str]:
        async with AsyncClient(server.url, timeout=60) as spice:
            await spice.create_database("client_async")
            await spice.create_class("client_async", CUSTOMER)
            rows = [{"customer_id": f"c{i}", "name": f"n{i}"} for i in range(30)]
            await asyncio.gather(
                *(spice.create_instance("client_async", "Customer", row) for row in rows)
            )
            with pytest.raises(ValidationFailed):
                await spice.create_instance("client_async", "Customer", {"customer_id": "x"})
            return [
                i["id"] async for i in spice.iter_instances("client_async", "Customer", page_size=7)
            ]

    assert asyncio.run(flow()) == sorted(f"c{i}" for i in range(30))


def test_the_client_types_match_the_api(tmp_path: Path) -> None:
    """src/spice/client/schema.py is what the API's OpenAPI document gives now: a change of
    the API's shape fails here until scripts/client_schema.py is run again."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "client_schema.py"
    spec = importlib.util.spec_from_file_location("client_schema", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.generate(module.openapi_document())
    assert fresh == module.TARGET.read_text(encoding="utf-8"), "run scripts/client_schema.py"
    assert "class InstancePublic(TypedDict)" in fresh
    json.dumps(fresh)  # plain text, nothing of the generator's environment
