"""Read side against a real `spice serve` process: search, 3-hop graph queries, indexing.

Loads 100,000 instances over four linked classes (City <- Customer <- Order <- Parcel),
then measures, through HTTP: search p50/p99 for a selective and a broad query, a 3-hop
graph query with limit 100 at varying offsets, the time from a command's COMPLETED answer
to its instance being searchable, and indexing throughput (a full `rebuild --search`).
Baselines measured in the same run: `GET /health` on the same server (the HTTP floor), the
same queries straight on the Tantivy index in this process (the engine floor), and raw
Tantivy indexing of the same documents with a minimal schema.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import tantivy
from rich.console import Console

from bench.http_end_to_end import health_latencies, pct
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.application.search.query import SearchQuery
from spice.bootstrap.settings import Settings
from spice.entrypoints.cli.tasks import rebuild_read_models
from tests.server import ServerProcess

CITIES = ["서울", "부산", "인천", "대구", "대전", "광주", "수원", "울산"]
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤"]
STATUS = ["created", "picked", "shipped", "delivered", "returned"]
CARRIERS = ["CJ대한통운", "한진택배", "롯데택배", "우체국택배"]


def _cls(cid: str, props: list[tuple[str, str]], rels: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": cid,
        "properties": [
            {"name": n, "type": t, "required": i == 0} for i, (n, t) in enumerate(props)
        ],
        "relationships": [{"predicate": p, "target": t, "cardinality": "n:1"} for p, t in rels],
    }


CLASSES = [
    _cls("City", [("city_id", "string"), ("name", "string")], []),
    _cls(
        "Customer",
        [("customer_id", "string"), ("name", "string"), ("grade", "string")],
        [("lives_in", "City")],
    ),
    _cls(
        "Order",
        [("order_id", "string"), ("status", "string"), ("amount", "integer")],
        [("placed_by", "Customer")],
    ),
    _cls(
        "Parcel",
        [("parcel_id", "string"), ("carrier", "string"), ("weight", "float")],
        [("part_of", "Order")],
    ),
]
COUNTS = {"City": 1_000, "Customer": 20_000, "Order": 40_000, "Parcel": 39_000}


def rows(cls: str, rng: random.Random) -> list[dict[str, Any]]:
    n = COUNTS[cls]
    if cls == "City":
        return [{"city_id": f"ci{i}", "name": f"{CITIES[i % 8]} {i}구"} for i in range(n)]
    if cls == "Customer":
        return [
            {
                "customer_id": f"cu{i}",
                "name": f"{rng.choice(SURNAMES)}고객{i} {CITIES[i % 8]}",
                "grade": rng.choice("ABC"),
                "lives_in": f"ci{rng.randrange(COUNTS['City'])}",
            }
            for i in range(n)
        ]
    if cls == "Order":
        return [
            {
                "order_id": f"o{i}",
                "status": rng.choice(STATUS),
                "amount": rng.randint(1_000, 500_000),
                "placed_by": f"cu{rng.randrange(COUNTS['Customer'])}",
            }
            for i in range(n)
        ]
    return [
        {
            "parcel_id": f"pa{i}",
            "carrier": rng.choice(CARRIERS),
            "weight": round(rng.uniform(0.1, 30), 2),
            "part_of": f"o{rng.randrange(COUNTS['Order'])}",
        }
        for i in range(n)
    ]


def load(client: httpx.Client, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    client.post("/api/v1/databases?wait=true", json={"name": "bench"}).raise_for_status()
    data = {}
    for definition in CLASSES:
        url = "/api/v1/database/bench/ontology?wait=true"
        client.post(url, json=definition).raise_for_status()
        data[definition["id"]] = rows(definition["id"], rng)
        for start in range(0, len(data[definition["id"]]), 10_000):
            chunk = data[definition["id"]][start : start + 10_000]
            url = f"/api/v1/database/bench/instances/{definition['id']}/bulk-create"
            r = client.post(f"{url}?wait=true&timeout=300", json={"instances": chunk})
            r.raise_for_status()
    return data


def head(client: httpx.Client) -> int:
    return int(client.get("/health").json()["data"]["log_position"])


def wait_indexed(client: httpx.Client) -> float:
    t = time.perf_counter()
    position = head(client)
    client.post(
        f"/api/v1/database/bench/search?min_position={position}&timeout=300", json={"limit": 1}
    ).raise_for_status()
    return time.perf_counter() - t


def timed(fn: Any, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name: str, ms: list[float], floor: list[float], engine: list[float] | None) -> None:
    p50, p99 = statistics.median(ms), pct(ms, 0.99)
    line = f"  {name:<44} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
    line += f"  | {p50 / statistics.median(floor):4.1f}x GET /health"
    if engine:
        line += f", {p50 / statistics.median(engine):5.1f}x Tantivy alone"
    print(line)


SEARCHES = {
    "selective: text of one customer": {"query": "고객12345", "class_id": "Customer"},
    "selective: term filter on order_id": {"filter": {"term": {"order_id": "o31337"}}},
    "broad: text 서울 (1/8 of customers)": {"query": "서울", "limit": 20},
    "broad: status filter + facets, sorted": {
        "class_id": "Order",
        "filter": {"term": {"status": "shipped"}},
        "facets": ["status"],
        "sort": "amount",
        "order": "desc",
        "limit": 20,
    },
}


def engine_latencies(index: TantivySearchIndex, n: int) -> dict[str, list[float]]:
    queries = {
        "selective: text of one customer": SearchQuery("bench", "main", "고객12345", ("Customer",)),
        "selective: term filter on order_id": SearchQuery(
            "bench", "main", filter=("term", "order_id", "o31337")
        ),
        "broad: text 서울 (1/8 of customers)": SearchQuery("bench", "main", "서울"),
    }
    return {k: timed(lambda _, q=q: index.search(q), n) for k, q in queries.items()}


def raw_indexing(docs: list[dict[str, Any]]) -> float:
    """Documents per second into a bare Tantivy index (one text and one JSON field)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw")
    sb.add_json_field("data", stored=True, fast=True, tokenizer_name="raw")
    with tempfile.TemporaryDirectory() as tmp:
        index = tantivy.Index(sb.build(), path=tmp)
        writer = index.writer(32_000_000, 1)
        t = time.perf_counter()
        for i, data in enumerate(docs):
            doc = tantivy.Document()
            doc.add_text("key", str(i))
            doc.add_json("data", json.dumps(data))
            writer.add_document(doc)
        writer.commit()
        return len(docs) / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--freshness", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data")
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=300) as client:
                t = time.perf_counter()
                data = load(client, rng)
                loaded = time.perf_counter() - t
                lag = wait_indexed(client)
                total = sum(len(v) for v in data.values())
                # The 100,000 rows stay in this process; keep them out of its garbage
                # collector, whose full passes would otherwise land inside timed requests.
                gc.collect()
                gc.freeze()
                print(
                    f"loaded {total} instances in {loaded:.1f} s; index caught up {lag:.2f} s later"
                )
                run(client, server, args, data)
        finally:
            server.stop()


