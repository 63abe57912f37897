"""Every port adapter, built fresh per test and closed afterwards.

Each port has one list of (id, factory) pairs; a factory gets pytest's `tmp_path`. Adding an
adapter means adding one entry per list: every contract test then runs on it. The PostgreSQL
adapters get a schema of their own per test, the Redis ones a key prefix, dropped afterwards;
without the service running they are skipped (see tests/services.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from spice.adapters.distributed.kafka_transport import KafkaTransport
from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.distributed.postgres_consumer_registry import PostgresConsumerRegistry
from spice.adapters.distributed.postgres_documents import PostgresDocumentStore
from spice.adapters.distributed.postgres_event_store import PostgresEventStore
from spice.adapters.distributed.postgres_sync_states import PostgresSyncStates
from spice.adapters.distributed.redis_command_status import RedisCommandStatusStore
from spice.adapters.embedded.sqlite_command_status import SQLiteCommandStatusStore
from spice.adapters.embedded.sqlite_consumer_registry import SQLiteConsumerRegistry
from spice.adapters.embedded.sqlite_documents import SQLiteDocumentStore
from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.adapters.embedded.sqlite_sync_states import SQLiteSyncStates
from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.adapters.memory.sync_states import InMemorySyncStates
from spice.adapters.memory.transport import InMemoryTransport
from spice.application.overlay.store import DocumentStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.event_store import EventStore
from spice.application.ports.sources import SyncStates
from spice.application.ports.transport import Transport
from tests.services import kafka_prefix_url, postgres_schema_url, redis_prefix_url

Factories = list[tuple[str, Callable[[Path], Any]]]

EVENT_STORE_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryEventStore()),
    ("sqlite", lambda tmp: SQLiteEventStore(tmp / "events.db")),
    ("postgres", lambda tmp: PostgresEventStore(_pool())),
]
# Two stores on one log, as two processes would have.
SHARED_LOG_FACTORIES: Factories = [
    ("sqlite", lambda tmp: (SQLiteEventStore(tmp / "e.db"), SQLiteEventStore(tmp / "e.db"))),
    ("postgres", lambda tmp: _twice(PostgresEventStore, postgres_schema_url())),
]
CONSUMER_REGISTRY_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryConsumerRegistry()),
    ("sqlite", lambda tmp: SQLiteConsumerRegistry(tmp / "consumers.db")),
    ("postgres", lambda tmp: PostgresConsumerRegistry(_pool())),
]
COMMAND_STATUS_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryCommandStatusStore()),
    ("sqlite", lambda tmp: SQLiteCommandStatusStore(tmp / "commands.db")),
    ("redis", lambda tmp: RedisCommandStatusStore(redis_prefix_url())),
]
DOCUMENT_STORE_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryDocumentStore()),
    ("sqlite", lambda tmp: SQLiteDocumentStore(tmp / "documents.db")),
    ("postgres", lambda tmp: PostgresDocumentStore(_pool())),
]
SYNC_STATE_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemorySyncStates()),
    ("sqlite", lambda tmp: SQLiteSyncStates(tmp / "registry.db")),
    ("postgres", lambda tmp: PostgresSyncStates(_pool())),
]

TRANSPORT_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryTransport()),
    ("kafka", lambda tmp: KafkaTransport(kafka_prefix_url(), session_timeout_ms=6000)),
]


def _pool(url: str | None = None) -> PostgresDatabase:
    """A pool on a fresh schema (or on `url`); `_close` drops the schema and closes it."""
    return PostgresDatabase(url or postgres_schema_url())


def _twice(factory: Callable[[PostgresDatabase], Any], url: str) -> tuple[Any, Any]:
    """Two stores on one log, each with a pool of its own, as two processes would have."""
    return factory(_pool(url)), factory(_pool(url))


def _params(factories: Factories) -> dict[str, Any]:
    return {"params": [f for _, f in factories], "ids": [name for name, _ in factories]}


def _build(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    adapter = request.param(tmp_path)
    try:
        yield adapter
    finally:
        _close(adapter)


def _close(adapter: Any) -> None:
    if isinstance(adapter, KafkaTransport):
        adapter.delete_topics(adapter.pipeline_topics())
    if isinstance(adapter, RedisCommandStatusStore):
        adapter.delete_all()
    db = getattr(adapter, "_db", None)
    if isinstance(db, PostgresDatabase):
        db.drop_schema()
    adapter.close()
    if isinstance(db, PostgresDatabase):
        db.close()  # the store borrowed it


@pytest.fixture(**_params(EVENT_STORE_FACTORIES))
def event_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    yield from _build(request, tmp_path)


@pytest.fixture(**_params(SHARED_LOG_FACTORIES))
def two_event_stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[EventStore, EventStore]]:
    first, second = request.param(tmp_path)
    try:
        yield first, second
    finally:
        second.close()
        if isinstance(getattr(second, "_db", None), PostgresDatabase):
            second._db.close()  # type: ignore[attr-defined]
        _close(first)


@pytest.fixture(**_params(CONSUMER_REGISTRY_FACTORIES))
def consumer_registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConsumerRegistry]:
    yield from _build(request, tmp_path)


@pytest.fixture(**_params(COMMAND_STATUS_FACTORIES))
def command_status_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[CommandStatusStore]:
    yield from _build(request, tmp_path)


@pytest.fixture(**_params(DOCUMENT_STORE_FACTORIES))
def document_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    yield from _build(request, tmp_path)


@pytest.fixture(**_params(TRANSPORT_FACTORIES))
def transport(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Transport]:
    adapter = request.param(tmp_path)
    adapter.ensure_topics(adapter.pipeline_topics(), partitions=4)
    try:
        yield adapter
    finally:
        _close(adapter)


@pytest.fixture(**_params(SYNC_STATE_FACTORIES))
def sync_states(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SyncStates]:
    yield from _build(request, tmp_path)
