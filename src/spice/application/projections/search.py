"""The search projection: instance state from the log into the search index, in batches.

Each batch folds instance events onto the state the index already holds (looked up once
per batch), writes the changed instances, and records the position reached. An event at or
below the indexed sequence is stale and skipped, so replaying a batch changes nothing.
"""

from __future__ import annotations

import time

from spice.application.delivery.follower import LogFollower
from spice.application.ports.event_store import EventStore
from spice.application.ports.search import IndexChange, SearchIndex
from spice.application.projections.generations import rebuild_generation
from spice.application.search.query import SearchHit
from spice.application.tracing import traced_step
from spice.domain.aggregates import AggregateState, apply
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.errors import Unavailable
from spice.domain.events import (
    DatabaseDeleted,
    DatabasePurged,
    InstanceCreated,
    InstanceEvent,
    decode,
    purges,
)
from spice.domain.names import MAIN_BRANCH

StateKey = tuple[str, str, str, str]  # db, branch, class, id
DROPPING = frozenset({DatabaseDeleted.event_type, DatabasePurged.event_type})


Decoded = tuple[EventEnvelope, InstanceEvent]


def _decoded(event: EventEnvelope) -> Decoded:
    fact = decode(event)
    assert isinstance(fact, InstanceEvent)
    return event, fact


def _key(event: EventEnvelope, fact: InstanceEvent) -> StateKey:
    meta = event.metadata
    return (
        str(meta.get("database") or ""),
        str(meta.get("branch") or ""),
        fact.class_id,
        fact.instance_id,
    )


def _state(hit: SearchHit | None, aggregate_id: str) -> AggregateState:
    if hit is None:
        return AggregateState(aggregate_id)
    kind = AggregateType.INSTANCE.value
    return AggregateState(aggregate_id, kind, hit.seq, True, False, dict(hit.data))


class SearchProjector(LogFollower):
    """Follows $all into the search index (the active generation unless given one)."""

    name = "search-projector"

    def __init__(
        self,
        store: EventStore,
        index: SearchIndex,
        batch_size: int = 5000,
        generation: str | None = None,
        min_interval: float = 0.1,
    ) -> None:
        super().__init__(store, idle_wait=0.2)
        self.index = index
        self.batch_size = batch_size
        self.generation = generation
        # A step costs the index a commit (Tantivy) or a refresh and state writes
        # (OpenSearch) whatever it carries: under a steady stream of writes, steps are at
        # least this far apart and carry what arrived meanwhile. The first write after a
        # quiet spell is indexed at once, and so is what a waiting reader asked for.
        self.min_interval = min_interval
        self._stepped = 0.0
        try:
            self.progress.advance(index.checkpoint(generation))
        except Unavailable:
            self.progress.mark_failing(True)  # a shared index that is away; the loop retries

    def _idle(self, position: int) -> None:
        super()._idle(position)
        due = self._stepped + self.min_interval
        # A reader waiting for a position not indexed yet is not kept waiting: the spacing
        # is slept in slices, each after a look at what readers want.
        while (left := due - time.monotonic()) > 0 and not self._stop.is_set():
            if self.progress.wanted > self.progress.position:
                return
            self._stop.wait(min(left, 0.01))

    def step(self) -> tuple[int, bool]:
        began = time.monotonic()
        generation, start = self.index.writing_position(self.generation)
        # After `rebuild --search` switches to a new generation the checkpoint may be lower
        # than before, and waits must see that.
        self.progress.reset(start)
        batch = self.store.read_all(start, self.batch_size)
        if not batch:
            return start, False
        # Only a step that carries writes counts for the spacing: after a quiet spell (empty
        # steps only) the next write is indexed at once.
        self._stepped = began
        # The index holds `main`; reads on other branches, or as of a position, overlay the
        # document read model instead.
        facts = {
            e.position: _decoded(e)
            for e in batch
            if e.aggregate_type == AggregateType.INSTANCE
            and e.metadata.get("branch") == MAIN_BRANCH
        }
        states = self._prior_states(generation, list(facts.values()))
        touched: dict[StateKey, int] = {}  # instance -> position of its last event here
        dropped: list[str] = []
        for event in batch:
            if event.event_type in DROPPING and purges(decode(event)):
                db = str(event.metadata.get("database") or "")
                dropped.append(db)
                touched = {k: p for k, p in touched.items() if k[0] != db}
                continue
            if event.position not in facts:
                continue
            fact = facts[event.position][1]
            key = _key(event, fact)
            state = states.setdefault(key, AggregateState(event.aggregate_id))
            if state.seq >= event.sequence_number:
                continue
            apply(state, event, fact)
            touched[key] = event.position
        changes = [self._change(k, states[k], p) for k, p in touched.items()]
        with traced_step("index for search", batch):
            self.index.write(generation, changes, dropped, batch[-1].position)
        return batch[-1].position, len(batch) == self.batch_size

    def _prior_states(
        self, generation: str, events: list[Decoded]
    ) -> dict[StateKey, AggregateState]:
        """Indexed state of every instance whose first event here is not its creation."""
        first: dict[StateKey, EventEnvelope] = {}
        for event, fact in events:
            first.setdefault(_key(event, fact), event)
        wanted: dict[tuple[str, str], list[StateKey]] = {}
        for key, event in first.items():
            if event.event_type != InstanceCreated.event_type:
                wanted.setdefault(key[:2], []).append(key)
        states: dict[StateKey, AggregateState] = {}
        for (db, branch), keys in wanted.items():
            found = self.index.lookup(generation, db, branch, [f"{k[2]}/{k[3]}" for k in keys])
            for key in keys:
                hit = found.get(f"{key[2]}/{key[3]}")
                states[key] = _state(hit, first[key].aggregate_id)
        return states

    @staticmethod
    def _change(key: StateKey, state: AggregateState, position: int) -> IndexChange:
        db, branch, cls, iid = key
        if state.deleted:
            return IndexChange(db, branch, cls, iid, None, state.seq)
        hit = SearchHit(cls, iid, state.seq, position, 0.0, state.body)
        return IndexChange(db, branch, cls, iid, hit, state.seq)


def rebuild_search(store: EventStore, index: SearchIndex, batch_size: int = 5000) -> str:
    """Build a new search generation from the whole log, then switch readers to it.

    Readers and the live projector keep the old generation until the switch; after it the
    live projector continues from the new generation's checkpoint, so nothing is skipped.
    """

    def build(generation: str) -> None:
        SearchProjector(store, index, batch_size, generation).run_until_caught_up()
        index.activate(generation)

    return rebuild_generation(index, build)