def run(client: httpx.Client, server: ServerProcess, args: Any, data: dict[str, Any]) -> None:
    n = args.queries
    floor = health_latencies(client, n)
    print(f"search through HTTP ({n} requests each):")
    engine = engine_latencies(TantivySearchIndex(server.data_dir / "search"), n)
    for name, body in SEARCHES.items():
        ms = timed(lambda _, b=body: client.post("/api/v1/database/bench/search", json=b), n)
        report(name, ms, floor, engine.get(name))
    hops = {
        "start_class": "Parcel",
        "hops": [
            {"predicate": "part_of", "target_class": "Order"},
            {"predicate": "placed_by", "target_class": "Customer"},
            {"predicate": "lives_in", "target_class": "City"},
        ],
        "limit": 100,
    }

    def graph(offset: int) -> None:
        r = client.post("/api/v1/graph-query/bench", json={**hops, "offset": offset})
        assert len(r.json()["data"]["nodes"]) >= 100, r.text

    print("graph query through HTTP (limit 100):")
    first_pages = timed(lambda i: graph(i % 10 * 100), n)
    report("3 hops, the first 10 pages (offset 0-900)", first_pages, floor, None)
    deep = timed(lambda i: graph(10_000 + i * 1_000), 20)
    report("3 hops, deep pages (offset 10,000-29,000)", deep, floor, None)
    fresh = freshness(client, args.freshness)
    print(f"COMPLETED to searchable ({args.freshness} creates, each answered at COMPLETED):")
    print(f"  p50 {statistics.median(fresh):.1f} ms  p99 {pct(fresh, 0.99):.1f} ms")
    docs = [row for rows_ in data.values() for row in rows_]
    settings = Settings(data_dir=server.data_dir)
    t = time.perf_counter()
    with open(server.data_dir.parent / "rebuild.log", "w") as log:
        rebuild_read_models(settings, Console(file=log), documents=False, search=True)
    ours = head(client) / (time.perf_counter() - t)
    raw = raw_indexing(docs)
    print("indexing throughput (rebuild --search from the log, server running):")
    print(f"  ours {ours:,.0f} events/s  | bare Tantivy {raw:,.0f} docs/s -> {ours / raw:.2f}x")


def freshness(client: httpx.Client, n: int) -> list[float]:
    out = []
    for i in range(n):
        body = {"data": {"city_id": f"fresh{i}", "name": f"신도시 {i}"}}
        r = client.post("/api/v1/database/bench/instances/City/create?wait=true", json=body)
        r.raise_for_status()
        done = time.perf_counter()
        query = {"filter": {"term": {"city_id": f"fresh{i}"}}, "limit": 1}
        while True:
            found = client.post("/api/v1/database/bench/search", json=query).json()
            if found["data"]["total"]:
                break
        out.append((time.perf_counter() - done) * 1000)
    return out


if __name__ == "__main__":
    main()
