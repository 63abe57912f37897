"""Every port adapter, built fresh per test and closed afterwards.

Each port has one list of (id, factory) pairs; a factory gets pytest's `tmp_path`. Adding an
adapter (say PostgreSQL) means adding one entry per list: every contract test then runs on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from spice.adapters.embedded.sqlite_command_status import SQLiteCommandStatusStore
from spice.adapters.embedded.sqlite_consumer_registry import SQLiteConsumerRegistry
from spice.adapters.embedded.sqlite_documents import SQLiteDocumentStore
from spice.adapters.embedded.sqlite_event_store import SQLiteEventStore
from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.consumer_registry import InMemoryConsumerRegistry
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.ports.command_status import CommandStatusStore
from spice.application.ports.consumer_registry import ConsumerRegistry
from spice.application.ports.documents import DocumentStore
from spice.application.ports.event_store import EventStore

Factories = list[tuple[str, Callable[[Path], Any]]]

EVENT_STORE_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryEventStore()),
    ("sqlite", lambda tmp: SQLiteEventStore(tmp / "events.db")),
]
CONSUMER_REGISTRY_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryConsumerRegistry()),
    ("sqlite", lambda tmp: SQLiteConsumerRegistry(tmp / "consumers.db")),
]
COMMAND_STATUS_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryCommandStatusStore()),
    ("sqlite", lambda tmp: SQLiteCommandStatusStore(tmp / "commands.db")),
]
DOCUMENT_STORE_FACTORIES: Factories = [
    ("memory", lambda tmp: InMemoryDocumentStore()),
    ("sqlite", lambda tmp: SQLiteDocumentStore(tmp / "documents.db")),
]


def _params(factories: Factories) -> dict[str, Any]:
    return {"params": [f for _, f in factories], "ids": [name for name, _ in factories]}


def _build(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    adapter = request.param(tmp_path)
    try:
        yield adapter
    finally:
        adapter.close()


@pytest.fixture(**_params(EVENT_STORE_FACTORIES))
def event_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    yield from _build(request, tmp_path)


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
