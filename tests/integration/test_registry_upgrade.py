"""A consumer registry written before processed messages had a time (SQLite and
PostgreSQL) is upgraded when it is opened: its rows are kept, count from the upgrade, and
are pruned by age like new ones."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.distributed.postgres_consumer_registry import PostgresConsumerRegistry
from spice.adapters.embedded.sqlite_consumer_registry import SQLiteConsumerRegistry
from spice.application.ports.consumer_registry import ConsumerRegistry
from tests.services import drop_postgres_schema, postgres_schema_url

OLD_TABLE = (
    "CREATE TABLE processed_events (consumer TEXT NOT NULL, event_id TEXT NOT NULL, "
    "PRIMARY KEY (consumer, event_id))"
)


def _upgraded_rows_count_from_the_upgrade(registry: ConsumerRegistry) -> None:
    assert registry.is_processed("worker", "before-upgrade")
    now = time.time()
    assert registry.prune(now - 60) == 0  # counted from the upgrade, a moment ago
    registry.mark_processed("worker", "after-upgrade")
    assert registry.prune(now + 3600) == 2
    assert not registry.is_processed("worker", "before-upgrade")


def test_an_old_sqlite_registry_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    with sqlite3.connect(path) as conn:
        conn.execute(OLD_TABLE)
        conn.execute("INSERT INTO processed_events VALUES ('worker', 'before-upgrade')")
    registry = SQLiteConsumerRegistry(path)
    try:
        _upgraded_rows_count_from_the_upgrade(registry)
    finally:
        registry.close()


def test_an_old_postgres_registry_is_upgraded() -> None:
    url = postgres_schema_url()
    db = PostgresDatabase(url, max_size=2)
    try:
        with db.connection() as conn:
            conn.execute(OLD_TABLE)
            conn.execute("INSERT INTO processed_events VALUES ('worker', 'before-upgrade')")
        registry = PostgresConsumerRegistry(db)
        _upgraded_rows_count_from_the_upgrade(registry)
        registry.close()
    finally:
        db.close()
        drop_postgres_schema(url)
