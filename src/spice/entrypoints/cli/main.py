"""The `spice` command line: serve, api, worker, relay, dlq, rebuild, verify, openapi, user create;
infer on local files; and branch, log, diff, merge, rebase, revert and reset against a
running server."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rich.console import Console

from spice.bootstrap.settings import Settings, SettingsError, load_settings
from spice.domain.errors import SpiceError
from spice.entrypoints.cli import client, connectors, importer, infer, users

console = Console(stderr=True)


def _settings(args: argparse.Namespace) -> Settings:
    """The settings from the environment and the command line (SettingsError if bad)."""
    overrides: dict[str, object] = {}
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "command", "") == "api":
        overrides["process"] = "api"
    return load_settings(**overrides)


def _announce(what: str, settings: Settings, process: str) -> None:
    """Say what this process is and what it runs with (secrets hidden), on the console
    and in the log."""
    from spice.bootstrap import logs, tracing

    logs.configure(settings)
    tracing.configure(settings, process)
    console.print(what)
    for line in settings.describe():
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    logging.getLogger("spice").info("started: %s (%s)", what, "; ".join(settings.describe()))


def serve(args: argparse.Namespace) -> int:
    import gc

    from spice.entrypoints.api import server
    from spice.entrypoints.api.app import create_app

    settings = _settings(args)
    if args.command == "api":
        settings.require_distributed()
    host = args.host or settings.host
    port = args.port or settings.port
    settings = settings.model_copy(update={"host": host})  # the app answers by where it binds
    settings.require_safe_binding()
    _announce(f"Spice Harvester {args.command} on http://{host}:{port}", settings, args.command)
    # Large read answers allocate many small objects; with the default thresholds the
    # collector's full passes were the slow tail of graph queries. Collect young objects
    # less often and keep what start-up made out of later passes.
    gc.set_threshold(50_000, 20, 20)
    gc.collect()
    gc.freeze()
    server.run(create_app(settings), settings, host, port)
    return 0


def rebuild(args: argparse.Namespace) -> int:
    from spice.entrypoints.cli.tasks import rebuild_read_models

    documents = not args.search or args.all
    return rebuild_read_models(_settings(args), console, documents, args.search or args.all)


def verify(args: argparse.Namespace) -> int:
    from spice.entrypoints.cli.tasks import verify_log

    anchor = Path(args.anchor) if args.anchor else None
    return verify_log(_settings(args), console, anchor)


def worker(args: argparse.Namespace) -> int:
    from spice.entrypoints.workers import processes

    settings = _settings(args)
    settings.require_distributed()
    _announce(f"Spice Harvester worker {args.kind}", settings, f"worker-{args.kind}")
    if args.kind == "commands":
        return processes.run_command_worker(settings)
    return processes.run_projections(settings)


def relay(args: argparse.Namespace) -> int:
    from spice.entrypoints.workers import processes

    settings = _settings(args)
    settings.require_distributed()
    _announce("Spice Harvester relay", settings, "relay")
    return processes.run_relay(settings)


def dlq(args: argparse.Namespace) -> int:
    from spice.entrypoints.workers import processes

    letters = processes.replay_dead_letters(_settings(args), args.topic, args.dry_run)
    for letter in letters:
        console.print(f"{letter.origin} offset {letter.offset} key {letter.key}: {letter.error}")
    verb = "found" if args.dry_run else "replayed"
    console.print(f"{len(letters)} dead letters {verb} on {args.topic}")
    return 0


def openapi(args: argparse.Namespace) -> int:
    """Write the API's OpenAPI document (what `/openapi.json` answers) without serving: the
    console's build types its calls from it."""
    import json

    from spice.entrypoints.api.app import create_app

    document = create_app(_settings(args)).openapi()
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def user(args: argparse.Namespace) -> int:
    return users.create_user(_settings(args), console, args)


def _parser() -> argparse.ArgumentParser:
    """Every subcommand: those that run on this machine's settings (with `--data-dir`),
    then those that talk to a running server, `infer` and `import`."""
    parser = argparse.ArgumentParser(prog="spice", description="Spice Harvester")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="run the API and workers in one process")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)
    p_serve.set_defaults(func=serve)
    p_api = sub.add_parser(
        "api", help="the API only (distributed profile: commands run in `spice worker`)"
    )
    p_api.add_argument("--host")
    p_api.add_argument("--port", type=int)
    p_api.set_defaults(func=serve)
    p_worker = sub.add_parser("worker", help="a worker of the distributed profile")
    p_worker.add_argument("kind", choices=["commands", "projections"])
    p_worker.set_defaults(func=worker)
    p_relay = sub.add_parser("relay", help="publish the log to Kafka (distributed profile)")
    p_relay.set_defaults(func=relay)
    p_dlq = sub.add_parser("dlq", help="dead-letter topics")
    p_dlq.add_argument("action", choices=["replay"])
    p_dlq.add_argument("--topic", choices=["commands", "events"], default="commands")
    p_dlq.add_argument("--dry-run", action="store_true", help="list them, replay nothing")
    p_dlq.set_defaults(func=dlq)
    p_rebuild = sub.add_parser(
        "rebuild", help="rebuild documents and graph (or --search, --all) from the log, then swap"
    )
    p_rebuild.add_argument("--search", action="store_true", help="rebuild the search index (only)")
    p_rebuild.add_argument("--all", action="store_true", help="documents, graph and search")
    p_rebuild.set_defaults(func=rebuild)
    p_verify = sub.add_parser("verify", help="check the hash chain of the whole log")
    p_verify.add_argument(
        "--anchor",
        help="file holding the head of the last clean run: also finds events cut from the end",
    )
    p_verify.set_defaults(func=verify)
    p_openapi = sub.add_parser("openapi", help="write the API's OpenAPI document")
    p_openapi.add_argument("--output", default="-", help="file to write (default: stdout)")
    p_openapi.set_defaults(func=openapi)
    p_user = users.add_command(sub)
    p_user.set_defaults(func=user)
    for p in (p_serve, p_api, p_worker, p_relay, p_dlq, p_rebuild, p_verify, p_openapi, p_user):
        p.add_argument("--data-dir", help="data directory (default ./spice-data)")
    client.add_commands(sub)
    connectors.add_command(sub)
    infer.add_command(sub)
    importer.add_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if hasattr(args, "client"):
            return int(args.client(args, client.Stdout()))
        return int(args.func(args))
    except client.ServerError as exc:
        console.print(f"spice {args.command}: {exc}", highlight=False, markup=False, soft_wrap=True)
        return 1
    except SpiceError as exc:  # a file `spice infer` cannot read, say
        console.print(f"spice {args.command}: {exc}", highlight=False, markup=False, soft_wrap=True)
        return 1
    except SettingsError as exc:
        console.print(f"spice {args.command}: {exc}", highlight=False, markup=False, soft_wrap=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
