"""`spice worker commands`, `spice worker projections`, `spice relay`, `spice dlq replay`:
running what `spice.bootstrap.processes` builds until SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from spice.application.delivery import dead_letters
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.leader import run_as_leader
from spice.bootstrap import processes
from spice.bootstrap.processes import WorkerProcess
from spice.bootstrap.settings import Settings


def _on_signals(stop: Callable[[], None]) -> None:
    def handler(_signum: int, _frame: object) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_command_worker(settings: Settings) -> int:
    """Consume the commands topic in the command workers' group until SIGTERM."""
    process = processes.worker_process(settings)
    consumer = processes.command_consumer(process)
    _on_signals(consumer.stop)
    process.container.housekeeping.start()  # purges, expired statuses
    try:
        consumer.run()
    finally:
        process.container.housekeeping.stop()
        process.close()
    return 0


Pick = Callable[[WorkerProcess], dict[str, LogFollower]]


def _run_leaders(settings: Settings, pick: Pick) -> int:
    """Run each follower `pick` names by role while this process holds that role's lease;
    each role has a lease of its own, so two processes may share the work."""
    process = processes.worker_process(settings)
    stopped = threading.Event()
    _on_signals(stopped.set)
    threads = [
        threading.Thread(
            target=run_as_leader,
            args=(process.container.registry, role, process.owner, follower, stopped),
            name=f"leader-{role}",
        )
        for role, follower in pick(process).items()
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stopped.set()
        process.close()
    return 0


def run_projections(settings: Settings) -> int:
    """Project the log into documents and graph, and into a shared search index (one active
    process per read model, the others stand by)."""
    return _run_leaders(settings, processes.projection_followers)


def run_relay(settings: Settings) -> int:
    """Publish the log to the transport (one active process, the others stand by)."""
    return _run_leaders(settings, processes.relay_followers)


def replay_dead_letters(
    settings: Settings, topic: str, dry_run: bool
) -> list[dead_letters.DeadLetter]:
    process = processes.worker_process(settings)
    try:
        name = processes.dead_letter_topic(process, topic)
        return dead_letters.replay(process.transport, name, dry_run=dry_run)
    finally:
        process.close()
