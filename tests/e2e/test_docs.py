"""The docs run as written: every shell block of README.md and docs/*.md marked
```bash runnable``` runs against a real server, the blocks of one file in one shell and in
order (later blocks use what earlier ones set), with its address in place of localhost:8002;
every ```python runnable``` block runs alone in the project's interpreter, likewise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```bash runnable\n(.*?)^```$", re.S | re.M)
PYTHON = re.compile(r"^```python runnable\n(.*?)^```$", re.S | re.M)
ADDRESS = re.compile(r"(?:localhost|127\.0\.0\.1):8002")


def runnable(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text())


def test_the_readme_marks_its_examples_runnable() -> None:
    assert len(runnable(ROOT / "README.md")) >= 2


@pytest.mark.parametrize("doc", [d for d in DOCS if runnable(d)], ids=lambda d: d.name)
def test_runnable_blocks_run_as_written(doc: Path, server: ServerProcess) -> None:
    address = server.url.removeprefix("http://")
    script = "\n".join(ADDRESS.sub(address, block) for block in runnable(doc))
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{doc.name}:\n{result.stderr[-3000:]}"


PYTHON_BLOCKS = [
    (doc, n, block) for doc in DOCS for n, block in enumerate(PYTHON.findall(doc.read_text()))
]


def test_the_readme_shows_the_python_client_runnable() -> None:
    assert any(doc.name == "README.md" for doc, _, _ in PYTHON_BLOCKS)


@pytest.mark.parametrize(
    ("doc", "number", "block"), PYTHON_BLOCKS, ids=[f"{d.name}-{n}" for d, n, _ in PYTHON_BLOCKS]
)
def test_python_blocks_run_as_written(
    doc: Path, number: int, block: str, server: ServerProcess
) -> None:
    address = server.url.removeprefix("http://")
    result = subprocess.run(
        [sys.executable, "-c", ADDRESS.sub(address, block)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{doc.name} block {number}:\n{result.stderr[-3000:]}"
