"""PostgreSQL event store: the distributed source of truth."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.sql.event_store import Row, SQLEventStore

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position bigint PRIMARY KEY,
    event_id text COLLATE "C" NOT NULL UNIQUE,
    event_type text NOT NULL,
    aggregate_type text COLLATE "C" NOT NULL,
    aggregate_id text COLLATE "C" NOT NULL,
    sequence_number bigint NOT NULL,
    occurred_at text NOT NULL,
    actor text NOT NULL,
    data text NOT NULL,
    metadata text NOT NULL,
    schema_version integer NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    UNIQUE (aggregate_id, sequence_number)
);
CREATE INDEX IF NOT EXISTS command_positions ON events (position)
    WHERE aggregate_type = 'Command';
"""


class PostgresEventStore(SQLEventStore):
    """Events in one table. An append takes a transaction-scoped advisory lock, the head of
    the log, before it reads the last position: appends are serialised, so positions are
    assigned and committed in the same order and a reader never skips one that commits late.

    Every append notifies a channel on commit; `wait_for` in any process listens to it, so
    readers in other processes wake at once instead of polling.
    """

    integrity_errors = (psycopg.IntegrityError,)

    def __init__(self, db: PostgresDatabase) -> None:
        """On `db`, a pool the caller owns and closes after this store."""
        with db.migration("events") as conn:
            conn.execute(SCHEMA)
        super().__init__(db, owns_db=False)
        self._pg = db
        # A channel name is at most 63 bytes; schemas sharing a long prefix only share wake-ups.
        self._channel = f"spice_events_{db.schema}"[:63]
        self._lock_key = f"{db.schema}.events.head"
        self._listener: threading.Thread | None = None
        self._listener_lock = threading.Lock()
        self._closed = threading.Event()

    def _take_head(self, conn: psycopg.Connection) -> psycopg.Cursor:
        # The lock is its own statement: the next statement's snapshot is taken after it is
        # held, so it sees the previous append committed.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._lock_key,))
        return conn.execute("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")

    def _head_seqs(
        self, conn: psycopg.Connection, aggregate_ids: list[str]
    ) -> Callable[[], list[Row]]:
        # A MAX() per stream, each served by the (aggregate, seq) index; read later, so the
        # statement travels with the lock and the head in one round trip.
        return conn.execute(
            "SELECT a, (SELECT MAX(sequence_number) FROM events WHERE aggregate_id = a) "
            "FROM unnest(%s::text[]) AS a",
            (aggregate_ids,),
        ).fetchall

    def _on_append(self, conn: psycopg.Connection, position: int) -> None:
        conn.execute("SELECT pg_notify(%s, %s)", (self._channel, str(position)))

    def _watch_other_processes(self) -> None:
        if self._listener is not None:
            return
        with self._listener_lock:
            if self._listener is None:
                self._listener = threading.Thread(
                    target=self._listen, name="spice-pg-listen", daemon=True
                )
                self._listener.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                with psycopg.connect(self._pg.url, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f'LISTEN "{self._channel}"')
                    self._notify_appended()  # appends made while (re)connecting
                    while not self._closed.is_set():
                        for notice in conn.notifies(timeout=0.1):
                            self._notify_appended(_position(notice.payload))
            except psycopg.Error as exc:
                log.warning("event notifications lost (%s); waiters poll until reconnected", exc)
                self._closed.wait(1.0)

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.join(timeout=5)
        super().close()


def _position(payload: str) -> int | None:
    """The position an append announced (None for a payload that is not one)."""
    try:
        return int(payload)
    except ValueError:
        return None
