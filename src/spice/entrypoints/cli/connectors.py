"""`spice connector add|sync|list|show`: connectors of a running server, through its HTTP
API (so they work the same on both profiles)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from spice.entrypoints.cli.client import DEFAULT_SERVER, Out, ServerError, call

KINDS = ("google_sheets", "http_file", "postgresql", "s3")


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    found = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ServerError(f"{what} {item!r}: give KEY=VALUE")
        found[key] = value
    return found


def definition(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `spice connector add` from its options."""
    config: dict[str, Any] = _pairs(args.config, "--config")
    if args.url:
        config["url"] = args.url
    for key, name in _pairs(args.secret_ref, "--secret-ref").items():
        config[key] = {"secret_ref": name}
    body: dict[str, Any] = {"kind": args.kind, "config": config, "dataset": args.dataset}
    if args.every is not None:
        body["schedule"] = {"every_seconds": args.every}
    elif args.cron:
        body["schedule"] = {"cron": args.cron}
    if args.mapping:
        body["import"] = {"mapping": args.mapping, "mode": args.mode, "branch": args.branch}
    return body


def connector(args: argparse.Namespace, out: Out) -> int:
    base = f"/api/v1/databases/{quote(args.database, safe='')}/connectors"
    if args.action == "list":
        data = call(args, "GET", base)["data"]
        for c in data["connectors"]:
            state = c["state"]
            failing = f"failing: {state['last_error']}" if state["attempts"] else ""
            line = f"{c['name']}\t{c['kind']}\t{c['dataset']}\t{_when(state['last_success'])}"
            out.print(f"{line}\t{failing}".rstrip())
        return 0
    if not args.name:
        raise ServerError(f"spice connector {args.action} needs a connector name")
    path = f"{base}/{quote(args.name, safe='')}"
    if args.action == "add":
        if not args.kind or not args.dataset:
            raise ServerError("spice connector add needs --kind and --dataset")
        result = call(args, "PUT", f"{path}?wait=true", json=definition(args))["data"]
        saved = result.get("result") or {}
        word = "unchanged" if saved.get("unchanged") else "saved"
        out.print(f"connector {args.name} {word} (version {saved.get('version')})")
        return 0
    if args.action == "sync":
        timeout = int(min(args.timeout, 300))
        data = call(args, "POST", f"{path}/sync?wait=true&timeout={timeout}")["data"]
        return _synced(data.get("result") or {}, out)
    shown = call(args, "GET", path)["data"]
    if args.json:
        out.print(json.dumps(shown, ensure_ascii=False, indent=1))
        return 0
    state = shown["state"]
    head = f"{shown['name']} ({shown['kind']}, version {shown['version']})"
    out.print(f"{head} -> {shown['dataset']}")
    out.print(f"  schedule: {json.dumps(shown['schedule'])}  import: {json.dumps(shown['import'])}")
    for key in ("last_poll", "last_change", "last_success", "last_failure", "next_run"):
        out.print(f"  {key}: {_when(state[key])}")
    if state["attempts"]:
        out.print(f"  failing {state['attempts']}x: {state['last_error']}")
        out.print(f"  next retry: {_when(state['next_retry'])}")
    return 0


def _synced(result: dict[str, Any], out: Out) -> int:
    if not result.get("changed") and not result.get("imported"):
        out.print(f"unchanged (dataset version {result.get('version')})")
        return 0
    out.print(f"dataset {result.get('dataset')} at version {result.get('version')}")
    for class_id, counts in sorted((result.get("by_class") or {}).items()):
        kinds = ("created", "updated", "deleted", "unchanged")
        shown = ", ".join(f"{k} {counts[k]}" for k in kinds)
        out.print(f"  {class_id}: {shown}")
    return 0


def add_command(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("connector", help="add, sync, list or show connectors (running server)")
    p.add_argument("action", choices=["add", "sync", "list", "show"])
    p.add_argument("database")
    p.add_argument("name", nargs="?")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--url", help="google_sheets, http_file: the link or file")
    p.add_argument("--config", action="append", metavar="KEY=VALUE", help="another config key")
    p.add_argument(
        "--secret-ref", action="append", metavar="KEY=NAME", help="a secret by its setting's name"
    )
    p.add_argument("--dataset", help="the dataset its changes become versions of")
    p.add_argument("--every", type=int, metavar="SECONDS", help="sync on this schedule")
    p.add_argument("--cron", help="or by a cron expression (UTC)")
    p.add_argument("--mapping", help="import each change with this mapping")
    p.add_argument("--mode", choices=["create", "append", "upsert", "snapshot"], default="upsert")
    p.add_argument("--branch", default="main")
    p.add_argument("--json", action="store_true", help="show: the whole answer as JSON")
    p.add_argument("--server", help=f"server URL (default $SPICE_SERVER or {DEFAULT_SERVER})")
    p.add_argument("--user", help="act as this user (X-User-Id)")
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(client=connector)
    return p
