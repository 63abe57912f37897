"""`spice worker commands`, `spice worker projections`, `spice relay`, `spice dlq replay`."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable

from spice.application.delivery import dead_letters
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.relay import Relay
from spice.application.delivery.transport_consumer import TransportConsumer
from spice.application.ports.transport import COMMANDS, EVENTS, Transport
from spice.application.projections.documents import rebuild
from spice.bootstrap.container import Container, build_container
from spice.bootstrap.settings import Settings
from spice.entrypoints.workers.leader import run_as_leader

log = logging.getLogger(__name__)
COMMAND_WORKER = "command-worker"


def _owner(settings: Settings) -> str:
    return settings.worker_id or f"{socket.gethostname()}-{os.getpid()}"


def _container(settings: Settings) -> tuple[Container, Transport]:
    container = build_container(settings.model_copy(update={"run_workers": False}))
    if container.transport is None:
        container.stop()
        raise SystemExit("this process needs SPICE_TRANSPORT_URL (kafka://host:port)")
    container.transport.ensure_topics(
        container.transport.pipeline_topics(), settings.topic_partitions
    )
    return container, container.transport


def _on_signals(stop: Callable[[], None]) -> None:
    def handler(_signum: int, _frame: object) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_command_worker(settings: Settings) -> int:
    """Consume the commands topic in the command workers' group until SIGTERM."""
    container, transport = _container(settings)
    consumer = TransportConsumer(
        transport,
        container.registry,
        COMMAND_WORKER,
        transport.topic(COMMANDS),
        container.executor.execute,
        _owner(settings),
        max_attempts=settings.worker_max_attempts,
        lease_seconds=settings.worker_lease_seconds,
    )
    _on_signals(consumer.stop)
    try:
        consumer.run()
    finally:
        container.stop()
    return 0


Pick = Callable[[Container, Transport], dict[str, LogFollower]]


def _run_leaders(settings: Settings, pick: Pick) -> int:
    """Run each follower `pick` names by role while this process holds that role's lease;
    each role has a lease of its own, so two processes may share the work."""
    container, transport = _container(settings)
    followers = pick(container, transport)
    stopped = threading.Event()
    _on_signals(stopped.set)
    owner = _owner(settings)
    threads = [
        threading.Thread(
            target=run_as_leader,
            args=(container.registry, role, owner, follower, stopped),
            name=f"leader-{role}",
        )
        for role, follower in followers.items()
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stopped.set()
        container.stop()
    return 0


def run_projections(settings: Settings) -> int:
    """Project the log into documents and graph, and into a shared search index (one active
    process per read model, the others stand by)."""

    def pick(container: Container, _transport: Transport) -> dict[str, LogFollower]:
        if container.documents.needs_rebuild():
            rebuild(container.events, container.documents)
        followers: dict[str, LogFollower] = {"document-projector": container.projector}
        if container.search.shared:
            followers["search-projector"] = container.search_projector
        return followers

    return _run_leaders(settings, pick)


def run_relay(settings: Settings) -> int:
    """Publish the log to the transport (one active process, the others stand by)."""
    return _run_leaders(
        settings, lambda c, t: {"relay": Relay(c.events, c.registry, t, batch_size=500)}
    )


def replay_dead_letters(
    settings: Settings, topic: str, dry_run: bool
) -> list[dead_letters.DeadLetter]:
    container, transport = _container(settings)
    try:
        name = {"commands": COMMANDS, "events": EVENTS}[topic]
        return dead_letters.replay(transport, transport.topic(name), dry_run=dry_run)
    finally:
        container.stop()
