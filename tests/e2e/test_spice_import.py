"""Acceptance of onboarding on the embedded profile: one `spice import ... --yes` of the 15
CSVs of the synthetic 3PL dataset into a running server, with the inferred ontology and
links; a second run creates nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.onboarding import SYNTHETIC_3PL, check_imported
from tests.server import ServerProcess


@pytest.mark.timeout(900)
def test_spice_import_onboards_the_3pl_dataset(server: ServerProcess, tmp_path: Path) -> None:
    mapping = tmp_path / "logi.mapping.json"
    command = [
        sys.executable,
        "-m",
        "spice.entrypoints.cli.main",
        "import",
        str(SYNTHETIC_3PL),
        "--database",
        "logi",
        "--url",
        server.url,
        "--yes",
        "--mapping",
        str(mapping),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "created 35296, skipped 0 (imported before), refused 0 of 35296 rows" in done.stdout
    spec = json.loads(mapping.read_text(encoding="utf-8"))
    assert len(spec["sources"]) == 15
    orders = next(s for s in spec["sources"] if s["dataset"] == "orders")
    assert {
        "predicate": "ship_from_warehouse",
        "column": "ship_from_warehouse",
        "target": "Warehouse",
    } in orders["links"]
    with httpx.Client(base_url=server.url, timeout=60) as http:
        check_imported(http, "logi")
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using mapping" in again.stdout
    assert "created 0, skipped 35296 (imported before)" in again.stdout
