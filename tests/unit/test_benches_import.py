"""Every benchmark module imports: they run on demand, not in the suite, so a helper one of
them takes from another (the HTTP floor, percentiles) must not go missing unnoticed."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHES = sorted(
    p.stem
    for p in (Path(__file__).resolve().parents[2] / "bench").glob("*.py")
    if p.stem != "__init__"
)


@pytest.mark.parametrize("name", BENCHES)
def test_the_bench_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)
