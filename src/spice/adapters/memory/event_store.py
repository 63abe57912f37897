"""In-memory event store, for unit tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence

from spice.application.log.serialization import GENESIS_HASH, event_hash
from spice.application.ports.event_store import EventStore, sequence_before
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ConcurrencyConflict, IdempotencyConflict


class InMemoryEventStore(EventStore):
    """The log in a list, with the same guarantees as the real stores, for tests and
    `memory://`."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._log: list[EventEnvelope] = []
        self._by_id: dict[str, EventEnvelope] = {}
        self._streams: dict[str, list[EventEnvelope]] = {}

    def _replayed(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope] | None:
        stored = [self._by_id.get(e.event_id) for e in events]
        if all(s is None for s in stored):
            return None
        if all(s is not None and s.same_fact(e) for s, e in zip(stored, events, strict=True)):
            return [s for s in stored if s is not None]
        raise IdempotencyConflict("event id reused for a different event")

    def append(self, events: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        with self._lock:
            replayed = self._replayed(events)
            if replayed is not None:
                return replayed
            taken: dict[str, int] = {}
            for e in events:
                stream = self._streams.get(e.aggregate_id, [])
                first = sequence_before(e)
                current = taken.get(e.aggregate_id, stream[-1].sequence_number if stream else first)
                if e.sequence_number != current + 1:
                    raise ConcurrencyConflict(e.aggregate_id, e.sequence_number - 1, current)
                taken[e.aggregate_id] = e.sequence_number
            stored: list[EventEnvelope] = []
            prev = self._log[-1].hash if self._log else GENESIS_HASH
            for e in copy.deepcopy(list(events)):
                position = len(self._log) + 1
                digest = event_hash(prev, e, position)
                s = e.stored(position, prev, digest)
                prev = digest
                self._log.append(s)
                self._by_id[s.event_id] = s
                self._streams.setdefault(s.aggregate_id, []).append(s)
                stored.append(s)
        self._notify_appended(stored[-1].position)
        return stored

    def read_stream(
        self, aggregate_id: str, from_seq: int = 1, to_seq: int | None = None
    ) -> list[EventEnvelope]:
        with self._lock:
            return [
                e
                for e in self._streams.get(aggregate_id, [])
                if e.sequence_number >= from_seq and (to_seq is None or e.sequence_number <= to_seq)
            ]

    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> list[EventEnvelope]:
        with self._lock:
            out: list[EventEnvelope] = []
            for e in self._log[after_position:]:
                if aggregate_type is None or e.aggregate_type == aggregate_type:
                    out.append(e)
                    if len(out) >= limit:
                        break
            return out

    def get_event(self, event_id: str) -> EventEnvelope | None:
        with self._lock:
            return self._by_id.get(event_id)

    def heads(
        self, aggregate_ids: Iterable[str], until_position: int | None = None
    ) -> dict[str, EventEnvelope]:
        until = until_position if until_position is not None else 2**62
        found: dict[str, EventEnvelope] = {}
        with self._lock:
            for a in aggregate_ids:
                visible = [e for e in self._streams.get(a, []) if (e.position or 0) <= until]
                if visible:
                    found[a] = visible[-1]
        return found

    def stream_ids(
        self, prefix: str, after: str = "", limit: int = 1000, until_position: int | None = None
    ) -> list[str]:
        until = until_position if until_position is not None else 2**62
        with self._lock:
            found = sorted(
                a
                for a, stream in self._streams.items()
                if a.startswith(prefix) and a > after and (stream[0].position or 0) <= until
            )
        return found[:limit]

    def head_position(self) -> int:
        with self._lock:
            return len(self._log)
