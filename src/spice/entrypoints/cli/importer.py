"""`spice import PATH_OR_DIR --database NAME`: upload the files as datasets, have the server
suggest classes, keys and links, write that suggestion as an editable mapping file, then
import with a progress bar, all through the HTTP API of a running server."""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from spice.application.ports.command_status import FINAL_STATUSES
from spice.domain.names import dataset_name_for
from spice.entrypoints.cli.client import DEFAULT_SERVER, ServerError
from spice.entrypoints.cli.infer import files_of

SHOWN = 20  # refused rows printed


class Api:
    """The few calls an import makes, with errors as one readable line."""

    def __init__(self, base: str, timeout: float, http: httpx.Client | None = None) -> None:
        self.base = base.rstrip("/")
        self.http = http or httpx.Client(base_url=self.base, timeout=timeout)

    def call(self, method: str, path: str, ok: tuple[int, ...] = (200, 202), **kw: Any) -> Any:
        try:
            response = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise ServerError(f"cannot reach {self.base}: {exc}") from None
        body = response.json() if response.content else {}
        if response.status_code not in ok:
            errors = (body.get("details") or {}).get("errors", [])
            lines = [f"{response.status_code} {body.get('code')}: {body.get('message')}"]
            lines += [
                f"  {e.get('path')}: {e.get('message')} ({e.get('value')!r})"
                for e in errors[:SHOWN]
            ]
            raise ServerError("\n".join(lines))
        return body


def dataset_name(path: Path) -> str:
    """A dataset name from a file name, in the file's own language (`재고.csv` -> `재고`)."""
    return dataset_name_for(path.name)


def _database(api: Api, db: str, console: Console) -> None:
    found = api.call("GET", f"/api/v1/databases/{db}", ok=(200, 404))
    if found.get("status") == "error":
        api.call("POST", "/api/v1/databases?wait=true", json={"name": db})
        console.print(f"created database {db}")


def _upload(api: Api, db: str, files: list[Path], console: Console) -> list[str]:
    names = []
    with _bar(console) as bar:
        task = bar.add_task("uploading", total=len(files))
        for path in files:
            data = path.read_bytes()
            name = dataset_name(path)
            key = hashlib.sha256(f"{db}\0{name}\0".encode() + data).hexdigest()
            api.call(
                "POST",
                f"/api/v1/databases/{db}/datasets/{quote(name)}/versions?wait=true&timeout=120",
                files={"file": (path.name, data)},
                headers={"Idempotency-Key": key},
            )
            names.append(name)
            bar.advance(task)
    return names


