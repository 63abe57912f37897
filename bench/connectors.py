"""Connector syncs on the embedded profile, against a file of 100,000 rows served by a local
HTTP server (with an ETag): the first snapshot sync until reads show the last row, a second
sync after 1% of the rows changed, and a poll of the unchanged source.

- First sync: rows/s from the sync's submission until reads show its last write. Baseline in
  the same run: the same rows uploaded as a dataset version and imported by a plain
  `create` import run (the path a one-time onboarding takes).
- Second sync: seconds, against the first sync's; and the instance events it wrote (only
  the changed rows should be written).
- Unchanged poll: the scheduler's poll of the source (a conditional request answered 304),
  in ms, and whether anything was written to the log.

Run: .venv/bin/python -m bench.connectors [--rows N]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table as RichTable

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app

AIM_ROWS_PER_S = 5000
AIM_SECOND_RATIO = 0.10
AIM_POLL_MS = 100
CHANGES = ("InstanceCreated", "InstanceUpdated", "InstanceDeleted", "InstanceRestored")
SPEC: dict[str, Any] = {
    "classes": [
        {
            "id": "Reading",
            "properties": [
                {"name": "reading_id", "type": "string", "required": True},
                {"name": "site", "type": "string"},
                {"name": "value", "type": "decimal"},
                {"name": "status", "type": "string"},
            ],
        }
    ],
    "sources": [
        {
            "dataset": "readings",
            "class_id": "Reading",
            "key": ["reading_id"],
            "properties": [
                {"property": p, "column": p, "transforms": ["trim"]}
                for p in ("reading_id", "site", "status")
            ]
            + [
                {
                    "property": "value",
                    "column": "value",
                    "transforms": ["trim", {"op": "parse", "as": "decimal"}],
                }
            ],
            "links": [],
        }
    ],
}


def _csv(rows: int, changed: int = 0) -> bytes:
    """`rows` readings; the first `changed` of every hundred have a new value."""
    lines = ["reading_id,site,value,status"]
    for i in range(rows):
        value = i * 0.5 + (1000 if i % 100 < changed else 0)
        lines.append(f"R{i:06d},S{i % 40},{value},{'ok' if i % 7 else 'check'}")
    return ("\n".join(lines) + "\n").encode()


class _Served:
    body = b""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        return None

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = _Served.body
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def _wait(client: TestClient, command_id: str) -> dict[str, Any]:
    while True:
        status = _ok(client.get(f"/api/v1/commands/{command_id}/status"))
        if status["status"] in ("COMPLETED", "FAILED"):
            assert status["status"] == "COMPLETED", status
            return status
        time.sleep(0.02)


def _readable(client: TestClient, db: str, position: int) -> None:
    url = f"/api/v1/database/{db}/instances/Reading?limit=1&min_position={position}&timeout=300"
    _ok(client.get(url))


def _events(client: TestClient, after: int) -> int:
    container = client.app.state.container  # type: ignore[attr-defined]
    found = container.events.read_all(after, 10_000_000)
    return sum(1 for e in found if e.event_type in CHANGES)


def _head(client: TestClient) -> int:
    return int(client.app.state.container.events.head_position())  # type: ignore[attr-defined]


def baseline(client: TestClient, data: bytes) -> float:
    """Seconds of a one-time onboarding of the same rows: upload, then a create import."""
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "once"}))
    started = time.perf_counter()
    url = "/api/v1/databases/once/datasets/readings/versions?wait=true&timeout=300"
    _ok(client.post(url, files={"file": ("readings.csv", data)}))
    _ok(client.put("/api/v1/databases/once/mappings/m?wait=true", json=SPEC))
    accepted = _ok(client.post("/api/v1/databases/once/imports", json={"mapping": "m"}))
    status = _wait(client, accepted["command_id"])
    _readable(client, "once", status["result"]["position"])
    return time.perf_counter() - started


def syncs(client: TestClient, url: str, rows: int) -> dict[str, float]:
    db = "/api/v1/databases/live"
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "live"}))
    _Served.body = _csv(10)
    body = {"kind": "http_file", "config": {"url": url}, "dataset": "readings"}
    _ok(client.put(f"{db}/connectors/feed?wait=true", json=body))
    _ok(client.post(f"{db}/connectors/feed/sync?wait=true&timeout=300"))  # makes the dataset
    _ok(client.put(f"{db}/mappings/m?wait=true", json=SPEC))
    body["import"] = {"mapping": "m", "mode": "snapshot"}
    _ok(client.put(f"{db}/connectors/feed?wait=true", json=body))
    _Served.body = _csv(rows)
    out: dict[str, float] = {}
    for phase, data in (("first", _csv(rows)), ("second", _csv(rows, changed=1))):
        _Served.body = data
        before = _head(client)
        started = time.perf_counter()
        accepted = _ok(client.post(f"{db}/connectors/feed/sync"))
        status = _wait(client, accepted["command_id"])
        _readable(client, "live", status["result"]["position"])
        out[f"{phase} s"] = time.perf_counter() - started
        out[f"{phase} events"] = _events(client, before)
    container = client.app.state.container  # type: ignore[attr-defined]
    before = _head(client)
    polls = []
    for _ in range(20):
        started = time.perf_counter()
        assert container.syncs.poll("live", "feed") is None
        polls.append(time.perf_counter() - started)
    out["poll ms"] = statistics.median(polls) * 1000
    out["poll writes"] = _head(client) - before
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/readings.csv"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            fetch_private_networks=True,
            connector_tick_seconds=3600,
            max_upload_bytes=200 * 1024 * 1024,
        )
        with TestClient(create_app(settings), base_url="http://localhost") as client:
            once = baseline(client, _csv(args.rows))
            found = syncs(client, url, args.rows)
    server.shutdown()
    table = RichTable(title=f"connector syncs, {args.rows:,} rows, embedded")
    for column in ("measure", "value", "aim"):
        table.add_column(column)
    first_rate = args.rows / found["first s"]
    table.add_row("first snapshot sync, rows/s", f"{first_rate:,.0f}", f">= {AIM_ROWS_PER_S:,}")
    table.add_row("baseline: upload + create import, rows/s", f"{args.rows / once:,.0f}", "")
    table.add_row("first sync / baseline time", f"{found['first s'] / once:.2f}", "")
    ratio = found["second s"] / found["first s"]
    table.add_row("second sync (1% changed), s", f"{found['second s']:.2f}", "")
    table.add_row("second / first sync time", f"{ratio:.3f}", f"< {AIM_SECOND_RATIO}")
    table.add_row(
        "second sync instance events", f"{found['second events']:.0f}", f"{args.rows // 100}"
    )
    table.add_row("unchanged poll (304), median ms", f"{found['poll ms']:.1f}", f"< {AIM_POLL_MS}")
    table.add_row("unchanged poll, events written", f"{found['poll writes']:.0f}", "0")
    Console().print(table)


if __name__ == "__main__":
    main()
