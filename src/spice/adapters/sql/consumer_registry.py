"""The consumer registry on a SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

from typing import Any

from spice.adapters.sql.database import SQLDatabase, chunks, placeholders
from spice.application.ports.consumer_registry import (
    CLAIMED,
    DUPLICATE,
    IN_PROGRESS,
    STALE,
    Claim,
    ConsumerRegistry,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (consumer TEXT PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL, event_id TEXT NOT NULL, processed_at DOUBLE PRECISION,
    PRIMARY KEY (consumer, event_id)
);
CREATE TABLE IF NOT EXISTS event_leases (
    handler TEXT NOT NULL, event_id TEXT NOT NULL, owner TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL,
    PRIMARY KEY (handler, event_id)
);
CREATE TABLE IF NOT EXISTS aggregate_versions (
    handler TEXT NOT NULL, aggregate_id TEXT NOT NULL, seq BIGINT NOT NULL,
    PRIMARY KEY (handler, aggregate_id)
);
"""
# After SCHEMA, on a registry from before processed rows had a time (the column is added by
# each dialect's own statement): rows without one count from now, and are pruned by time.
TIMED = """
UPDATE processed_events SET processed_at = {now} WHERE processed_at IS NULL;
CREATE INDEX IF NOT EXISTS processed_events_at ON processed_events (processed_at);
CREATE INDEX IF NOT EXISTS event_leases_expiry ON event_leases (expires_at);
"""
VERSION = "SELECT seq FROM aggregate_versions WHERE handler = ? AND aggregate_id = ?"
# After `INSERT INTO event_leases VALUES (handler, event_id, owner, expires_at, 1), ...`: the
# lease is taken when it is free, this owner's, or run out (the last parameter is now).
TAKE_LEASE = (
    "ON CONFLICT (handler, event_id) DO UPDATE SET owner = excluded.owner, "
    "expires_at = excluded.expires_at, attempts = event_leases.attempts + 1 "
    "WHERE event_leases.owner = excluded.owner OR event_leases.expires_at <= ? "
    "RETURNING event_id, attempts"
)
PROCESSED = "INSERT INTO processed_events VALUES (?, ?, ?) ON CONFLICT DO NOTHING"


