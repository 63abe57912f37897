"""`spice infer PATH... [--json]`: the column types, primary key and links of files (or of
every data file in a directory), read locally; no server needed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from spice.application.datasets.files import Table, read_file
from spice.application.datasets.inference import infer_table
from spice.application.datasets.suggest import find_links
from spice.domain.errors import SpiceError

SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson"}  # in a directory


def files_of(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise SpiceError(f"{raw}: no such file or directory")
    return found


def infer_paths(paths: list[str]) -> dict[str, Any]:
    """The inference of every table of the files, with the links between them."""
    tables: dict[str, tuple[Table, dict[str, Any]]] = {}
    for path in files_of(paths):
        parsed = read_file(path.name, path.read_bytes())
        for table in parsed.tables:
            name = path.name if len(parsed.tables) == 1 else f"{path.name}#{table.name}"
            tables[name] = (table, infer_table(table))
    links = find_links(tables)
    datasets = []
    for name, (_, inferred) in tables.items():
        columns = [
            {k: c[k] for k in ("name", "type", "confidence", "reason", "candidates", "flags")}
            for c in inferred["columns"]
        ]
        datasets.append(
            {
                "name": name,
                "columns": columns,
                "primary_key": inferred["primary_key"],
                "links": [
                    {
                        k: link[k]
                        for k in ("column", "target_dataset", "target_column", "confidence")
                    }
                    for link in links
                    if link["dataset"] == name
                ],
            }
        )
    return {"datasets": datasets}


def infer(args: argparse.Namespace) -> int:
    found = infer_paths(args.paths)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    console = Console()
    for dataset in found["datasets"]:
        table = RichTable(
            title=f"{dataset['name']}  key: {', '.join(dataset['primary_key']) or '-'}"
        )
        for heading in ("column", "type", "confidence", "flags", "links to"):
            table.add_column(heading)
        targets = {
            x["column"]: f"{x['target_dataset']}.{x['target_column']}" for x in dataset["links"]
        }
        for c in dataset["columns"]:
            table.add_row(
                c["name"],
                c["type"],
                f"{c['confidence']:.0%}",
                ", ".join(c["flags"]),
                targets.get(c["name"], ""),
            )
        console.print(table)
    return 0


def add_command(sub: Any) -> argparse.ArgumentParser:
    p_infer = sub.add_parser("infer", help="column types, keys and links of local files")
    p_infer.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    p_infer.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p_infer.set_defaults(func=infer)
    return p_infer
