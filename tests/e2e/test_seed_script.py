"""The seed's demo script (steps 1-4) with curl and jq against a real server process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import ServerProcess

SCRIPT = Path(__file__).with_name("seed_demo_steps_1_to_4.sh")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data")
    proc.start()
    yield proc
    proc.stop()


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl, jq")
def test_seed_demo_script_runs_as_written(server: ServerProcess) -> None:
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
