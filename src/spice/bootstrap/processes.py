"""The processes of the distributed profile, built here like everything else: each gets a
container (refused without its distributed settings) and the followers or consumer it runs."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from spice.application.delivery.follower import LogFollower
from spice.application.delivery.relay import Relay
from spice.application.delivery.transport_consumer import COMMAND_WORKERS, TransportConsumer
from spice.application.ports.transport import COMMANDS, EVENTS, Transport
from spice.application.projections.documents import rebuild
from spice.bootstrap.container import Container, build_container
from spice.bootstrap.settings import Settings


@dataclass
class WorkerProcess:
    """A container without in-process workers, with the transport it consumes."""

    container: Container
    transport: Transport
    owner: str  # names this process in leases and consumer groups

    def close(self) -> None:
        self.container.stop()


def worker_process(settings: Settings) -> WorkerProcess:
    """SettingsError when the distributed settings are incomplete."""
    settings.require_distributed()
    container = build_container(settings.model_copy(update={"run_workers": False}))
    transport = container.transport
    assert transport is not None  # required above
    transport.ensure_topics(transport.pipeline_topics(), settings.topic_partitions)
    owner = settings.worker_id or f"{socket.gethostname()}-{os.getpid()}"
    return WorkerProcess(container, transport, owner)


def command_consumer(process: WorkerProcess) -> TransportConsumer:
    """Runs accepted commands from the commands topic, in the command workers' group."""
    settings = process.container.settings
    return TransportConsumer(
        process.transport,
        process.container.registry,
        COMMAND_WORKERS,
        process.transport.topic(COMMANDS),
        process.container.executor.execute,
        process.owner,
        max_attempts=settings.worker_max_attempts,
        lease_seconds=settings.worker_lease_seconds,
        handle_batch=process.container.executor.execute_batch,
    )


def projection_followers(process: WorkerProcess) -> dict[str, LogFollower]:
    """The projectors one process runs while it leads their role: documents and graph,
    and the search index when it is shared (OpenSearch); a local index is projected by
    each API process itself."""
    container = process.container
    if container.documents.needs_rebuild():
        rebuild(container.events, container.documents)
    followers: dict[str, LogFollower] = {"document-projector": container.projector}
    if container.search.shared:
        followers["search-projector"] = container.search_projector
    return followers


def relay_followers(process: WorkerProcess) -> dict[str, LogFollower]:
    """The relay that publishes the log to the transport (one active process)."""
    container = process.container
    return {"relay": Relay(container.events, container.registry, process.transport, 500)}


def dead_letter_topic(process: WorkerProcess, topic: str) -> str:
    return process.transport.topic({"commands": COMMANDS, "events": EVENTS}[topic])
