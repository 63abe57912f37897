"""The web console's speed, as a person meets it, against a real `spice serve` process.

Loads 100,000 instances of one class (each linked to a parent, so that a 1-hop graph query
from 1,000 of them reaches about 1,000 nodes), then runs console/bench/console.bench.ts in
Debian's chromium through Playwright and prints, each beside its baseline from the same run:
- the first load: bytes transferred (aim under 1 MB compressed) and the time until the
  databases page is usable (aim under 2 s), against loading a bare JSON page of the same
  server;
- scrolling the 100,000-instance table for 5 s: frames longer than 25 ms (aim none
  dropped), and how many rows are in the page at once (virtualised), against scrolling an
  empty box of the same size;
- laying out the graph (tree and force layouts; aim under 1 s), against a grid layout of
  the same elements.

Run: .venv/bin/python -m bench.console   (needs the console built: `make console`)
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from tests.server import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = 100_000
BULK = 10_000
ITEM = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "required": True, "primary_key": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "qty", "type": "integer"},
    ],
    "relationships": [{"predicate": "parent", "target": "Item", "cardinality": "n:1"}],
}


def load(url: str) -> None:
    with httpx.Client(base_url=url, timeout=600) as http:
        for path, body in (
            ("/api/v1/databases", {"name": "bench"}),
            ("/api/v1/database/bench/ontology", ITEM),
        ):
            http.post(f"{path}?wait=true", json=body).raise_for_status()
        for start in range(0, INSTANCES, BULK):
            rows = [
                {
                    "item_id": f"i{n:06}",
                    "name": f"품목 {n}",
                    "qty": n % 97,
                    **({"parent": f"Item/i{n // 10:06}"} if n >= 10 else {}),
                }
                for n in range(start, start + BULK)
            ]
            answer = http.post(
                "/api/v1/database/bench/instances/Item/bulk-create?wait=true&timeout=300",
                json={"instances": rows},
            )
            answer.raise_for_status()


def main() -> None:
    console = Console()
    if not (ROOT / "src/spice/entrypoints/console_dist/index.html").is_file():
        raise SystemExit("the console is not built: run `make console` first")
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data")
        server.start()
        try:
            console.print(f"loading {INSTANCES:,} instances...")
            load(server.url)
            out = Path(tmp) / "results.json"
            env = {**os.environ, "SPICE_BENCH_URL": server.url, "SPICE_BENCH_OUT": str(out)}
            path = subprocess.run(
                [str(ROOT / "scripts/console"), "env"], capture_output=True, text=True, check=True
            ).stdout.strip()
            subprocess.run(
                ["npx", "playwright", "test", "-c", "playwright.bench.config.ts"],
                cwd=ROOT / "console",
                env={**env, "PATH": path},
                check=True,
            )
            r = json.loads(out.read_text())
        finally:
            server.stop()
    table = Table(title="console (chromium, loopback)")
    for column in ("measure", "console", "baseline", "aim"):
        table.add_column(column)
    table.add_row(
        "first load, bytes transferred",
        f"{r['first_load_bytes'] / 1024:,.0f} KiB",
        "",
        "< 1 MB compressed",
    )
    table.add_row(
        "first load, until usable (median of 5)",
        f"{r['interactive_ms_median']} ms",
        f"{r['health_page_ms_median']} ms (GET /health page)",
        "< 2,000 ms",
    )
    table.add_row(
        "scrolling 100,000 rows 5 s: frames > 25 ms",
        f"{r['scroll_slow_frames']} of {r['scroll_frames']}"
        f" (worst {r['scroll_worst_frame_ms']} ms)",
        f"{r['baseline_scroll_slow_frames']} of {r['baseline_scroll_frames']} (empty box)",
        "none dropped",
    )
    table.add_row(
        "rows in the page while scrolling", str(r["scroll_rows_in_dom"]), "", "virtualised"
    )
    for layout in ("breadthfirst", "fcose"):
        table.add_row(
            f"layout of {r['graph_nodes']} nodes, {layout}",
            f"{r[f'graph_layout_{layout}_ms']:.0f} ms",
            f"{r['graph_layout_grid_ms']:.0f} ms (grid)",
            "< 1,000 ms",
        )
    console.print(table)


if __name__ == "__main__":
    main()
