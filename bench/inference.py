"""Column type inference: accuracy on the labelled set and rows per second, beside DuckDB's
CSV sniffer and frictionless's `describe` on the same files in the same run.

The labelled set (tests/data/inference/labels.json) gives the expected ontology type of every
column of the small and synthetic 3PL datasets and of a file of hard cases. DuckDB's types are
mapped onto ours (BIGINT -> integer, DOUBLE -> decimal, DATE -> date, TIMESTAMP -> datetime,
BOOLEAN -> boolean, TIME -> time, VARCHAR -> string); it has no email, phone, money,
percentage, enum and other types of ours, so a column labelled with one of those counts as
missed. frictionless's Table Schema types are mapped the same way (number -> decimal,
geopoint -> coordinate, object/array -> json). Baseline for speed: reading the same files
into tables (the floor inference adds to).

Run: .venv/bin/python -m bench.inference [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from spice.application.datasets.files import read_file
from spice.application.datasets.inference import infer_table

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DUCKDB_TYPES = {
    "BIGINT": "integer",
    "INTEGER": "integer",
    "SMALLINT": "integer",
    "TINYINT": "integer",
    "HUGEINT": "integer",
    "DOUBLE": "decimal",
    "FLOAT": "decimal",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime",
    "TIME": "time",
    "BOOLEAN": "boolean",
    "VARCHAR": "string",
}


def _path(relative: str) -> Path:
    here = DATA / "inference" / relative
    return here if here.exists() else DATA / "datasets" / relative


def ours(labels: dict[str, dict[str, str]]) -> tuple[int, int, list[str]]:
    right, total, wrong = 0, 0, []
    for relative, expected in labels.items():
        path = _path(relative)
        table = read_file(path.name, path.read_bytes()).tables[0]
        found = {c["name"]: c["type"] for c in infer_table(table)["columns"]}
        for column, kind in expected.items():
            total += 1
            if found[column] == kind:
                right += 1
            else:
                wrong.append(f"{relative}:{column} {kind} -> {found[column]}")
    return right, total, wrong


def duckdb(labels: dict[str, dict[str, str]]) -> tuple[int, int] | None:
    try:
        import duckdb as db
    except ImportError:
        return None

    def types(path: Path) -> dict[str, str]:
        found: Any = db.sql(f"SELECT Columns FROM sniff_csv('{path}')").fetchall()
        return {c["name"]: DUCKDB_TYPES.get(c["type"], c["type"]) for c in found[0][0]}

    return _scored(labels, types)


def _scored(
    labels: dict[str, dict[str, str]], types: Callable[[Path], dict[str, str]]
) -> tuple[int, int]:
    """(right, total) over the labelled columns, by a peer's types per file (mapped onto
    ours)."""
    right, total = 0, 0
    for relative, expected in labels.items():
        found = types(_path(relative))
        for column, kind in expected.items():
            total += 1
            right += found.get(column) == kind
    return right, total


# frictionless (Table Schema) types onto ours; `number` is a decimal, `year` an integer.
FRICTIONLESS_TYPES = {
    "integer": "integer",
    "number": "decimal",
    "date": "date",
    "datetime": "datetime",
    "time": "time",
    "boolean": "boolean",
    "duration": "duration",
    "object": "json",
    "array": "json",
    "year": "integer",
    "geopoint": "coordinate",
    "string": "string",
}


def frictionless(labels: dict[str, dict[str, str]]) -> tuple[int, int] | None:
    try:
        from frictionless import describe
    except ImportError:
        return None

    def types(path: Path) -> dict[str, str]:
        resource: Any = describe(str(path))
        return {f.name: FRICTIONLESS_TYPES.get(f.type, f.type) for f in resource.schema.fields}

    return _scored(labels, types)


def speed(repeat: int) -> tuple[int, float, float]:
    files = [(p.name, p.read_bytes()) for p in sorted((DATA / "datasets").rglob("*.csv"))]
    read_best = infer_best = float("inf")
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        tables = [read_file(name, data).tables[0] for name, data in files]
        read_best = min(read_best, time.perf_counter() - started)
        started = time.perf_counter()
        for table in tables:
            infer_table(table)
        infer_best = min(infer_best, time.perf_counter() - started)
        rows = sum(len(t.rows) for t in tables)
    return rows, read_best, infer_best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    labels = json.loads((DATA / "inference" / "labels.json").read_text())["files"]
    console = Console()
    right, total, wrong = ours(labels)
    table = RichTable(title=f"column types right, of {total} labelled columns")
    table.add_column("")
    table.add_column("right")
    table.add_column("share")
    table.add_row("spice (27 ontology types)", str(right), f"{right / total:.1%}")
    peer = duckdb(labels)
    if peer is None:
        table.add_row("DuckDB sniff_csv", "not installed (pip install duckdb)", "")
    else:
        table.add_row("DuckDB sniff_csv (mapped)", str(peer[0]), f"{peer[0] / peer[1]:.1%}")
    other = frictionless(labels)
    if other is None:
        table.add_row("frictionless describe", "not installed (pip install frictionless)", "")
    else:
        table.add_row("frictionless describe (mapped)", str(other[0]), f"{other[0] / other[1]:.1%}")
    console.print(table)
    for line in wrong:
        console.print(f"  missed {line}")
    rows, read, infer = speed(args.repeat)
    timing = RichTable(title=f"{rows:,} rows of the shared datasets, best of {args.repeat}")
    timing.add_column("")
    timing.add_column("seconds")
    timing.add_column("rows/s")
    timing.add_column("vs reading")
    timing.add_row("read into tables (baseline)", f"{read:.3f}", f"{rows / read:,.0f}", "")
    timing.add_row(
        "infer every column", f"{infer:.3f}", f"{rows / infer:,.0f}", f"{infer / read:.2f}x"
    )
    console.print(timing)


if __name__ == "__main__":
    main()
