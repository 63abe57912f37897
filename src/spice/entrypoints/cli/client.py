"""`spice branch`, `spice log`, `spice diff`, `spice merge`, `spice rebase`, `spice revert` and
`spice reset`: version control against a running server, through its HTTP API (so they work
the same on both profiles)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote

from spice.client import (
    DEFAULT_SERVER,
    ApiError,
    Call,
    Client,
    ConnectionOptions,
    Unreachable,
)

MAX_SHOWN = 50  # conflicts listed by a refused merge, revert or reset


class Out(Protocol):
    """Where results are written (stdout by default)."""

    def print(self, line: str) -> None: ...


class Stdout:
    def print(self, line: str) -> None:
        sys.stdout.write(line + "\n")


class ServerError(Exception):
    """The server refused or could not be reached; the message says why."""


def call(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """Send one request through the Python client (`spice.client`): its retries, with an
    Idempotency-Key for writes, and its errors, printed with a merge's conflicts."""
    server = args.server or os.environ.get("SPICE_SERVER") or DEFAULT_SERVER
    path, _, query = path.partition("?")
    params = dict(parse_qsl(query)) | dict(kwargs.get("params") or {})
    call: Call[dict[str, Any]] = Call(
        method, path, lambda body: body, params, kwargs.get("json"), write=method != "GET"
    )
    options: ConnectionOptions = {"timeout": args.timeout}
    if args.user:
        options["user"] = args.user
    try:
        with Client(server, **options) as spice:
            return spice.run(call)
    except Unreachable as exc:
        raise ServerError(str(exc)) from None
    except ApiError as exc:
        lines = [f"{exc.status} {exc.code}: {exc.message}"]
        for c in exc.details.get("conflicts", [])[:MAX_SHOWN]:
            sides = f"base {c.get('base')!r}, ours {c.get('ours')!r}, theirs {c.get('theirs')!r}"
            lines.append(f"  {c['key']} ({c['kind']}): {c.get('message') or sides}")
        raise ServerError("\n".join(lines)) from None


def branch(args: argparse.Namespace, out: Out) -> int:
    db = quote(args.database, safe="")
    if args.action == "list":
        data = call(args, "GET", f"/api/v1/databases/{db}/branches")["data"]
        for b in data["branches"]:
            parent = f"from {b['from_branch']}@{b['fork_position']}" if b["from_branch"] else ""
            counts = "" if b["ahead"] is None else f"ahead {b['ahead']} behind {b['behind']}"
            out.print(f"{b['name']}\t{b['head'] or '-'}\t{parent}\t{counts}".rstrip())
        return 0
    if not args.name:
        raise ServerError(f"spice branch {args.action} needs a branch name")
    if args.action == "create":
        body: dict[str, Any] = {"name": args.name, "from_branch": args.from_branch}
        if args.at:
            body["at"] = args.at
        result = call(args, "POST", f"/api/v1/databases/{db}/branches?wait=true", json=body)[
            "data"
        ]["result"]
        out.print(f"created {args.name} from {args.from_branch} at {result['fork_position']}")
        return 0
    name = quote(args.name, safe="/")
    call(args, "DELETE", f"/api/v1/databases/{db}/branches/{name}?wait=true")
    out.print(f"deleted {args.name}")
    return 0


def log(args: argparse.Namespace, out: Out) -> int:
    db = quote(args.database, safe="")
    params = {"branch": args.branch, "limit": args.limit}
    data = call(args, "GET", f"/api/v1/databases/{db}/commits", params=params)["data"]
    for c in data["commits"]:
        message = f"  {c['message']}" if c["message"] else ""
        out.print(f"{c['id']}  {c['time']}  {c['author']}  {c['command_type']}{message}")
    return 0


def diff(args: argparse.Namespace, out: Out) -> int:
    db = quote(args.database, safe="")
    params = {"from": args.source, "to": args.target, "limit": args.limit}
    data = call(args, "GET", f"/api/v1/databases/{db}/diff", params=params)["data"]
    schema, rows = data["schema"], data["data"]
    out.print(f"schema: {schema['counts']}")
    for cls in schema["added"]:
        out.print(f"+ class {cls['id']}")
    for cls in schema["removed"]:
        out.print(f"- class {cls['id']}")
    for cls in schema["changed"]:
        out.print(f"~ class {cls['class_id']}")
    out.print(f"data: {rows['counts']}")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for item in rows["items"]:
        out.print(f"{marks[item['change']]} {item['class_id']}/{item['instance_id']}")
        for p in item.get("properties", []):
            out.print(f"    {p['property']}: {p['old']!r} -> {p['new']!r}")
    if rows["next_offset"] is not None:
        out.print(f"... {rows['total'] - len(rows['items'])} more (--limit)")
    return 0


