"""Onboarding the synthetic 3PL dataset (15 CSVs, 35,296 rows) on the embedded profile:
upload, inference and suggestion, the import run, and reads caught up, each timed.

Import rows/s is the import run alone (submitted until its status is COMPLETED): the
classes, a dry run of every row (a run without `allow_partial` checks all rows before it
writes any), then the `ImportRows` batches. Baseline in the same run: `bulk-create` of the
same instances (the values the import wrote, as JSON) into a second database with the same
ontology, in batches of the same size, each waited for. End to end is everything from the
first upload until reads show the last row, as `spice import --yes` does it.

Run: .venv/bin/python -m bench.onboarding [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table as RichTable

from spice.application.datasets.plans import BATCH_ROWS
from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "datasets" / "synthetic_3pl"
AIM_ROWS_PER_S = 5000
AIM_END_TO_END_S = 60


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def _wait(client: TestClient, command_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _ok(client.get(f"/api/v1/commands/{command_id}/status"))
        if status["status"] in ("COMPLETED", "FAILED"):
            assert status["status"] == "COMPLETED", status
            return status
        time.sleep(0.02)
    raise TimeoutError(command_id)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def onboard(client: TestClient) -> dict[str, float]:
    """One onboarding into database `logi`; seconds per phase."""
    times: dict[str, float] = {}
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "logi"}))
    started = time.perf_counter()

    def upload() -> None:
        for path in sorted(DATA.glob("*.csv")):
            url = f"/api/v1/databases/logi/datasets/{path.stem}/versions?wait=true&timeout=60"
            _ok(client.post(url, files={"file": (path.name, path.read_bytes())}))

    times["upload"], _ = _timed(upload)
    times["infer + suggest"], suggested = _timed(
        lambda: _ok(client.post("/api/v1/databases/logi/datasets/suggest-ontology"))["data"]
    )
    _ok(client.put("/api/v1/databases/logi/mappings/m?wait=true", json=suggested["mapping"]))

    def run() -> dict[str, Any]:
        accepted = _ok(client.post("/api/v1/databases/logi/imports", json={"mapping": "m"}))
        return _wait(client, accepted["command_id"])

    times["import run"], status = _timed(run)
    position = status["result"]["position"]

    def caught_up() -> None:
        query = f"limit=1&min_position={position}&timeout=300"
        _ok(client.get(f"/api/v1/database/logi/instances/Order?{query}"))

    times["reads caught up"], _ = _timed(caught_up)
    times["end to end"] = time.perf_counter() - started
    times["rows"] = status["result"]["created"]
    return times


def bulk_baseline(client: TestClient) -> float:
    """Seconds to bulk-create the instances the import wrote, into database `copy`."""
    _ok(client.post("/api/v1/databases?wait=true", json={"name": "copy"}))
    spec = _ok(client.get("/api/v1/databases/logi/mappings/m?version=1"))["data"]["spec"]
    for definition in spec["classes"]:
        _ok(client.post("/api/v1/database/copy/ontology?wait=true", json=definition))
    batches: list[tuple[str, list[dict[str, Any]]]] = []
    for definition in spec["classes"]:
        cls = definition["id"]
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = _ok(
                client.get(f"/api/v1/database/logi/instances/{cls}?limit=1000&offset={offset}")
            )
            found = page["data"]["instances"]
            rows += [{k: v for k, v in i["data"].items()} for i in found]
            offset += len(found)
            if not found or offset >= page["data"]["total"]:
                break
        batches += [(cls, rows[i : i + BATCH_ROWS]) for i in range(0, len(rows), BATCH_ROWS)]
    started = time.perf_counter()
    for cls, rows in batches:
        url = f"/api/v1/database/copy/instances/{cls}/bulk-create"
        accepted = _ok(client.post(url, json={"instances": rows}))
        _wait(client, accepted["command_id"])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    baselines: list[float] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp) / "data", max_body_bytes=64 * 1024 * 1024)
            with TestClient(create_app(settings), base_url="http://localhost") as client:
                runs.append(onboard(client))
                baselines.append(bulk_baseline(client))
    rows = runs[0]["rows"]
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    baseline = statistics.median(baselines)
    console = Console()
    table = RichTable(
        title=f"Onboarding synthetic_3pl ({int(rows)} rows), embedded, median of {args.repeat}"
    )
    for column in ("phase", "seconds", "rows/s", "aim"):
        table.add_column(column)
    for phase in ("upload", "infer + suggest", "import run", "reads caught up", "end to end"):
        rate = f"{rows / median[phase]:,.0f}" if phase in ("import run", "end to end") else ""
        aim = {
            "import run": f">= {AIM_ROWS_PER_S:,} rows/s",
            "end to end": f"< {AIM_END_TO_END_S} s",
        }
        table.add_row(phase, f"{median[phase]:.2f}", rate, aim.get(phase, ""))
    table.add_row("baseline: bulk-create", f"{baseline:.2f}", f"{rows / baseline:,.0f}", "")
    console.print(table)
    console.print(
        f"import run / bulk-create baseline: {median['import run'] / baseline:.2f}x the time "
        "(the import also checks every row in a dry run first, plans and records provenance)"
    )


if __name__ == "__main__":
    main()