class SQLConsumerRegistry(ConsumerRegistry):
    """`greatest` is the dialect's two-argument maximum (MAX on SQLite, GREATEST elsewhere).

    A claim takes the lease first and only then looks for the event among the processed
    ones, in one transaction: a concurrent `complete` either still holds the lease row (the
    claim waits for it, then sees the event processed) or has committed both. Lease times
    are the workers' clocks (seconds since the epoch); keep them in sync (NTP).
    """

    def __init__(self, db: SQLDatabase, greatest: str, owns_db: bool = True) -> None:
        self._db = db
        self._owns_db = owns_db  # a pool handed in by bootstrap is closed there
        self._q = placeholders(db.mark)
        self._greatest = greatest

    def checkpoint(self, consumer: str) -> int:
        with self._db.query() as conn:
            row = conn.execute(
                self._q("SELECT position FROM checkpoints WHERE consumer = ?"), (consumer,)
            ).fetchone()
        return int(row[0]) if row else 0

    def save_checkpoint(self, consumer: str, position: int) -> None:
        with self._db.write() as conn:
            conn.execute(
                self._q(
                    "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE "
                    f"SET position = {self._greatest}(checkpoints.position, excluded.position)"
                ),
                (consumer, position),
            )

    def mark_processed(self, consumer: str, event_id: str) -> bool:
        with self._db.write() as conn:
            row = conn.execute(
                self._q(f"{PROCESSED} RETURNING 1"),
                (consumer, event_id, self.clock()),
            ).fetchone()
            return row is not None

    def is_processed(self, consumer: str, event_id: str) -> bool:
        with self._db.query() as conn:
            row = conn.execute(
                self._q("SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?"),
                (consumer, event_id),
            ).fetchone()
        return row is not None

    def claim(
        self,
        handler: str,
        event_id: str,
        owner: str,
        lease_seconds: float,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> Claim:
        now = self.clock()
        with self._db.write() as conn:
            leased = conn.execute(
                self._q(f"INSERT INTO event_leases VALUES (?, ?, ?, ?, 1) {TAKE_LEASE}"),
                (handler, event_id, owner, now + lease_seconds, now),
            ).fetchone()
            if leased is None:
                return Claim(IN_PROGRESS)
            outcome = self._skip(conn, handler, event_id, aggregate_id, seq)
            if outcome is not None:
                self._drop_leases(conn, handler, [event_id])
                return Claim(outcome, int(leased[1]))
        return Claim(CLAIMED, int(leased[1]))

    def claim_many(
        self, handler: str, event_ids: list[str], owner: str, lease_seconds: float
    ) -> dict[str, Claim]:
        """Three statements for the whole batch, as `claim` does for one: take the leases
        that are free, ours or run out; look the leased ones up among the processed; drop
        the leases of those."""
        now = self.clock()
        found: dict[str, Claim] = {}
        with self._db.write() as conn:
            for part in chunks(list(dict.fromkeys(event_ids))):
                rows = ",".join(["(?, ?, ?, ?, 1)"] * len(part))
                leased = dict(
                    conn.execute(
                        self._q(f"INSERT INTO event_leases VALUES {rows} {TAKE_LEASE}"),
                        [*(v for e in part for v in (handler, e, owner, now + lease_seconds)), now],
                    ).fetchall()
                )
                done = self._processed_in(conn, handler, list(leased))
                self._drop_leases(conn, handler, list(done))
                for event_id in part:
                    attempts = leased.get(event_id)
                    if attempts is None:
                        found[event_id] = Claim(IN_PROGRESS)
                    else:
                        outcome = DUPLICATE if event_id in done else CLAIMED
                        found[event_id] = Claim(outcome, int(attempts))
        return found

    def _drop_leases(self, conn: Any, handler: str, event_ids: list[str]) -> None:
        if event_ids:
            marks = ",".join("?" * len(event_ids))
            conn.execute(
                self._q(f"DELETE FROM event_leases WHERE handler = ? AND event_id IN ({marks})"),
                [handler, *event_ids],
            )

    def _processed_in(self, conn: Any, consumer: str, event_ids: list[str]) -> set[str]:
        if not event_ids:
            return set()
        marks = ",".join("?" * len(event_ids))
        rows = conn.execute(
            self._q(
                f"SELECT event_id FROM processed_events WHERE consumer = ? "
                f"AND event_id IN ({marks})"
            ),
            [consumer, *event_ids],
        ).fetchall()
        return {r[0] for r in rows}

    def _skip(
        self, conn: Any, handler: str, event_id: str, aggregate_id: str | None, seq: int | None
    ) -> str | None:
        if self._processed_in(conn, handler, [event_id]):
            return DUPLICATE
        if aggregate_id is not None and seq is not None:
            row = conn.execute(
                self._q(VERSION),
                (handler, aggregate_id),
            ).fetchone()
            if row is not None and int(row[0]) >= seq:
                return STALE
        return None

    def heartbeat(
        self, handler: str, owner: str, event_ids: list[str], lease_seconds: float
    ) -> set[str]:
        if not event_ids:
            return set()
        now = self.clock()
        marks = ", ".join("?" for _ in event_ids)
        with self._db.write() as conn:
            rows = conn.execute(
                self._q(
                    "UPDATE event_leases SET expires_at = ? WHERE handler = ? AND owner = ? "
                    f"AND expires_at > ? AND event_id IN ({marks}) RETURNING event_id"
                ),
                (now + lease_seconds, handler, owner, now, *event_ids),
            ).fetchall()
        return set(event_ids) - {r[0] for r in rows}

    def complete(
        self,
        handler: str,
        event_id: str,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> None:
        with self._db.write() as conn:
            self._complete_in(conn, handler, event_id, aggregate_id, seq)

    def complete_many(self, handler: str, event_ids: list[str]) -> None:
        with self._db.write() as conn:
            for event_id in event_ids:
                self._complete_in(conn, handler, event_id)

    def _complete_in(
        self,
        conn: Any,
        handler: str,
        event_id: str,
        aggregate_id: str | None = None,
        seq: int | None = None,
    ) -> None:
        conn.execute(self._q(PROCESSED), (handler, event_id, self.clock()))
        if aggregate_id is not None and seq is not None:
            conn.execute(
                self._q(
                    "INSERT INTO aggregate_versions VALUES (?, ?, ?) "
                    "ON CONFLICT (handler, aggregate_id) DO UPDATE SET seq = "
                    f"{self._greatest}(aggregate_versions.seq, excluded.seq)"
                ),
                (handler, aggregate_id, seq),
            )
        self._drop_leases(conn, handler, [event_id])

    def release(self, handler: str, event_id: str, owner: str, forget: bool = False) -> None:
        change = "DELETE FROM event_leases" if forget else "UPDATE event_leases SET expires_at = 0"
        with self._db.write() as conn:
            conn.execute(
                self._q(f"{change} WHERE handler = ? AND event_id = ? AND owner = ?"),
                (handler, event_id, owner),
            )

    def prune(self, before: float) -> int:
        with self._db.write() as conn:  # counted by RETURNING: a pipeline has no rowcount
            processed = conn.execute(
                self._q("DELETE FROM processed_events WHERE processed_at < ? RETURNING 1"),
                (before,),
            ).fetchall()
            leases = conn.execute(
                self._q("DELETE FROM event_leases WHERE expires_at < ? RETURNING 1"), (before,)
            ).fetchall()
        return len(processed) + len(leases)

    def aggregate_version(self, handler: str, aggregate_id: str) -> int:
        with self._db.query() as conn:
            row = conn.execute(
                self._q(VERSION),
                (handler, aggregate_id),
            ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self._owns_db:
            self._db.close()