def _three_way(args: argparse.Namespace, out: Out, path: str, body: dict[str, Any]) -> int:
    """Send a merge, revert or reset (or, with --dry-run, what it would write)."""
    resolutions: dict[str, str] = {}
    for item in args.resolve or []:
        key, _, side = item.rpartition("=")
        if not key or side not in ("ours", "theirs"):
            raise ServerError(f"--resolve takes KEY=ours or KEY=theirs, not {item!r}")
        resolutions[key] = side
    body |= {"strategy": args.strategy, "resolutions": resolutions, "simulate": args.dry_run}
    if args.message:
        body["message"] = args.message
    db = quote(args.database, safe="")
    query = "" if args.dry_run else "?wait=true"
    data = call(args, "POST", f"/api/v1/databases/{db}/{path}{query}", json=body)["data"]
    result = data["result"]
    verb = "would write" if args.dry_run else "wrote"
    out.print(f"{verb} {result['events']} events on {result.get('target') or result['branch']}")
    for settled in result["resolved"]:
        out.print(f"  {settled['key']} ({settled['kind']}): kept {settled['resolution']}")
    for event in data.get("events", []):
        out.print(f"  {event['event_type']} {event['aggregate_id']}")
    return 0


def merge(args: argparse.Namespace, out: Out) -> int:
    return _three_way(args, out, "merge", {"source": args.source, "target": args.into})


def rebase(args: argparse.Namespace, out: Out) -> int:
    return _three_way(args, out, "rebase", {"branch": args.branch})


def revert(args: argparse.Namespace, out: Out) -> int:
    return _three_way(args, out, "revert", {"commit": args.commit, "branch": args.branch})


def reset(args: argparse.Namespace, out: Out) -> int:
    return _three_way(args, out, "reset", {"branch": args.branch, "to": args.to})


def add_commands(sub: Any) -> list[argparse.ArgumentParser]:
    """The client commands, for the `spice` parser."""
    p_branch = sub.add_parser("branch", help="list, create or delete branches (running server)")
    p_branch.add_argument("action", choices=["list", "create", "delete"])
    p_branch.add_argument("database")
    p_branch.add_argument("name", nargs="?")
    p_branch.add_argument("--from", dest="from_branch", default="main")
    p_branch.add_argument("--at", help="fork as of a log position, an ISO time or a commit")
    p_branch.set_defaults(client=branch)
    p_log = sub.add_parser("log", help="the commits a branch sees, newest first")
    p_log.add_argument("database")
    p_log.add_argument("--branch", default="main")
    p_log.add_argument("--limit", type=int, default=20)
    p_log.set_defaults(client=log)
    p_diff = sub.add_parser("diff", help="schema and data from one ref to another")
    p_diff.add_argument("database")
    p_diff.add_argument("source", help="a branch, a commit, or branch@point")
    p_diff.add_argument("target", help="a branch, a commit, or branch@point")
    p_diff.add_argument("--limit", type=int, default=100)
    p_diff.set_defaults(client=diff)
    p_merge = sub.add_parser("merge", help="merge a branch into another")
    p_merge.add_argument("database")
    p_merge.add_argument("source")
    p_merge.add_argument("--into", default="main", help="the target branch")
    p_merge.set_defaults(client=merge)
    p_rebase = sub.add_parser("rebase", help="bring the parent's changes onto a branch")
    p_rebase.add_argument("database")
    p_rebase.add_argument("branch")
    p_rebase.set_defaults(client=rebase)
    p_revert = sub.add_parser("revert", help="undo one commit with new events")
    p_revert.add_argument("database")
    p_revert.add_argument("commit")
    p_revert.add_argument("--branch", default="main")
    p_revert.set_defaults(client=revert)
    p_reset = sub.add_parser("reset", help="bring a branch back to a point, with new events")
    p_reset.add_argument("database")
    p_reset.add_argument("branch")
    p_reset.add_argument("to", help="a log position, an ISO time or a commit")
    p_reset.set_defaults(client=reset)
    for p in (p_merge, p_rebase, p_revert, p_reset):
        p.add_argument("--strategy", choices=["fail", "ours", "theirs"], default="fail")
        p.add_argument("--resolve", action="append", metavar="KEY=SIDE", help="Class/id[.prop]")
        p.add_argument("--dry-run", action="store_true", help="show what it would write")
        p.add_argument("-m", "--message", help="commit message")
    parsers = [p_branch, p_log, p_diff, p_merge, p_rebase, p_revert, p_reset]
    for p in parsers:
        p.add_argument("--server", help=f"server URL (default $SPICE_SERVER or {DEFAULT_SERVER})")
        p.add_argument("--user", help="act as this user (X-User-Id)")
        p.add_argument("--timeout", type=float, default=60.0)
    return parsers
