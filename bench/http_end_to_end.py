"""End to end through HTTP against a real `spice serve` process.

Measures single creates (request to COMPLETED, p50/p99), and a bulk create of 10,000
instances until all are readable; baselines measured in the same run: the HTTP round trip of
`GET /health` on the same server, and appending the same 10,000 events straight into a SQLite
event store (no API, no validation, no projection).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.application.commands.ids import new_id
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
    out = []
    for _ in range(n):
        t = time.perf_counter()
        client.get("/health").raise_for_status()
        out.append((time.perf_counter() - t) * 1000)
    return out


def single_create_latencies(client: httpx.Client, n: int) -> list[float]:
    """Request to COMPLETED (and readable): `?wait=true` answers only then."""
    out = []
    for i in range(n):
        t = time.perf_counter()
        r = client.post(
            "/api/v1/database/bench/instances/Item/create?wait=true", json={"data": row(i, "s")}
        )
        assert r.status_code == 200, r.text
        out.append((time.perf_counter() - t) * 1000)
    return out


def bulk_until_readable(client: httpx.Client, n: int) -> float:
    rows = [row(i, "b") for i in range(n)]
    t = time.perf_counter()
    r = client.post(
        "/api/v1/database/bench/instances/Item/bulk-create?wait=true&timeout=300",
        json={"instances": rows},
        timeout=300,
    )
    assert r.status_code == 200, r.text
    position = r.json()["data"]["result"]["position"]
    listed = client.get(
        "/api/v1/database/bench/instances/Item", params={"limit": 1, "min_position": position}
    ).json()
    elapsed = time.perf_counter() - t
    assert listed["data"]["total"] >= n
    return elapsed


def raw_append_seconds(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteEventStore(Path(tmp) / "events.db")
        events = [
            EventEnvelope(
                new_id(),
                "InstanceCreated",
                "Instance",
                f"inst:bench:main:Item:r{i}",
                1,
                "2026-01-01T00:00:00Z",
                "bench",
                {"class_id": "Item", "instance_id": f"r{i}", "values": row(i, "r")},
                {"kind": "event", "database": "bench", "branch": "main"},
            )
            for i in range(n)
        ]
        t = time.perf_counter()
        store.append(events)
        elapsed = time.perf_counter() - t
        store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--bulk", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data")
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                client.post("/api/v1/databases?wait=true", json={"name": "bench"})
                client.post("/api/v1/database/bench/ontology?wait=true", json=CLASS)
                report(client, args.singles, args.bulk)
        finally:
            server.stop()


def report(client: httpx.Client, singles: int, bulk: int) -> None:
    health = health_latencies(client, singles)
    creates = single_create_latencies(client, singles)
    bulk_s = bulk_until_readable(client, bulk)
    raw_s = raw_append_seconds(bulk)
    h50, c50, c99 = statistics.median(health), statistics.median(creates), pct(creates, 0.99)
    print(f"single create, request to COMPLETED+readable ({singles} sequential):")
    print(
        f"  p50 {c50:.2f} ms  p99 {c99:.2f} ms   (aim: p50 < 20 ms: "
        f"{'met' if c50 < 20 else 'NOT met'})"
    )
    print(f"  baseline GET /health p50 {h50:.2f} ms -> create costs {c50 / h50:.1f}x a round trip")
    rate = bulk / bulk_s
    print(
        f"bulk create of {bulk} until all readable: {bulk_s:.2f} s = {rate:,.0f} instances/s "
        f"(aim: >= 3,000/s: {'met' if rate >= 3000 else 'NOT met'})"
    )
    print(
        f"  baseline raw event store append of {bulk} events: {raw_s:.2f} s "
        f"({bulk / raw_s:,.0f}/s) -> end to end is {raw_s / bulk_s:.2f}x of raw append speed"
    )


if __name__ == "__main__":
    main()
