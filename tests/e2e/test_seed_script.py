"""The seed's demo script (section 7, steps 1-5, and 7.1 on a branch) with curl and jq
against a real server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.server import ServerProcess

SCRIPT = Path(__file__).with_name("seed_demo_section_7.sh")


def test_seed_demo_script_runs_as_written(server: ServerProcess) -> None:
    missing = [tool for tool in ("curl", "jq") if not shutil.which(tool)]
    needs = ", ".join(missing)
    assert not missing, f"the seed script needs {needs} (scripts/prerequisites installs them)"
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BASE": server.url},
    )
    assert result.returncode == 0, result.stderr
    finals = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("FINAL")]
    assert finals == ["COMPLETED"] * 5
    doc = next(line for line in result.stdout.splitlines() if line.startswith("DOC "))
    assert json.loads(doc[4:]) == {
        "product_id": "prod_001",
        "name": "Shirt",
        "owned_by": "Customer/cust_001",
    }
    graph = json.loads(
        next(line for line in result.stdout.splitlines() if line.startswith("GRAPH "))[6:]
    )
    assert [(n["id"], n["data_status"]) for n in graph["nodes"]] == [
        ("Product/prod_001", "FULL"),
        ("Customer/cust_001", "FULL"),
    ]
    assert graph["nodes"][1]["data"]["data"] == {"customer_id": "cust_001", "name": "Alice"}
    assert graph["nodes"][1]["data"]["class_id"] == "Customer"
    assert graph["edges"] == [
        {"from_node": "Product/prod_001", "to_node": "Customer/cust_001", "predicate": "owned_by"}
    ]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["WHATIF"] == "COMPLETED"
    assert lines["BRANCH_DOC"] == '"Shirt (WhatIf)"'
    assert lines["MAIN_DOC"] == '"Shirt"'
