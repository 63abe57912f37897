"""The only place that picks concrete adapters and wires the application together."""

from __future__ import annotations

import logging
import math
import tempfile
from dataclasses import dataclass
from typing import Any

from spice.adapters.embedded.file_blobs import FileBlobStore
from spice.adapters.embedded.sqlite_command_status import SQLiteCommandStatusStore
from spice.adapters.embedded.sqlite_consumer_registry import SQLiteConsumerRegistry
from spice.adapters.embedded.sqlite_documents import SQLiteDocumentStore
from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.adapters.memory.rate_limit import InMemoryRateLimiter
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.service import CommandService
from spice.application.commands.status import CommandStatuses
from spice.application.commands.tracking import CommandTracker
from spice.application.commands.worker import CommandWorker
from spice.application.delivery.follower import LogFollower
from spice.application.delivery.remote_progress import PendingCommands, ReadModelWatch
from spice.application.ports.blobs import BlobStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.documents import DocumentStore
from spice.application.ports.event_store import EventStore
from spice.application.ports.rate_limit import RateLimit, RateLimiter
from spice.application.ports.search import SearchIndex
from spice.application.ports.transport import Transport
from spice.application.projections.documents import DocumentProjector, rebuild
from spice.application.projections.search import SearchProjector
from spice.application.reads.documents import Reader
from spice.application.reads.graph_query import GraphQueries
from spice.application.reads.health import SystemHealth
from spice.application.reads.search import SearchService
from spice.bootstrap.settings import Settings

log = logging.getLogger(__name__)


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///").removeprefix("sqlite://")


def _pick(url: str, kind: str, sync: str) -> object:
    if url.startswith("memory://"):
        return {
            "events": InMemoryEventStore,
            "registry": InMemoryConsumerRegistry,
            "documents": InMemoryDocumentStore,
            "status": InMemoryCommandStatusStore,
        }[kind]()
    if url.startswith("sqlite:"):
        return {
            "events": SQLiteEventStore,
            "registry": SQLiteConsumerRegistry,
            "documents": SQLiteDocumentStore,
            "status": SQLiteCommandStatusStore,
        }[kind](_sqlite_path(url), sync)
    # The distributed adapters need the `distributed` extra, so they are imported on demand.
    if url.startswith(("postgresql://", "postgres://")) and kind != "status":
        from spice.adapters.distributed.postgres_consumer_registry import (
            PostgresConsumerRegistry,
        )
        from spice.adapters.distributed.postgres_documents import PostgresDocumentStore
        from spice.adapters.distributed.postgres_event_store import PostgresEventStore

        return {
            "events": PostgresEventStore,
            "registry": PostgresConsumerRegistry,
            "documents": PostgresDocumentStore,
        }[kind](url)
    if url.startswith(("redis://", "rediss://")) and kind == "status":
        from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore

        return RedisCommandStatusStore(url)
    raise ValueError(f"unsupported {kind} URL: {url!r}")


def _transport(url: str) -> Transport | None:
    if not url:
        return None
    if url.startswith("kafka://"):
        from spice.adapters.distributed.kafka_transport import KafkaTransport

        return KafkaTransport(url)
    raise ValueError(f"unsupported transport URL: {url!r}")


def _search_index(url: str) -> SearchIndex:
    if url.startswith("memory://"):
        return TantivySearchIndex(tempfile.mkdtemp(prefix="spice-search-"))
    if url.startswith("tantivy:"):
        return TantivySearchIndex(url.removeprefix("tantivy://"))
    if url.startswith("opensearch://"):
        from spice.adapters.distributed.opensearch_search import OpenSearchSearchIndex

        return OpenSearchSearchIndex(url)
    raise ValueError(f"unsupported search URL: {url!r}")


def _blobs(url: str) -> BlobStore:
    if url.startswith("file://"):
        return FileBlobStore(url.removeprefix("file://"))
    if url.startswith("s3://"):
        from spice.adapters.distributed.s3_blobs import S3BlobStore

        return S3BlobStore(url)
    raise ValueError(f"unsupported blob URL: {url!r}")


