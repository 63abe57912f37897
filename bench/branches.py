"""Version control against a real `spice serve` process: branch creation, as-of reads, and
reads on a branch against the same reads on main.

- Branch creation through HTTP to COMPLETED (`?wait=true`) on a database with no instances
  and on one with INSTANCES instances (aim: under 35 ms and flat). Same-run baselines:
  `GET /health` (the HTTP floor) and one create-instance to COMPLETED (a write's floor).
- As-of load of one instance with EVENTS events, at random points of its history (aim:
  p99 under 10 ms); baseline: the same GET without `as_of`.
- Reads on a branch forked from the large database against the same reads on main (aim:
  within 1.5x): instance get, a page of the instance list, a graph query with one hop, and
  a filtered search (a branch is searched in the document read model, main in the index).

- Diff and merge of CHANGES instances a branch added (bulk-created on it): the diff from
  main to the branch (counts over all, a page of 1,000 rows; aim under 450 ms), and the
  merge into main through the API to COMPLETED (aim under 1 s). Baseline: the same rows
  bulk-created straight on main, to COMPLETED.

Run: .venv/bin/python -m bench.branches [--instances N] [--events N] [--changes N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench.http_end_to_end import health_latencies, pct
from tests.server import ServerProcess

ITEM = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "primary_key": True},
        {"name": "name", "type": "string"},
        {"name": "qty", "type": "integer"},
    ],
    "relationships": [{"predicate": "part_of", "target": "Item", "cardinality": "n:1"}],
}


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


def _database(client: httpx.Client, db: str, instances: int) -> None:
    _ok(client.post("/api/v1/databases?wait=true", json={"name": db}))
    _ok(client.post(f"/api/v1/database/{db}/ontology?wait=true", json=ITEM))
    for start in range(0, instances, 5000):
        rows = [
            {"item_id": f"i{i:06d}", "name": f"품목 {i}", "qty": i % 100}
            | ({"part_of": f"Item/i{i // 10:06d}"} if i >= 10 else {})
            for i in range(start, min(instances, start + 5000))
        ]
        url = f"/api/v1/database/{db}/instances/Item/bulk-create?wait=true&timeout=300"
        _ok(client.post(url, json={"instances": rows}, timeout=600))


def _timed(call: Callable[[], httpx.Response], n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        _ok(call())
        out.append((time.perf_counter() - started) * 1000)
    return out


def _branches(client: httpx.Client, db: str, n: int) -> list[float]:
    counter = iter(range(n))

    def create() -> httpx.Response:
        return client.post(
            f"/api/v1/databases/{db}/branches?wait=true", json={"name": f"b{next(counter)}"}
        )

    return _timed(create, n)


def _history(client: httpx.Client, events: int) -> list[int]:
    """One instance changed `events` times (by 8 clients); the log positions of its
    versions."""
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "long"}))
    _ok(client.post("/api/v1/database/long/ontology?wait=true", json=ITEM))
    url = "/api/v1/database/long/instances/Item"
    _ok(client.post(f"{url}/create?wait=true", json={"data": {"item_id": "x", "qty": 0}}))

    def change(i: int) -> int:
        body = _ok(client.put(f"{url}/x/update?wait=true", json={"data": {"qty": i}}))
        return int(body["data"]["result"]["position"])

    with ThreadPoolExecutor(8) as pool:
        return sorted(pool.map(change, range(1, events)))


def _row(table: Table, name: str, values: list[float], baseline: list[float] | None) -> None:
    ratio = "" if baseline is None else f"{pct(values, 0.5) / pct(baseline, 0.5):.2f}x"
    table.add_row(name, f"{pct(values, 0.5):.1f}", f"{pct(values, 0.99):.1f}", ratio)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--merge-only", action="store_true", help="only the diff and merge")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data")
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=120) as client:
                run(console, client, args)
        finally:
            server.stop()


def run(console: Console, client: httpx.Client, args: argparse.Namespace) -> None:
    n = args.repeat
    if args.changes:
        diff_and_merge(console, client, args.changes)
    if args.merge_only:
        return
    console.print(f"loading: empty database, {args.instances:,} instances, {args.events:,} events")
    _database(client, "empty", 0)
    _database(client, "big", args.instances)
    positions = _history(client, args.events)
    health = health_latencies(client, n * 3)
    write = _timed(
        lambda: client.post(
            "/api/v1/database/empty/instances/Item/create?wait=true",
            json={"data": {"item_id": f"w{time.perf_counter_ns()}"}},
        ),
        n,
    )
    empty, big = _branches(client, "empty", n), _branches(client, "big", n)
    table = Table(title="branch creation, HTTP to COMPLETED (ms)")
    for column in ("", "p50", "p99", "vs create-instance"):
        table.add_column(column)
    _row(table, "GET /health (floor)", health, None)
    _row(table, "create instance (write floor)", write, None)
    _row(table, "branch of an empty database", empty, write)
    _row(table, f"branch of {args.instances:,} instances", big, write)
    console.print(table)

    rng = random.Random(7)
    url = "/api/v1/database/long/instances/Item/x"
    now = _timed(lambda: client.get(url), n * 3)
    past = _timed(lambda: client.get(url, params={"as_of": rng.choice(positions)}), n * 3)
    table = Table(title=f"one instance with {args.events:,} events (ms)")
    for column in ("", "p50", "p99", "vs current"):
        table.add_column(column)
    _row(table, "GET current", now, None)
    _row(table, "GET as_of a random version", past, now)
    console.print(table)

    _ok(
        client.put(
            "/api/v1/database/big/instances/Item/i000005/update?branch=b0&wait=true",
            json={"data": {"name": "on the branch"}},
        )
    )
    items = "/api/v1/database/big/instances/Item"
    graph = {
        "start_class": "Item",
        "hops": [{"predicate": "part_of", "target_class": "Item"}],
        "limit": 50,
    }
    search = {"class_id": "Item", "filter": {"term": {"qty": 7}}, "limit": 20}
    middle = args.instances // 2
    reads: dict[str, Callable[[str], httpx.Response]] = {
        "instance get": lambda b: client.get(f"{items}/i{middle + 7:06d}", params={"branch": b}),
        f"list page (offset {middle:,})": lambda b: client.get(
            items, params={"branch": b, "offset": middle, "limit": 100}
        ),
        "graph query, 1 hop": lambda b: client.post(
            "/api/v1/graph-query/big", params={"branch": b}, json=graph
        ),
        "search, one filter": lambda b: client.post(
            "/api/v1/database/big/search", params={"branch": b}, json=search
        ),
    }
    table = Table(title=f"reads on a branch of {args.instances:,} instances vs main (ms)")
    for column in ("", "p50", "p99", "vs main"):
        table.add_column(column)
    for name, read in reads.items():
        on_main = _timed(lambda r=read: r("main"), n)
        on_branch = _timed(lambda r=read: r("b0"), n)
        _row(table, f"{name}, main", on_main, None)
        _row(table, f"{name}, branch", on_branch, on_main)
    console.print(table)


def diff_and_merge(console: Console, client: httpx.Client, changes: int) -> None:
    """A branch that added `changes` instances: its diff from main, and its merge."""
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "merging"}))
    _ok(client.post("/api/v1/database/merging/ontology?wait=true", json=ITEM))
    _ok(client.post("/api/v1/databases/merging/branches?wait=true", json={"name": "wide"}))
    rows = [{"item_id": f"n{i:06d}", "name": f"새 품목 {i}", "qty": i % 7} for i in range(changes)]
    bulk = "/api/v1/database/merging/instances/Item/bulk-create?wait=true&timeout=300"
    started = time.perf_counter()
    _ok(client.post(bulk.replace("?", "?branch=wide&"), json={"instances": rows}, timeout=600))
    on_branch = (time.perf_counter() - started) * 1000
    diff = _timed(
        lambda: client.get(
            "/api/v1/databases/merging/diff", params={"from": "main", "to": "wide", "limit": 1000}
        ),
        5,
    )
    started = time.perf_counter()
    accepted = _ok(client.post("/api/v1/databases/merging/merge", json={"source": "wide"}))
    status_url = f"/api/v1/commands/{accepted['command_id']}/status"
    while (status := _ok(client.get(status_url)))["status"] not in ("COMPLETED", "FAILED"):
        time.sleep(0.005)
    merge_ms = (time.perf_counter() - started) * 1000
    assert status["status"] == "COMPLETED", status
    wait = f"limit=1&min_position={status['result']['position']}&timeout=300"
    _ok(client.get(f"/api/v1/database/merging/instances/Item?{wait}", timeout=400))
    readable_ms = (time.perf_counter() - started) * 1000
    merged = {"data": {"result": status["result"]}}
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "straight"}))
    _ok(client.post("/api/v1/database/straight/ontology?wait=true", json=ITEM))
    started = time.perf_counter()
    _ok(client.post(bulk.replace("merging", "straight"), json={"instances": rows}, timeout=600))
    straight = (time.perf_counter() - started) * 1000
    table = Table(title=f"diff and merge of {changes:,} instances a branch added (ms)")
    for column in ("", "ms", "vs bulk create on main"):
        table.add_column(column)
    table.add_row("bulk create on main (baseline)", f"{straight:.0f}", "")
    table.add_row("bulk create on the branch", f"{on_branch:.0f}", f"{on_branch / straight:.2f}x")
    table.add_row(
        "diff main -> branch, p50 (page of 1,000)",
        f"{pct(diff, 0.5):.0f}",
        f"{pct(diff, 0.5) / straight:.2f}x",
    )
    table.add_row("merge into main, to COMPLETED", f"{merge_ms:.0f}", f"{merge_ms / straight:.2f}x")
    table.add_row(
        "merge into main, until reads show it",
        f"{readable_ms:.0f}",
        f"{readable_ms / straight:.2f}x",
    )
    console.print(table)
    console.print(f"merge wrote {merged['data']['result']['events']:,} events")


if __name__ == "__main__":
    main()