def _mapping(
    args: argparse.Namespace, api: Api, db: str, names: list[str], console: Console
) -> dict[str, Any]:
    """The mapping file when it exists (edits of an earlier suggestion are kept), else the
    server's suggestion written to it to edit."""
    path = Path(args.mapping) if args.mapping else Path(f"{db}.mapping.json")
    if path.is_file():
        console.print(f"using mapping {path}")
        return _read_mapping(path)
    suggested = api.call(
        "POST", f"/api/v1/databases/{db}/datasets/suggest-ontology", json={"datasets": names}
    )["data"]
    path.write_text(
        json.dumps(suggested["mapping"], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    console.print(
        f"suggested {len(suggested['classes'])} classes and {len(suggested['links'])} links; "
        f"mapping written to {path}"
    )
    if not args.yes:
        answer = console.input("edit it if you like, then press Enter to import (n to stop): ")
        if answer.strip().lower() in ("n", "no"):
            raise ServerError(f"stopped; import later with --mapping {path}")
    return _read_mapping(path)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServerError(f"{path}: not a readable JSON mapping: {exc}") from None
    if not isinstance(spec, dict):
        raise ServerError(f"{path}: a mapping is a JSON object")
    return spec


def _run(api: Api, args: argparse.Namespace, db: str, console: Console) -> dict[str, Any]:
    branch = quote(args.branch)
    mode = getattr(args, "mode", "create")  # callers that build the arguments may omit it
    body = {"mapping": args.mapping_name, "allow_partial": args.allow_partial, "mode": mode}
    accepted = api.call("POST", f"/api/v1/databases/{db}/imports?branch={branch}", json=body)
    command_id = accepted["command_id"]
    with _bar(console) as bar:
        task = bar.add_task("importing", total=100)
        while True:
            status = api.call("GET", f"/api/v1/commands/{command_id}/status")
            bar.update(
                task,
                completed=status.get("progress") or 0,
                description="importing"
                if status["status"] not in FINAL_STATUSES
                else status["status"].lower(),
            )
            if status["status"] in FINAL_STATUSES:
                break
            time.sleep(0.3)
    if status["status"] != "COMPLETED":
        error = status.get("error") or {}
        errors = (error.get("details") or {}).get("errors", [])
        lines = [f"import failed: {error.get('code')}: {error.get('message')}"]
        lines += [
            f"  {e.get('path')}: {e.get('message')} ({e.get('value')!r})" for e in errors[:SHOWN]
        ]
        raise ServerError("\n".join(lines))
    result = dict(status["result"])
    if result["by_class"]:
        # Answer once reads show the import (the read model follows the log).
        cls = quote(sorted(result["by_class"])[0])
        query = f"limit=1&branch={branch}&min_position={result['position']}&timeout=300"
        api.call("GET", f"/api/v1/database/{db}/instances/{cls}?{query}")
    return result


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _report(result: dict[str, Any], console: Console) -> None:
    table = Table("class", "rows", "created", "skipped", "refused")
    for cls, counts in sorted(result["by_class"].items()):
        table.add_row(cls, *(str(counts[k]) for k in ("rows", "created", "skipped", "refused")))
    console.print(table)
    for row in result.get("refused_rows", [])[:SHOWN]:
        for e in row["errors"]:
            where = f"{row['dataset']} row {row['row']}, column {e.get('column')}"
            console.print(f"  refused {where}: {e['message']} ({e.get('value')!r})", markup=False)
    console.print(
        f"created {result['created']}, skipped {result['skipped']} (imported before), "
        f"refused {result['refused']} of {result['rows']} rows"
    )


def run_import(args: argparse.Namespace, api: Api | None = None) -> int:
    console = Console(stderr=False)
    api = api or Api(args.url, args.timeout)
    db = args.database
    files = files_of([args.path])
    if not files:
        raise ServerError(f"{args.path}: no CSV, XLSX, JSON or JSON Lines files")
    _database(api, db, console)
    names = _upload(api, db, files, console)
    spec = _mapping(args, api, db, names, console)
    saved = api.call(
        "PUT", f"/api/v1/databases/{db}/mappings/{quote(args.mapping_name)}?wait=true", json=spec
    )
    console.print(f"mapping {args.mapping_name} version {saved['data']['result']['version']}")
    result = _run(api, args, db, console)
    _report(result, console)
    return 1 if result["refused"] and not args.allow_partial else 0


def add_command(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("import", help="infer, suggest a mapping, and import files (running server)")
    p.add_argument("path", metavar="PATH_OR_DIR", help="a file, or a directory of them")
    p.add_argument("--database", required=True, help="made when it does not exist")
    p.add_argument("--url", default=DEFAULT_SERVER, help=f"the server (default {DEFAULT_SERVER})")
    p.add_argument("--yes", action="store_true", help="accept the suggested mapping without asking")
    p.add_argument(
        "--mapping",
        help="the mapping file (default NAME.mapping.json): used when it exists, else the "
        "suggestion is written there",
    )
    p.add_argument("--mapping-name", default="import", help="the name the mapping is saved under")
    p.add_argument("--branch", default="main")
    p.add_argument(
        "--allow-partial", action="store_true", help="import good rows, report the others"
    )
    p.add_argument(
        "--mode",
        choices=["create", "append", "upsert", "snapshot"],
        default="create",
        help="create: new keys only; upsert: also update changed rows; snapshot: upsert and "
        "delete what the files no longer have; append: each version's rows on their own",
    )
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=run_import)
    return p
