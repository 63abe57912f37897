"""The only place that wires the application together: ports from `adapters`, then the
services, followers and queries built on them."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

from spice.application.auth import Authenticator
from spice.application.commands.checks import ClassChecks
from spice.application.commands.decisions import Decisions
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.purger import Purger
from spice.application.commands.service import CommandService, DrainWait
from spice.application.commands.status import CommandStatuses
from spice.application.commands.tracking import CommandTracker
from spice.application.commands.worker import CommandWorker
from spice.application.connectors.scheduler import RegistryLeadership, Scheduler
from spice.application.connectors.secrets import Secrets
from spice.application.connectors.service import Connectors
from spice.application.connectors.sync import Syncs
from spice.application.datasets.imports import Imports
from spice.application.datasets.service import Datasets
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.progress import Progress
from spice.application.delivery.relay import RELAY
from spice.application.delivery.remote_progress import PendingCommands, ReadModelWatch
from spice.application.housekeeping import Housekeeping
from spice.application.log.cached_streams import CachedStreams
from spice.application.log.serialization import utc_after
from spice.application.overlay.store import DocumentStore
from spice.application.ports.blobs import BlobStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.rate_limit import RateLimiter
from spice.application.ports.search import SearchIndex
from spice.application.ports.sources import SyncStates
from spice.application.ports.transport import Transport
from spice.application.projections.documents import DocumentProjector, rebuild
from spice.application.projections.search import SearchProjector
from spice.application.reads.audit import AuditTrail
from spice.application.reads.backlog import Backlog
from spice.application.reads.diff import Diffs
from spice.application.reads.documents import Reader
from spice.application.reads.graph.service import GraphQueries
from spice.application.reads.health import SystemHealth
from spice.application.reads.history import History
from spice.application.reads.lineage import Lineages
from spice.application.reads.proposals import Proposals
from spice.application.reads.readiness import Follower, Readiness, of_progress
from spice.application.reads.refs import Refs
from spice.application.reads.search import SearchService
from spice.bootstrap import adapters
from spice.bootstrap.settings import Settings
from spice.domain.commands import CreateUser, RunImport, SyncConnector
from spice.domain.deciders.base import WriteModel
from spice.domain.errors import Conflict
from spice.domain.names import user_aggregate

log = logging.getLogger(__name__)


@dataclass
class Container:
    """Everything one process runs with; `start` and `stop` bring its followers up and down
    and close its ports."""

    settings: Settings
    events: EventStore
    registry: ConsumerRegistry
    documents: DocumentStore
    statuses: CommandStatusStore
    tracker: CommandTracker
    executor: CommandExecutor
    worker: CommandWorker
    projector: DocumentProjector
    commands: CommandService
    class_checks: ClassChecks
    search: SearchIndex
    search_projector: SearchProjector
    searches: SearchService
    graph: GraphQueries
    transport: Transport | None
    # What moves the document read model on: its projector, or in an API process of the
    # distributed profile a watch on the checkpoint the projections worker writes.
    read_follower: LogFollower
    # The same for the search index: its projector, or a watch on a shared index (OpenSearch)
    # that the projections worker writes.
    search_follower: LogFollower
    blobs: BlobStore
    rate_limiter: RateLimiter | None
    reader: Reader
    refs: Refs
    history: History
    diffs: Diffs
    lineages: Lineages
    proposals: Proposals
    auth: Authenticator
    datasets: Datasets
    imports: Imports
    command_statuses: CommandStatuses
    health: SystemHealth
    readiness: Readiness
    purger: Purger
    housekeeping: Housekeeping
    audit: AuditTrail
    backlog: Backlog
    connectors: Connectors
    syncs: Syncs
    scheduler: Scheduler
    pools: adapters.Pools = field(default_factory=adapters.Pools)

    @property
    def read_progress(self) -> Progress:
        """How far the document read model has got."""
        return self.read_follower.progress

    @property
    def search_progress(self) -> Progress:
        """How far the search index has got."""
        return self.search_follower.progress

    def ensure_admin(self) -> None:
        """Make the administrator the settings name when sign-in is configured with a
        password for it and no such user exists yet (a first start)."""
        s = self.settings
        if not (s.auth_secret and s.admin_password):
            return
        if self.auth.model.load(user_aggregate(s.admin_username)).exists:
            return
        command = CreateUser(
            database=None,
            username=s.admin_username,
            password_hash=self.auth.hash_password(s.admin_password),
            admin=True,
        )
        try:
            self.commands.submit(command, actor="system")
        except Conflict:
            return  # another process made it first
        log.info("administrator %r created from the settings", s.admin_username)

    def start(self) -> None:
        if self.settings.process == "api":
            self.tracker.hear_other_processes()
            self.read_follower.start()
            self.search_follower.start()
            self.scheduler.start()
            return
        if self.documents.needs_rebuild():
            log.warning(
                "document read model predates graph edges or versions; rebuilding it from the log"
            )
            rebuild(self.events, self.documents)
        if self.settings.run_workers:
            self.housekeeping.start()
            self.worker.start()
            self.projector.start()
            self.search_projector.start()
            self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()
        self.housekeeping.stop()
        followers = [self.worker, self.projector, self.search_projector]
        for follower in {*followers, self.read_follower, self.search_follower}:
            follower.stop()
        ports: list[Any] = [self.events, self.registry, self.documents, self.statuses, self.blobs]
        ports.append(self.syncs.states)
        ports += [p for p in (self.rate_limiter, self.auth.throttle) if p is not None]
        for port in [*ports, self.search, *([self.transport] if self.transport else [])]:
            port.close()
        self.pools.close()  # after the stores that borrowed them


@dataclass(frozen=True)
class _Ports:
    """The stores and channels one process works on."""

    pools: adapters.Pools
    events: EventStore
    registry: ConsumerRegistry
    documents: DocumentStore
    tracker: CommandTracker
    search: SearchIndex
    blobs: BlobStore
    transport: Transport | None


@dataclass(frozen=True)
class _Writes:
    """The path of a write: commands submitted, decided by the worker, projected."""

    executor: CommandExecutor
    worker: CommandWorker
    projector: DocumentProjector
    search_projector: SearchProjector
    read_follower: LogFollower
    search_follower: LogFollower
    commands: CommandService


def build_container(s: Settings) -> Container:
    ports = _ports(s)
    w = _writes(s, ports)
    events, documents, search = ports.events, ports.documents, ports.search
    # Aggregates read from the log each time (a key revoked by another process counts at once).
    model = WriteModel(events)
    reader, refs, history, diffs = _history(ports, model)
    searches = SearchService(reader, search, documents.checkpoint)
    datasets, imports = _datasets(s, ports, w, model)
    syncs, connectors = _connectors(s, ports, w, model, datasets)
    return Container(
        settings=s,
        events=events,
        registry=ports.registry,
        documents=documents,
        statuses=ports.tracker.store,
        tracker=ports.tracker,
        executor=w.executor,
        worker=w.worker,
        projector=w.projector,
        commands=w.commands,
        class_checks=ClassChecks(w.commands),
        search=search,
        search_projector=w.search_projector,
        searches=searches,
        graph=GraphQueries(documents, reader, search, documents.checkpoint, searches),
        transport=ports.transport,
        read_follower=w.read_follower,
        search_follower=w.search_follower,
        blobs=ports.blobs,
        rate_limiter=adapters.rate_limiter(s),
        reader=reader,
        refs=refs,
        history=history,
        diffs=diffs,
        proposals=Proposals(events, model, diffs),
        auth=_authenticator(s, model),
        datasets=datasets,
        imports=imports,
        lineages=Lineages(events, model, reader),
        command_statuses=CommandStatuses(events, ports.tracker, w.executor),
        health=_health(s, ports, w),
        purger=(purger := Purger(events, w.commands)),
        housekeeping=_housekeeping(s, ports, purger),
        audit=AuditTrail(events, refs),
        backlog=Backlog(events, PendingCommands(events), ports.transport),
        readiness=_readiness(s, ports, w, syncs.states),
        connectors=connectors,
        syncs=syncs,
        scheduler=_scheduler(s, ports, w, syncs),
        pools=ports.pools,
    )


def _ports(s: Settings) -> _Ports:
    pools = adapters.Pools()
    return _Ports(
        pools=pools,
        events=adapters.event_store(s, pools),
        registry=adapters.consumer_registry(s, pools),
        documents=adapters.document_store(s, pools),
        tracker=CommandTracker(adapters.command_status_store(s)),
        search=adapters.search_index(s),
        blobs=adapters.blob_store(s),
        transport=adapters.transport(s),
    )


def _writes(s: Settings, ports: _Ports) -> _Writes:
    events = ports.events
    decisions = Decisions()  # prechecks handed to this process's worker
    # Databases, branches, classes, users and keys as commands' decisions read them, kept
    # in memory.
    streams = CachedStreams(events)
    model = WriteModel(streams)
    executor = CommandExecutor(events, ports.tracker, decisions=decisions, model=model)
    worker = CommandWorker(executor, ports.registry)
    projector = DocumentProjector(events, ports.documents)
    search_projector = SearchProjector(events, ports.search)
    read_follower, search_follower, drain = _followers(
        s, events, ports.documents, ports.search, worker, projector, search_projector
    )
    commands = CommandService(
        events, ports.tracker, drain, s.drain_timeout_seconds, decisions, WriteModel(streams)
    )
    return _Writes(
        executor, worker, projector, search_projector, read_follower, search_follower, commands
    )


def _history(ports: _Ports, model: WriteModel) -> tuple[Reader, Refs, History, Diffs]:
    """Reads of the documents, and of the commits and differences between branches."""
    reader = Reader(ports.documents)
    refs = Refs(ports.events)
    history = History(ports.documents, ports.events, model, refs, reader)
    return reader, refs, history, Diffs(ports.documents, history)


def _datasets(
    s: Settings, ports: _Ports, w: _Writes, model: WriteModel
) -> tuple[Datasets, Imports]:
    """Datasets, and imports of them, run by the worker as child commands."""
    fetcher = adapters.url_fetcher(s)
    datasets = Datasets(
        ports.events, model, ports.blobs, fetcher, s.max_upload_bytes, s.max_read_seconds
    )
    imports = Imports(ports.events, model, datasets)
    w.executor.runners[RunImport] = imports.runner(w.executor.run_child)
    return datasets, imports


def _connectors(
    s: Settings, ports: _Ports, w: _Writes, model: WriteModel, datasets: Datasets
) -> tuple[Syncs, Connectors]:
    """Connectors, and their syncs, run by the worker as commands with child commands."""
    states = adapters.sync_states(s, ports.pools)
    secrets = Secrets(s.connector_secrets, adapters.secret_box(s))
    readers = adapters.source_readers(s, datasets.fetcher)
    syncs = Syncs(model, datasets, states, readers, secrets)
    w.executor.runners[SyncConnector] = syncs.runner(w.executor.run_child)
    return syncs, Connectors(ports.events, model, states, secrets)


def _scheduler(s: Settings, ports: _Ports, w: _Writes, syncs: Syncs) -> Scheduler:
    """The connector scheduler, leading while it holds its lease (a few rounds long)."""
    owner = s.worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    lease = max(30.0, 3 * s.connector_tick_seconds)
    leadership = RegistryLeadership(ports.registry, owner, lease)
    return Scheduler(ports.events, syncs, w.commands, leadership, s.connector_tick_seconds)


def _authenticator(s: Settings, model: WriteModel) -> Authenticator:
    return Authenticator(
        model,
        s.auth_secret,
        s.access_token_minutes * 60,
        s.refresh_token_days * 86400,
        throttle=adapters.login_limiter(s),
        oidc=adapters.oidc(s),
    )


def _health(s: Settings, ports: _Ports, w: _Writes) -> SystemHealth:
    return SystemHealth(
        ports.events,
        ports.documents,
        ports.search,
        ports.blobs,
        w.read_follower.progress,
        w.search_follower.progress,
        w.worker.progress if s.process == "serve" else None,
    )


def _housekeeping(s: Settings, ports: _Ports, purger: Purger) -> Housekeeping:
    statuses, registry = ports.tracker.store, ports.registry
    return Housekeeping(
        {
            "databases purged": purger.run_once,
            "command statuses forgotten": lambda: statuses.prune(
                utc_after(-s.command_status_retention_hours * 3600)
            ),
            "consumer registry rows pruned": lambda: registry.prune(
                registry.clock() - s.registry_retention_days * 86400
            ),
        }
    )


def _readiness(s: Settings, ports: _Ports, w: _Writes, states: SyncStates) -> Readiness:
    return Readiness(
        ports.events,
        ports.documents,
        ports.tracker.store,
        ports.search,
        ports.blobs,
        _carriers(s, ports.registry, w.worker, w.read_follower, w.search_follower),
        s.ready_max_lag_seconds,
        pending=PendingCommands(ports.events) if s.process == "api" else None,
        connectors=states,
        failing_for=s.connector_degraded_after_seconds,
    )


def _carriers(
    s: Settings,
    registry: ConsumerRegistry,
    worker: CommandWorker,
    documents: LogFollower,
    search: LogFollower,
) -> list[Follower]:
    """What carries a write from the log to the reads, as readiness watches it: in `spice
    serve` its own threads; in the API of the distributed profile the relay's checkpoint
    and the watches on what the projection workers wrote (the command workers are watched
    by the commands waiting in the log)."""
    found = []
    if s.process == "serve":
        found.append(of_progress("command worker", worker.progress, True, lambda: worker.running))
    elif s.transport_url:
        found.append(Follower("relay", lambda: registry.checkpoint(RELAY), True))
    found.append(
        of_progress("document projection", documents.progress, True, lambda: documents.running)
    )
    found.append(of_progress("search projection", search.progress, False, lambda: search.running))
    return found


def _followers(
    s: Settings,
    events: EventStore,
    documents: DocumentStore,
    search: SearchIndex,
    worker: CommandWorker,
    projector: DocumentProjector,
    search_projector: SearchProjector,
) -> tuple[LogFollower, LogFollower, DrainWait]:
    """What moves the documents and the search index on, and how to wait for commands in
    flight: this process's own followers, or in an API process of the distributed profile
    watches on what the workers write."""
    if s.process != "api":

        def drain(timeout: float) -> bool:
            return worker.progress.wait(events.head_position(), timeout)

        return projector, search_projector, drain
    read: LogFollower = ReadModelWatch(events, documents.checkpoint)
    searched: LogFollower = search_projector
    if search.shared:
        searched = ReadModelWatch(events, search.checkpoint, name="search-watch", monotonic=False)
    return read, searched, PendingCommands(events).settled
