"""The streams every decision reads, kept in memory and brought up to date from the log.

Nearly every command reads the same few aggregates before its own: its database, its
branch, its class (and a signed-in request its user or API key). Read from the store, they
cost a round trip each per decision. Here their whole streams are kept, and before any of
them is read the log's tail since the last look is applied to them: one read of what was
appended, and only when the store has heard of an append past that point (its own appends,
another process's notification, or a head it read). The log is append-only, so a kept
stream is only ever extended: an event whose sequence is already kept is skipped, and a
stream with a gap is dropped and read again.

Decisions stay as fresh as reading the store would make them, up to appends this process
has not heard of yet, which reading the store an instant earlier would miss too. Writes
are still checked by the store's sequence numbers (OCC).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from spice.application.ports.event_store import EventStore
from spice.domain.envelope import EventEnvelope

# The kinds of aggregate kept: few streams, read by most decisions.
KEPT = ("db:", "branch:", "class:", "user:", "apikey:")
MAX_STREAMS = 10_000
# A tail longer than this drops every kept stream instead of being applied.
MAX_TAIL = 2000


def _kept(aggregate_id: str) -> bool:
    return aggregate_id.startswith(KEPT)


class CachedStreams:
    """The `Streams` a write model reads, with the streams of `KEPT` kinds in memory."""

    def __init__(self, store: EventStore, max_streams: int = MAX_STREAMS) -> None:
        self.store = store
        self.max_streams = max_streams
        self._lock = threading.Lock()
        self._streams: OrderedDict[str, list[EventEnvelope]] = OrderedDict()
        self._position = 0  # the log up to here has been applied to the kept streams
        store.listen()  # other processes' appends move `heard` on as they commit

    def _catch_up(self) -> None:
        """Apply what was appended since the last look, if the store heard of any."""
        position, heard = self._position, self.store.heard
        if heard <= position:
            return
        with self._lock:
            empty = not self._streams
        tail = [] if empty else self.store.read_all(position, MAX_TAIL)
        with self._lock:
            if self._position != position:
                return  # another thread applied it meanwhile
            if empty or len(tail) == MAX_TAIL:
                # Nothing kept, or too much to apply: start over from here.
                self._streams.clear()
                self._position = heard
                return
            for event in tail:
                self._extend(event)
            if tail:
                self._position = tail[-1].position or position

    def _extend(self, event: EventEnvelope) -> None:
        kept = self._streams.get(event.aggregate_id)
        if kept is None:
            return
        last = kept[-1].sequence_number if kept else None
        if last is None or event.sequence_number == last + 1:
            kept.append(event)
        elif event.sequence_number > last + 1:
            del self._streams[event.aggregate_id]  # a gap: read it again when asked

    def _streams_of(self, aggregate_ids: Sequence[str]) -> dict[str, list[EventEnvelope]]:
        """Whole streams (of kept kinds), from memory or read together and kept."""
        self._catch_up()
        found: dict[str, list[EventEnvelope]] = {}
        with self._lock:
            for aggregate_id in aggregate_ids:
                kept = self._streams.get(aggregate_id)
                if kept is not None:
                    self._streams.move_to_end(aggregate_id)
                    found[aggregate_id] = kept
            position = self._position
        missing = [a for a in aggregate_ids if a not in found]
        if not missing:
            return found
        read = self.store.read_streams(missing)
        with self._lock:
            # Kept only if no tail was applied during the read: one applied meanwhile may
            # have passed over events these streams lack.
            if self._position == position:
                for aggregate_id, events in read.items():
                    self._streams[aggregate_id] = list(events)
                while len(self._streams) > self.max_streams:
                    self._streams.popitem(last=False)
        found.update(read)
        return found

    # --- the Streams protocol ---------------------------------------------------------------

    def read_stream(self, aggregate_id: str, from_seq: int = 1) -> Sequence[EventEnvelope]:
        if not _kept(aggregate_id):
            return self.store.read_stream(aggregate_id, from_seq)
        events = self._streams_of([aggregate_id])[aggregate_id]
        return [e for e in events if e.sequence_number >= from_seq]

    def read_streams(self, aggregate_ids: Iterable[str]) -> dict[str, list[EventEnvelope]]:
        wanted = list(dict.fromkeys(aggregate_ids))
        kept = [a for a in wanted if _kept(a)]
        found = {a: list(events) for a, events in self._streams_of(kept).items()} if kept else {}
        others = [a for a in wanted if not _kept(a)]
        if others:
            found.update(self.store.read_streams(others))
        return found

    def heads(
        self, aggregate_ids: Iterable[str], until_position: int | None = None
    ) -> dict[str, EventEnvelope]:
        wanted = list(dict.fromkeys(aggregate_ids))
        kept = [a for a in wanted if _kept(a)] if until_position is None else []
        found = {a: events[-1] for a, events in self._streams_of(kept).items() if events}
        others = [a for a in wanted if a not in kept]
        if others:
            found.update(self.store.heads(others, until_position))
        return found

    def stream_ids(
        self, prefix: str, after: str = "", limit: int = 1000, until_position: int | None = None
    ) -> list[str]:
        return self.store.stream_ids(prefix, after, limit, until_position)

    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> Sequence[EventEnvelope]:
        return self.store.read_all(after_position, limit, aggregate_type)

    def head_position(self) -> int:
        return self.store.head_position()
