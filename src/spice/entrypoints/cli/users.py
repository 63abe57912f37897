"""`spice user create NAME [--admin]`: a user made straight in the log of the data directory
(or of the stores the settings name), for a first administrator or when nobody can sign in.

The password is read from the terminal (twice), or as the first line of standard input when
that is not a terminal (`printf '%s\\n' "$PW" | spice user create kim`). The user is a
command like any other: a running server or the command workers of the distributed profile
run it; with neither running it waits in the log and runs at the next start.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import Any

from rich.console import Console

from spice.bootstrap.settings import Settings
from spice.domain.commands import CreateUser
from spice.domain.errors import SpiceError


def read_password(console: Console) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SpiceError("the passwords differ")
    return first


def create_user(settings: Settings, console: Console, args: argparse.Namespace) -> int:
    from spice.bootstrap.container import build_container

    container = build_container(settings.model_copy(update={"run_workers": False}))
    try:
        password_hash = container.auth.hash_password(read_password(console))
        command = CreateUser(
            database=None, username=args.username, password_hash=password_hash, admin=args.admin
        )
        command_id = container.commands.submit(command, actor="system").command.command_id
        deadline = time.monotonic() + args.wait
        status: Any = None
        while time.monotonic() < deadline:
            status = container.tracker.get(command_id)
            if status is not None and status.is_final:
                break
            time.sleep(0.1)
        kind = "administrator" if args.admin else "user"
        if status is None or not status.is_final:
            console.print(
                f"{kind} {args.username!r} accepted (command {command_id}); it is made "
                "when the server or the command workers run it"
            )
            return 0
        if status.status == "FAILED":
            console.print(f"{kind} {args.username!r} not made: {status.error['message']}")
            return 1
        console.print(f"{kind} {args.username!r} made")
        return 0
    finally:
        container.stop()


def add_command(sub: Any) -> argparse.ArgumentParser:
    p_user = sub.add_parser("user", help="users: create one in the log directly")
    actions = p_user.add_subparsers(dest="action", required=True)
    p_create = actions.add_parser("create", help="a user (password from the terminal or stdin)")
    p_create.add_argument("username")
    p_create.add_argument("--admin", action="store_true", help="an administrator")
    p_create.add_argument(
        "--wait",
        type=float,
        default=10.0,
        help="seconds to wait for a running server or worker to make it (default 10)",
    )
    return p_create