def _rate_limiter(s: Settings) -> RateLimiter | None:
    if not s.rate_limit_per_second:
        return None
    burst = s.rate_limit_burst or max(1, math.ceil(s.rate_limit_per_second))
    limit = RateLimit(s.rate_limit_per_second, burst)
    if not s.rate_limit_url:
        return InMemoryRateLimiter(limit)
    if s.rate_limit_url.startswith(("redis://", "rediss://")):
        from spice.adapters.distributed.redis_rate_limit import RedisRateLimiter

        return RedisRateLimiter(s.rate_limit_url, limit)
    raise ValueError(f"unsupported rate limit URL: {s.rate_limit_url!r}")


@dataclass
class Container:
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
    search: SearchIndex
    search_projector: SearchProjector
    searches: SearchService
    graph: GraphQueries
    transport: Transport | None
    # How far the document read model has got: its projector, or in an API process of the
    # distributed profile a watch on the checkpoint the projections worker writes.
    read_progress: LogFollower
    # The same for the search index: its projector, or a watch on a shared index (OpenSearch)
    # that the projections worker writes.
    search_progress: LogFollower
    blobs: BlobStore
    rate_limiter: RateLimiter | None
    reader: Reader
    command_statuses: CommandStatuses
    health: SystemHealth

    def start(self) -> None:
        if self.settings.process == "api":
            self.tracker.hear_other_processes()
            self.read_progress.start()
            self.search_progress.start()
            return
        if self.documents.needs_rebuild():
            log.warning("document read model predates graph edges; rebuilding it from the log")
            rebuild(self.events, self.documents)
        if self.settings.run_workers:
            self.worker.start()
            self.projector.start()
            self.search_projector.start()

    def stop(self) -> None:
        followers = [self.worker, self.projector, self.search_projector]
        for follower in {*followers, self.read_progress, self.search_progress}:
            follower.stop()
        ports: list[Any] = [self.events, self.registry, self.documents, self.statuses, self.blobs]
        if self.rate_limiter is not None:
            ports.append(self.rate_limiter)
        for port in [*ports, self.search, *([self.transport] if self.transport else [])]:
            port.close()


def build_container(settings: Settings) -> Container:
    sync = settings.sqlite_synchronous
    s = settings
    events = _pick(s.url(s.event_store_url, "events.db"), "events", sync)
    registry = _pick(s.url(s.consumer_registry_url, "registry.db"), "registry", sync)
    documents = _pick(s.url(s.documents_url, "documents.db"), "documents", sync)
    statuses = _pick(s.url(s.command_status_url, "commands.db"), "status", sync)
    assert isinstance(events, EventStore) and isinstance(registry, ConsumerRegistry)
    assert isinstance(documents, DocumentStore) and isinstance(statuses, CommandStatusStore)
    tracker = CommandTracker(statuses)
    executor = CommandExecutor(events, tracker)
    worker = CommandWorker(executor, registry)
    projector = DocumentProjector(events, documents)

    def drain(timeout: float) -> bool:
        return worker.wait_position(events.head_position(), timeout)

    read_progress: LogFollower = projector
    if s.process == "api":
        read_progress = ReadModelWatch(events, documents.checkpoint)
        drain = PendingCommands(events).settled

    service = CommandService(events, tracker, drain, s.drain_timeout_seconds)
    search = _search_index(s.search_location())
    search_projector = SearchProjector(events, search)
    search_progress: LogFollower = search_projector
    if s.process == "api" and search.shared:
        search_progress = ReadModelWatch(
            events, search.checkpoint, name="search-watch", monotonic=False
        )
    searches = SearchService(Reader(documents), search, documents.checkpoint)
    graph = GraphQueries(documents, search, documents.checkpoint, searches)
    blobs = _blobs(s.blob_location())
    health = SystemHealth(
        events,
        documents,
        search,
        blobs,
        read_progress,
        search_progress,
        worker if s.process == "serve" else None,
    )
    return Container(
        s,
        events,
        registry,
        documents,
        statuses,
        tracker,
        executor,
        worker,
        projector,
        service,
        search,
        search_projector,
        searches,
        graph,
        _transport(s.transport_url),
        read_progress,
        search_progress,
        blobs,
        _rate_limiter(s),
        Reader(documents),
        CommandStatuses(events, tracker, executor),
        health,
    )
