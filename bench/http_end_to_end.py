"""End to end through HTTP against a real server process, on either profile.

For 1, 4 and 16 concurrent clients (each its own keep-alive connection, requests sent
back to back) it measures single creates with `?wait=true` (request to COMPLETED and
readable): commands/s, p50 and p99. Then bulk creates until every instance is readable
(three in a row, each into the class the ones before it filled), and the command worker's
drain rate alone (commands already in the log, worker started, until the last outcome is
in the log).

Baselines, measured in the same run on the same machine:
- `GET /health` on the same server at the same concurrency: what the HTTP stack alone
  costs, so "create costs Nx a round trip" says what a command adds;
- appending the same events straight into the same event store (no API, no decision, no
  projection): what the log itself takes.

Run: .venv/bin/python -m bench.http_end_to_end [--profile embedded|distributed]
(`distributed` needs `scripts/services start`: PostgreSQL, Redis, OpenSearch, S3).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from spice.application.commands.ids import new_id
from spice.bootstrap.container import Container, build_container
from spice.bootstrap.settings import Settings
from spice.domain.commands import CreateClass, CreateDatabase, CreateInstance
from spice.domain.envelope import EventEnvelope
from tests.server import ServerProcess

CLASS = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "required": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "qty", "type": "integer"},
        {"name": "price", "type": "decimal"},
        {"name": "active", "type": "boolean"},
    ],
}
CLIENTS = (1, 4, 16)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(i: int, prefix: str) -> dict[str, object]:
    return {
        "item_id": f"{prefix}{i}",
        "name": f"품목 {i}",
        "qty": i,
        "price": "12.50",
        "active": i % 2 == 0,
    }


def health_latencies(client: httpx.Client, n: int) -> list[float]:
    """`n` sequential `GET /health` round trips (ms): the HTTP floor of the other benches."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        client.get("/health").raise_for_status()
        out.append((time.perf_counter() - t) * 1000)
    return out


