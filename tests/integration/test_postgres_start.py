"""Processes of the distributed profile start at the same time on one PostgreSQL schema
(api, relay, projections, command workers): none of them may fail because another created
the schema or its tables a moment earlier."""

from __future__ import annotations

import threading

import pytest

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.distributed.postgres_event_store import PostgresEventStore
from tests.services import drop_postgres_schema, postgres_schema_url

PROCESSES = 8


@pytest.mark.parametrize("round_", range(5))  # the race is lost only now and then
def test_processes_starting_at_once_share_a_new_schema(round_: int) -> None:
    url = postgres_schema_url()
    start = threading.Barrier(PROCESSES)
    failures: list[BaseException] = []
    made: list[PostgresDatabase] = []
    lock = threading.Lock()

    def process() -> None:
        start.wait()
        try:
            db = PostgresDatabase(url, max_size=1)
            PostgresEventStore(db)
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            with lock:
                failures.append(exc)
            return
        with lock:
            made.append(db)

    threads = [threading.Thread(target=process) for _ in range(PROCESSES)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert len(made) == PROCESSES
        with made[0].query() as conn:
            row = conn.execute("SELECT count(*) FROM events").fetchone()
        assert row == (0,)
    finally:
        for db in made:
            db.close()
        drop_postgres_schema(url)
