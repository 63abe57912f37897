"""What the offline CLI commands do, with progress shown on the console."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from spice.application.log.verification import Anchor, check_anchor
from spice.application.log.verification import verify_log as verify
from spice.application.projections.documents import rebuild
from spice.application.projections.search import rebuild_search
from spice.bootstrap.container import build_container
from spice.bootstrap.settings import Settings


def rebuild_read_models(
    settings: Settings, console: Console, documents: bool = True, search: bool = False
) -> int:
    """Build new generations of the chosen read models from the log and swap them in; a
    running server keeps answering from the old ones until the swap."""
    container = build_container(settings.model_copy(update={"run_workers": False}))
    try:
        head = container.events.head_position()
        if documents:
            before = container.documents.active_generation()
            with console.status(f"projecting {head} events into new documents and graph"):
                generation = rebuild(container.events, container.documents)
            console.print(f"documents and graph rebuilt: {before} -> {generation} ({head} events)")
        if search:
            before = container.search.active_generation()
            with console.status(f"indexing {head} events into a new search index"):
                generation = rebuild_search(container.events, container.search)
            console.print(f"search index rebuilt: {before} -> {generation} ({head} events)")
        return 0
    finally:
        container.stop()


def verify_log(settings: Settings, console: Console, anchor_file: Path | None = None) -> int:
    """Exit 0 when the hash chain verifies end to end, 1 with a report otherwise.

    With `anchor_file`, the log must still hold the event anchored there by the last clean
    run (so events cut from the end are found too); a clean run moves the anchor to the head.
    """
    container = build_container(settings.model_copy(update={"run_workers": False}))
    try:
        head = container.events.head_position()
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("verifying", total=head or 1)
            count, problems, reached = verify(
                container.events, progress=lambda n: bar.update(task, completed=n)
            )
        if anchor_file is not None and anchor_file.exists():
            saved = json.loads(anchor_file.read_text())
            problem = check_anchor(container.events, Anchor(int(saved["position"]), saved["hash"]))
            problems.extend([problem] if problem else [])
        for p in problems[:100]:
            console.print(f"[red]{p.kind}[/red] at position {p.position}: {p.message}")
        if problems:
            console.print(f"[red]log does NOT verify[/red]: {len(problems)} problems in {count}")
            return 1
        console.print(f"log verifies: {count} events, hash chain intact")
        if anchor_file is not None:
            anchor = {"position": reached.position, "hash": reached.hash}
            anchor_file.write_text(json.dumps(anchor) + "\n")
            console.print(f"anchor at position {reached.position} written to {anchor_file}")
        return 0
    finally:
        container.stop()
