"""Column type inference: accuracy on the labelled set and rows per second, beside DuckDB's
CSV sniffer and frictionless's `describe` on the same files in the same run.

The labelled set (tests/data/inference/labels.json) gives the expected ontology type of every
column of the small and synthetic 3PL datasets, of files of hard cases, and of files kept out
of tuning (`held_out/`): accuracy is reported for the tuned and the held-out parts apart, with
the primary keys and the links (between the files of one folder) found against the labelled
ones. DuckDB's types are
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
from spice.application.datasets.suggest import find_links

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


def _read(relative: str) -> Any:
    path = _path(relative)
    return read_file(path.name, path.read_bytes()).tables[0]


def ours(labels: dict[str, dict[str, str]]) -> tuple[int, int, list[str]]:
    right, total, wrong = 0, 0, []
    for relative, expected in labels.items():
        found = {c["name"]: c["type"] for c in infer_table(_read(relative))["columns"]}
        for column, kind in expected.items():
            total += 1
            if found.get(column) == kind:
                right += 1
            else:  # no such column: the file was misread (a wrong encoding, say)
                wrong.append(f"{relative}:{column} {kind} -> {found.get(column, 'unread')}")
    return right, total, wrong


def keys_found(expected: dict[str, list[str]]) -> tuple[int, list[str]]:
    """How many files' inferred primary key is the labelled one, and the misses."""
    wrong = []
    for relative, key in expected.items():
        found = infer_table(_read(relative))["primary_key"]
        if found != key:
            wrong.append(f"{relative}: key {key} -> {found}")
    return len(expected) - len(wrong), wrong


def links_found(
    relatives: list[str], expected: list[list[str]]
) -> tuple[int, int, list[str], list[str]]:
    """(found, labelled, missed, extra): the links found among the files of each folder
    (named by their stems, as uploaded datasets are) against the labelled ones."""
    folders: dict[str, list[str]] = {}
    for relative in relatives:
        folders.setdefault(str(Path(relative).parent), []).append(relative)
    want = {tuple(link) for link in expected}
    got: set[tuple[str, ...]] = set()
    for members in folders.values():
        by_stem = {Path(r).stem: r for r in members}
        tables = {}
        for stem, relative in by_stem.items():
            table = _read(relative)
            tables[stem] = (table, infer_table(table))
        for link in find_links(tables):
            got.add(
                (
                    by_stem[link["dataset"]],
                    link["column"],
                    by_stem[link["target_dataset"]],
                    link["target_column"],
                )
            )
    missed = sorted(" ".join(x) for x in want - got)
    extra = sorted(" ".join(x) for x in got - want)
    return len(want & got), len(want), missed, extra


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
    ours); a file the peer cannot read (not UTF-8, say) counts its columns as missed."""
    right, total = 0, 0
    for relative, expected in labels.items():
        try:
            found = types(_path(relative))
        except Exception:  # noqa: BLE001 - any failure of a peer is a miss, not a crash
            found = {}
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


PEERS = (("DuckDB sniff_csv", duckdb), ("frictionless describe", frictionless))


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
    labelled = json.loads((DATA / "inference" / "labels.json").read_text())
    held = labelled["held_out"]
    parts = {
        "tuned": {k: v for k, v in labelled["files"].items() if not k.startswith(held)},
        "held-out": {k: v for k, v in labelled["files"].items() if k.startswith(held)},
    }
    console = Console()
    table = RichTable(title="column types right, by part of the labelled set")
    for heading in ("", "part", "right", "share"):
        table.add_column(heading)
    misses = []
    for part, labels in parts.items():
        right, total, wrong = ours(labels)
        misses += [f"{part} {line}" for line in wrong]
        table.add_row("spice (27 ontology types)", part, f"{right}/{total}", f"{right / total:.1%}")
        for peer_name, peer in PEERS:
            scored = peer(labels)
            if scored is None:
                table.add_row(peer_name, part, "not installed", "")
            else:
                share = f"{scored[0] / scored[1]:.1%}"
                table.add_row(f"{peer_name} (mapped)", part, f"{scored[0]}/{scored[1]}", share)
    console.print(table)
    for line in misses:
        console.print(f"  missed {line}")
    structure = RichTable(title="keys and links, by part of the labelled set")
    wrong_structure: list[str] = []
    for heading in ("part", "keys right", "links found", "links not labelled"):
        structure.add_column(heading)
    for part, labels in parts.items():
        keys = {k: v for k, v in labelled["keys"].items() if k in labels}
        links = [x for x in labelled["links"] if x[0] in labels]
        key_right, key_wrong = keys_found(keys)
        found, wanted, missed, extra = links_found(sorted(keys), links)
        structure.add_row(part, f"{key_right}/{len(keys)}", f"{found}/{wanted}", str(len(extra)))
        wrong_structure += [f"{part} {line}" for line in key_wrong]
        wrong_structure += [f"{part} link missed: {line}" for line in missed]
        wrong_structure += [f"{part} link not labelled: {line}" for line in extra]
    console.print(structure)
    for line in wrong_structure:
        console.print(f"  {line}")
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