class Connection:
    """One client: a keep-alive HTTP/1.1 connection (the standard library's, so the
    bench's own CPU per request stays small next to the server's)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        self.headers = {"Content-Type": "application/json", **headers}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        payload = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, payload, self.headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Run:
    """Requests made by `clients` concurrent clients: their latencies (ms) and the wall
    time from the first request to the last answer."""

    clients: int
    latencies: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return pct(self.latencies, 0.99)


# One request of a client: (connection, client number, request number) -> HTTP status.
Request = Callable[[Connection, int, int], int]


def concurrently(
    url: str, headers: dict[str, str], clients: int, total: int, request: Request
) -> Run:
    """`total` requests split over `clients` threads, each sending its share back to back."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        conn = Connection(url, headers)
        try:
            start.wait()
            for i in range(total // clients):
                t = time.perf_counter()
                status = request(conn, number, i)
                latencies[number].append((time.perf_counter() - t) * 1000)
                if status >= 300:
                    errors.append(f"HTTP {status}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, first: {errors[0]}")
    return Run(clients, [x for xs in latencies for x in xs], elapsed)


def health(conn: Connection, _client: int, _i: int) -> int:
    return conn.call("GET", "/health")[0]


def single_create(tag: str) -> Request:
    def create(conn: Connection, client: int, i: int) -> int:
        body = {"data": row(i, f"{tag}-{client}-")}
        status, answer = conn.call(
            "POST", "/api/v1/database/bench/instances/Item/create?wait=true", body
        )
        if status != 200:
            raise RuntimeError(f"create answered {status}: {answer}")
        return status

    return create


def bulk_until_readable(url: str, headers: dict[str, str], n: int, prefix: str = "b") -> float:
    rows = [row(i, prefix) for i in range(n)]
    conn = Connection(url, headers)
    try:
        t = time.perf_counter()
        status, answer = conn.call(
            "POST",
            "/api/v1/database/bench/instances/Item/bulk-create?wait=true&timeout=300",
            {"instances": rows},
        )
        assert status == 200, answer
        position = answer["data"]["result"]["position"]
        status, listed = conn.call(
            "GET", f"/api/v1/database/bench/instances/Item?limit=1&min_position={position}"
        )
        elapsed = time.perf_counter() - t
    finally:
        conn.close()
    assert listed["data"]["total"] >= n, listed
    return elapsed


def queue_creates(container: Container, commands: int) -> int:
    """A database and class, then `commands` creates accepted and left waiting for the
    (stopped) in-process worker; the log position they end at."""
    service, worker = container.commands, container.worker
    service.submit(CreateDatabase(database=None, name="drain"))
    worker.run_until_caught_up()
    service.submit(CreateClass(database="drain", definition=CLASS))
    worker.run_until_caught_up()
    for i in range(commands):
        service.submit(CreateInstance(database="drain", class_id="Item", data=row(i, "d")))
    return container.events.head_position()


def drain_rate(container: Container, commands: int) -> tuple[float, float]:
    """Commands/s of the command worker alone: `commands` creates are put in the log with
    the worker stopped, then timed from its start until the last outcome. Also what the
    same store takes of the events the worker wrote, appended straight in (per second)."""
    worker = container.worker
    before = queue_creates(container, commands)
    t = time.perf_counter()
    worker.run_until_caught_up()
    seconds = time.perf_counter() - t
    written = container.events.read_all(before, 2 * commands + 10)
    assert sum(e.event_type == "InstanceCreated" for e in written) == commands
    return commands / seconds, _raw_append_rate(container, written)


def _raw_append_rate(container: Container, written: list[EventEnvelope]) -> float:
    """Events/s when the same events (fresh ids, streams of their own) are appended
    straight into the store, 100 per append like a worker's batch."""
    copies = [
        EventEnvelope(
            new_id(),
            e.event_type,
            e.aggregate_type,
            f"raw-{e.aggregate_id}-{new_id()}",
            1,
            e.occurred_at,
            e.actor,
            e.data,
            {**e.metadata, "database": "raw"},
        )
        for e in written
    ]
    t = time.perf_counter()
    for i in range(0, len(copies), 100):
        container.events.append(copies[i : i + 100])
    return len(copies) / (time.perf_counter() - t)


@contextmanager
def profile_fields(profile: str) -> Iterator[dict[str, Any]]:
    """Settings fields of the stores: none for embedded (the data directory's defaults),
    the test services for distributed."""
    if profile == "embedded":
        yield {}
        return
    from tests.services import distributed_urls

    with distributed_urls() as urls:
        yield urls


def setup(url: str, headers: dict[str, str]) -> None:
    conn = Connection(url, headers)
    try:
        for path, body in (
            ("/api/v1/databases?wait=true", {"name": "bench"}),
            ("/api/v1/database/bench/ontology?wait=true", CLASS),
        ):
            status, answer = conn.call("POST", path, body)
            assert status == 200, answer
    finally:
        conn.close()


def measure_server(
    url: str, headers: dict[str, str], singles: int, bulk: int, bulks: int = 1
) -> tuple[dict[int, Run], dict[int, Run], list[float]]:
    """Health and single creates at each concurrency, then `bulks` bulk creates of `bulk`
    one after the other (seconds each): a class that grows must not slow them down."""
    setup(url, headers)
    rounds = {c: concurrently(url, headers, c, singles, health) for c in CLIENTS}
    creates = {c: concurrently(url, headers, c, singles, single_create(f"s{c}")) for c in CLIENTS}
    seconds = [
        bulk_until_readable(url, headers, bulk, f"b{i}-") for i in range(bulks if bulk else 0)
    ]
    return rounds, creates, seconds


def print_singles(rounds: dict[int, Run], creates: dict[int, Run]) -> None:
    print("single creates with ?wait=true (request to COMPLETED and readable):")
    print("  clients  commands/s    p50 ms    p99 ms | GET /health: req/s  p50 ms")
    for c in CLIENTS:
        r, h = creates[c], rounds[c]
        print(
            f"  {c:7d}  {r.rate:10.0f}  {r.p50:8.2f}  {r.p99:8.2f} |"
            f" {h.rate:16.0f}  {h.p50:6.2f}   (a create costs {r.p50 / h.p50:.1f}x a round trip)"
        )


def print_bulk(bulk: int, seconds: float | list[float]) -> None:
    rounds = seconds if isinstance(seconds, list) else [seconds]
    rates = ", ".join(f"{bulk / s:,.0f}/s" for s in rounds)
    print(f"bulk create of {bulk} until all readable, {len(rounds)} in a row: {rates}")


def print_drain(commands: int, rate: float, raw: float) -> None:
    print(
        f"command worker alone, {commands} creates waiting: {rate:,.0f} commands/s "
        f"(the same events appended straight in: {raw:,.0f} events/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=("embedded", "distributed"), default="embedded")
    parser.add_argument("--singles", type=int, default=960, help="creates per concurrency")
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--bulks", type=int, default=3, help="bulk creates one after another")
    parser.add_argument("--drain", type=int, default=3000)
    args = parser.parse_args()
    print(f"profile: {args.profile}")
    with tempfile.TemporaryDirectory() as tmp, profile_fields(args.profile) as fields:
        env = {f"SPICE_{k.upper()}": str(v) for k, v in fields.items()}
        server = ServerProcess(Path(tmp) / "data", env=env)
        (Path(tmp) / "data").mkdir()
        server.start()
        try:
            rounds, creates, bulk_s = measure_server(
                server.url, {}, args.singles, args.bulk, args.bulks
            )
        finally:
            server.stop()
        print_singles(rounds, creates)
        print_bulk(args.bulk, bulk_s)
    with tempfile.TemporaryDirectory() as tmp, profile_fields(args.profile) as fields:
        settings = Settings(data_dir=Path(tmp), run_workers=False).model_copy(update=fields)
        container = build_container(settings)
        try:
            rate, raw = drain_rate(container, args.drain)
        finally:
            container.stop()
        print_drain(args.drain, rate, raw)


if __name__ == "__main__":
    main()
