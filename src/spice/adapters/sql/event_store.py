"""The event store on a SQL database: one table and the same statements on SQLite and
PostgreSQL; the dialects differ only in how an append takes the head of the log."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from spice.adapters.sql.database import SQLDatabase, chunks, placeholders
from spice.application.log.serialization import GENESIS_HASH, event_hash
from spice.application.ports.event_store import EventStore, sequence_before
from spice.domain.canonical import dumps, loads
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict

COMMANDS = AggregateType.COMMAND.value
COLUMNS = (
    "position, event_id, event_type, aggregate_type, aggregate_id, sequence_number, "
    "occurred_at, actor, data, metadata, schema_version, prev_hash, hash"
)
Row = tuple[Any, ...]


def _marks(count: int) -> str:
    return ",".join("?" * count)


def row_to_event(row: Row) -> EventEnvelope:
    return EventEnvelope(
        position=row[0],
        event_id=row[1],
        event_type=row[2],
        aggregate_type=row[3],
        aggregate_id=row[4],
        sequence_number=row[5],
        occurred_at=row[6],
        actor=row[7],
        data=loads(row[8]),
        metadata=loads(row[9]),
        schema_version=row[10],
        prev_hash=row[11],
        hash=row[12],
    )


def chain(
    events: Sequence[EventEnvelope], position: int, prev: str
) -> tuple[list[Row], list[EventEnvelope]]:
    """Rows for `events` placed after `position` (whose hash is `prev`), and the events as
    stored: positions and the hash chain filled in."""
    rows: list[Row] = []
    stored: list[EventEnvelope] = []
    for e in events:
        position += 1
        data_json, meta_json = dumps(e.data), dumps(e.metadata)
        digest = event_hash(prev, e, position, data_json, meta_json)
        rows.append(
            (
                position,
                e.event_id,
                e.event_type,
                e.aggregate_type,
                e.aggregate_id,
                e.sequence_number,
                e.occurred_at,
                e.actor,
                data_json,
                meta_json,
                e.schema_version,
                prev,
                digest,
            )
        )
        stored.append(e.stored(position, prev, digest))
        prev = digest
    return rows, stored


class SQLEventStore(EventStore):
    """Events in one table, positions assigned inside the write transaction.

    An append holds the head of the log until it commits (the hash chain links each event to
    the one before), so positions are gapless and in commit order: a reader of `read_all`
    cannot see position n+1 before position n has committed.
    """

    integrity_errors: tuple[type[Exception], ...] = ()

    def __init__(self, db: SQLDatabase, owns_db: bool = True) -> None:
        super().__init__()
        self._db = db
        self._owns_db = owns_db  # a pool handed in by bootstrap is closed there
        self._q = placeholders(db.mark)
        self._insert = self._q(f"INSERT INTO events ({COLUMNS}) VALUES ({_marks(13)})")

    @abstractmethod
    def _take_head(self, conn: Any) -> Any:
        """Lock the head of the log for this transaction; a cursor whose row is (last
        position, its hash), or none for an empty log."""

    def _on_append(self, conn: Any, position: int) -> None:  # noqa: B027 - optional hook
        """Called in the append's transaction after its rows are written."""

    def _head_seqs(self, conn: Any, aggregate_ids: list[str]) -> Callable[[], list[Row]]:
        """(aggregate id, last sequence number or None) rows, read when called."""
        # One MAX() per stream is served by the (aggregate, seq) index from its end.
        query = self._q("SELECT MAX(sequence_number) FROM events WHERE aggregate_id = ?")
        rows = [(a, conn.execute(query, (a,)).fetchone()[0]) for a in aggregate_ids]
        return lambda: rows

    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        if not events:
            return []
        try:
            with self._db.write() as conn:
                stored = self._append_in(conn, events)
        except self.integrity_errors:
            return self._replayed_or_raise(events, None)
        except ConcurrencyConflict as conflict:
            return self._replayed_or_raise(events, conflict)
        self._notify_appended(stored[-1].position)
        return stored

    def _append_in(self, conn: Any, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        answer = self._append_groups_in(conn, [events])[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def append_groups(
        self, groups: Sequence[Sequence[EventEnvelope]]
    ) -> list[list[EventEnvelope] | Exception]:
        """All groups in one transaction: one take of the head, one read of the streams'
        sequences, one insert. A group whose sequence is taken gets its conflict (or, when
        its events are stored already, them); an event id stored already fails the
        transaction, and then each group is appended alone."""
        groups = [g for g in groups]
        try:
            with self._db.write() as conn:
                answers = self._append_groups_in(conn, groups)
        except self.integrity_errors:
            return super().append_groups(groups)
        positions = [a[-1].position or 0 for a in answers if isinstance(a, list) and a]
        if positions:
            self._notify_appended(max(positions))
        for i, answer in enumerate(answers):
            if isinstance(answer, ConcurrencyConflict):
                try:
                    answers[i] = self._replayed_or_raise(groups[i], answer)
                except (ConcurrencyConflict, IdempotencyConflict) as exc:
                    answers[i] = exc
        return answers

    def _append_groups_in(
        self, conn: Any, groups: Sequence[Sequence[EventEnvelope]]
    ) -> list[list[EventEnvelope] | Exception]:
        # Both statements are sent before either result is read (one round trip when the
        # driver pipelines); the second runs after the first has taken the head.
        last_cursor = self._take_head(conn)
        wanted = list({e.aggregate_id: None for g in groups for e in g})
        read_heads = self._head_seqs(conn, wanted)
        last = last_cursor.fetchone()
        position, prev = (last[0], last[1]) if last else (0, GENESIS_HASH)
        heads = {a: seq for a, seq in read_heads() if seq is not None}
        answers: list[list[EventEnvelope] | Exception] = []
        rows: list[Row] = []
        for events in groups:
            taken: dict[str, int] = {}
            conflict = None
            for e in events:
                current = taken.get(e.aggregate_id, heads.get(e.aggregate_id, sequence_before(e)))
                if e.sequence_number != current + 1:
                    conflict = ConcurrencyConflict(e.aggregate_id, e.sequence_number - 1, current)
                    break
                taken[e.aggregate_id] = e.sequence_number
            if conflict is not None or not events:
                answers.append(conflict or [])
                continue
            heads.update(taken)
            chained, stored = chain(events, position, prev)
            position, prev = stored[-1].position or position, stored[-1].hash
            rows += chained
            answers.append(stored)
        if rows:
            conn.cursor().executemany(self._insert, rows)
            self._on_append(conn, position)
        return answers

    def _replayed_or_raise(
        self, events: Sequence[EventEnvelope], conflict: ConcurrencyConflict | None
    ) -> list[EventEnvelope]:
        stored = self._get_many([e.event_id for e in events])
        if not stored and conflict is not None:
            raise conflict
        if len(stored) == len(events) and all(stored[e.event_id].same_fact(e) for e in events):
            return [stored[e.event_id] for e in events]
        raise IdempotencyConflict(
            "event id reused for a different event",
            {"event_ids": sorted(stored)[:10]},
        )

    def _get_many(self, event_ids: list[str]) -> dict[str, EventEnvelope]:
        found: dict[str, EventEnvelope] = {}
        with self._db.query() as conn:
            for part in chunks(event_ids):
                marks = _marks(len(part))
                rows = conn.execute(
                    self._q(f"SELECT {COLUMNS} FROM events WHERE event_id IN ({marks})"), part
                )
                for row in rows:
                    found[row[1]] = row_to_event(row)
        return found

    def read_stream(
        self, aggregate_id: str, from_seq: int = 1, to_seq: int | None = None
    ) -> list[EventEnvelope]:
        with self._db.query() as conn:
            rows = conn.execute(
                self._q(
                    f"SELECT {COLUMNS} FROM events WHERE aggregate_id = ? "
                    "AND sequence_number >= ? AND sequence_number <= ? ORDER BY sequence_number"
                ),
                (aggregate_id, from_seq, to_seq if to_seq is not None else 2**62),
            ).fetchall()
        return [row_to_event(r) for r in rows]

    def read_streams(self, aggregate_ids: Iterable[str]) -> dict[str, list[EventEnvelope]]:
        found: dict[str, list[EventEnvelope]] = {a: [] for a in aggregate_ids}
        with self._db.query() as conn:
            for part in chunks(list(found)):
                rows = conn.execute(
                    self._q(
                        f"SELECT {COLUMNS} FROM events WHERE aggregate_id IN "
                        f"({_marks(len(part))}) ORDER BY aggregate_id, sequence_number"
                    ),
                    part,
                ).fetchall()
                for row in rows:
                    found[row[4]].append(row_to_event(row))
        return found

    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> list[EventEnvelope]:
        q = self._q
        with self._db.query() as conn:
            if aggregate_type is None:
                cursor = conn.execute(
                    q(f"SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"),
                    (after_position, limit),
                )
            elif aggregate_type == COMMANDS:
                # The literal lets the planner use the partial index of commands.
                cursor = conn.execute(
                    q(
                        f"SELECT {COLUMNS} FROM events WHERE aggregate_type = '{COMMANDS}' "
                        "AND position > ? ORDER BY position LIMIT ?"
                    ),
                    (after_position, limit),
                )
            else:
                cursor = conn.execute(
                    q(
                        f"SELECT {COLUMNS} FROM events WHERE aggregate_type = ? "
                        "AND position > ? ORDER BY position LIMIT ?"
                    ),
                    (aggregate_type, after_position, limit),
                )
            rows = cursor.fetchall()
        return [row_to_event(r) for r in rows]

    def get_event(self, event_id: str) -> EventEnvelope | None:
        return self._get_many([event_id]).get(event_id)

    def heads(
        self, aggregate_ids: Iterable[str], until_position: int | None = None
    ) -> dict[str, EventEnvelope]:
        found: dict[str, EventEnvelope] = {}
        until = until_position if until_position is not None else 2**62
        with self._db.query() as conn:
            for part in chunks(list(dict.fromkeys(aggregate_ids))):
                rows = conn.execute(
                    self._q(
                        f"SELECT {COLUMNS} FROM events e WHERE position IN ("
                        "SELECT MAX(position) FROM events "
                        f"WHERE aggregate_id IN ({_marks(len(part))}) AND position <= ? "
                        "GROUP BY aggregate_id)"
                    ),
                    [*part, until],
                ).fetchall()
                found.update((r[4], row_to_event(r)) for r in rows)
        return found

    def stream_ids(
        self, prefix: str, after: str = "", limit: int = 1000, until_position: int | None = None
    ) -> list[str]:
        # A range on the (aggregate_id, sequence_number) index: the prefix, then past it.
        until = until_position if until_position is not None else 2**62
        with self._db.query() as conn:
            rows = conn.execute(
                self._q(
                    "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_id > ? "
                    "AND aggregate_id >= ? AND aggregate_id < ? AND position <= ? "
                    "ORDER BY aggregate_id LIMIT ?"
                ),
                (after, prefix, prefix + "\U0010ffff", until, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def head_position(self) -> int:
        with self._db.query() as conn:
            row = conn.execute("SELECT MAX(position) FROM events").fetchone()
        head = int(row[0] or 0)
        self._notify_appended(head)  # a head read is a head heard of
        return head

    def close(self) -> None:
        if self._owns_db:
            self._db.close()
