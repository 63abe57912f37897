"""What handlers share: the write model they read and the decision they return."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

from spice.domain import names
from spice.domain.aggregates import AggregateState, apply, replay
from spice.domain.branching import Fork, Level, Lineage, resolve
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    NotFound,
    ValidationFailed,
    field_error,
)
from spice.domain.events import DomainEvent, is_deletion
from spice.domain.ontology.classes import MAX_INHERITANCE_DEPTH
from spice.domain.ontology.model import EffectiveClass, OntologyClass


@dataclass(frozen=True)
class Change:
    """One event to append to a stream: `seq` is the stream's next sequence number."""

    aggregate_id: str
    seq: int
    event: DomainEvent
    # Metadata of this event alone (an imported value's cells), beside the command's.
    metadata: dict[str, Any] | None = None


@dataclass
class Decision:
    """What a command does: the events to append together, and the result to report."""

    changes: list[Change]
    result: dict[str, Any] = field(default_factory=dict)


class Streams(Protocol):
    """What deciders read of the log: streams, their heads (as of a position) and their
    ids, a run of the log by position (a commit's events), and the position of its head.
    The event store port of the application provides it; tests use the in-memory store."""

    def read_stream(self, aggregate_id: str, from_seq: int = 1) -> Sequence[EventEnvelope]: ...

    def heads(
        self, aggregate_ids: Iterable[str], until_position: int | None = None
    ) -> dict[str, EventEnvelope]: ...

    def stream_ids(
        self, prefix: str, after: str = "", limit: int = 1000, until_position: int | None = None
    ) -> list[str]: ...

    def read_streams(self, aggregate_ids: Iterable[str]) -> dict[str, list[EventEnvelope]]: ...

    def read_all(
        self, after_position: int = 0, limit: int = 1000, aggregate_type: str | None = None
    ) -> Sequence[EventEnvelope]: ...

    def head_position(self) -> int: ...


SNAPSHOT_AFTER = 16  # events; shorter streams are read whole
MAX_SNAPSHOTS = 10_000


class WriteModel:
    """Aggregate state as the log has it now: the only basis for decisions.

    A branch stores only its own events. An aggregate on a branch is its parent's as of the
    fork (recursively) followed by the branch's own events, whose sequence numbers go on
    from the parent's; a branch's deletion of an inherited aggregate shadows it for good.
    """

    def __init__(self, store: Streams) -> None:
        self.store = store
        self._lineages: dict[tuple[str, str], Lineage] = {}
        # Snapshots of long streams, in memory: a load reads only the events after one.
        self._states: OrderedDict[str, AggregateState] = OrderedDict()
        self._states_lock = threading.Lock()

    def lineage(self, db: str, branch: str) -> Lineage:
        """The branch, then each branch it forked from with the position it forked at."""
        if branch == names.MAIN_BRANCH:
            return (Level(branch, None),)
        cached = self._lineages.get((db, branch))
        if cached is None:
            cached = self._lineages[(db, branch)] = resolve(db, branch, partial(self._fork, db))
        return cached  # a branch's fork never changes

    def _fork(self, db: str, branch: str) -> Fork | None:
        state = replay("", self.store.read_stream(names.branch_aggregate(db, branch)))
        if not state.exists:
            return None
        return state.body.get("from_branch"), state.body.get("fork_position")

    def _scoped(self, aggregate_id: str) -> Lineage | None:
        """The lineage of a branch-scoped aggregate off `main`; None when it has none."""
        scope = names.branch_scope(aggregate_id)
        if scope is None or scope[2] == names.MAIN_BRANCH:
            return None
        return self.lineage(scope[1], scope[2])

    def _by_lineage(
        self, aggregate_ids: Iterable[str]
    ) -> tuple[list[str], dict[Lineage, list[str]]]:
        """The ids read directly (main, or not on a branch), and the others by lineage."""
        direct: list[str] = []
        scoped: dict[Lineage, list[str]] = {}
        for aggregate_id in dict.fromkeys(aggregate_ids):
            lineage = self._scoped(aggregate_id)
            if lineage is None:
                direct.append(aggregate_id)
            else:
                scoped.setdefault(lineage, []).append(aggregate_id)
        return direct, scoped

    def read_stream(self, aggregate_id: str, after_seq: int = 0) -> list[EventEnvelope]:
        """The events of an aggregate as its branch sees them (inherited ones first), after
        sequence `after_seq`."""
        lineage = self._scoped(aggregate_id)
        if lineage is None:
            return list(self.store.read_stream(aggregate_id, after_seq + 1))
        events: list[EventEnvelope] = []
        for level in lineage:
            own = self.store.read_stream(names.on_branch(aggregate_id, level.branch), after_seq + 1)
            if level.until is not None:
                own = [e for e in own if (e.position or 0) <= level.until]
            events[:0] = own
            if own and own[0].sequence_number == after_seq + 1:
                break
        return events

    def read_streams(self, aggregate_ids: Iterable[str]) -> dict[str, list[EventEnvelope]]:
        """Whole streams as their branches see them, in a few reads of the store: one per
        level of each lineage involved."""
        found: dict[str, list[EventEnvelope]] = {}
        direct, scoped = self._by_lineage(aggregate_ids)
        if direct:
            found.update(self.store.read_streams(direct))
        for lineage, ids in scoped.items():
            pending: dict[str, list[EventEnvelope]] = {a: [] for a in ids}
            for level in lineage:
                mapped = {names.on_branch(a, level.branch): a for a in pending}
                for stored_id, events in self.store.read_streams(mapped).items():
                    own = [
                        e for e in events if level.until is None or (e.position or 0) <= level.until
                    ]
                    aggregate_id = mapped[stored_id]
                    pending[aggregate_id][:0] = own
                    if own and own[0].sequence_number == 1:  # it began on this level
                        found[aggregate_id] = pending.pop(aggregate_id)
                if not pending:
                    break
            found.update(pending)
        return found

    def load(self, aggregate_id: str) -> AggregateState:
        with self._states_lock:
            known = self._states.get(aggregate_id)
            if known is not None:
                self._states.move_to_end(aggregate_id)
        if known is None:
            state = replay(aggregate_id, self.read_stream(aggregate_id))
        else:
            state = replace(known)  # events replace a body, never change it in place
            for event in self.read_stream(aggregate_id, known.seq):
                apply(state, event)
        if state.seq >= SNAPSHOT_AFTER:
            with self._states_lock:
                self._states[aggregate_id] = replace(state)
                while len(self._states) > MAX_SNAPSHOTS:
                    self._states.popitem(last=False)
        return state

    def heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]:
        """The last event of each stream that exists, as its branch sees it."""
        found: dict[str, EventEnvelope] = {}
        direct, scoped = self._by_lineage(aggregate_ids)
        if direct:
            found.update(self.store.heads(direct))
        for lineage, ids in scoped.items():
            pending = set(ids)
            for level in lineage:
                mapped = {names.on_branch(a, level.branch): a for a in pending}
                for aggregate_id, head in self.store.heads(mapped, level.until).items():
                    found[mapped[aggregate_id]] = head
                    pending.discard(mapped[aggregate_id])
                if not pending:
                    break
        return found

    def stream_ids(self, prefix: str, after: str = "", limit: int = 1000) -> list[str]:
        """Ids of the streams under `prefix` (a branch-scoped prefix, or any other) that
        exist as the prefix's branch sees them, in order, after `after`."""
        lineage = self._scoped(prefix)
        if lineage is None:
            return self.store.stream_ids(prefix, after, limit)
        branch = lineage[0].branch
        found: set[str] = set()
        for level in lineage:
            ids = self.store.stream_ids(
                names.on_branch(prefix, level.branch),
                names.on_branch(after, level.branch),
                limit,
                level.until,
            )
            found.update(names.on_branch(a, branch) for a in ids)
        return sorted(found)[:limit]

    def live_heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]:
        """Heads of the streams that exist and are not deleted."""
        heads = self.heads(aggregate_ids)
        return {a: h for a, h in heads.items() if not is_deletion(h)}

    def require_database(self, db: str | None) -> AggregateState:
        db = names.check_name("database", db, names.DATABASE_NAME)
        state = self.load(names.database_aggregate(db))
        if not state.live:
            raise NotFound(f"database {db!r} not found", {"database": db})
        return state

    def require_branch(self, db: str | None, branch: str) -> None:
        db = names.check_name("database", db, names.DATABASE_NAME)
        self.require_database(db)
        if not self.live_heads([names.branch_aggregate(db, branch)]):
            raise NotFound(f"branch {branch!r} not found in {db!r}", {"branch": branch})

    def effective_class(self, db: str, branch: str, class_id: Any) -> EffectiveClass:
        """The live class's definition with everything it inherits."""
        return inherited(self, db, branch, self.class_definition(db, branch, class_id))

    def class_definition(self, db: str, branch: str, class_id: Any) -> OntologyClass:
        """The live class's own definition."""
        return OntologyClass.of(self.require_class(db, branch, class_id).body)

    def require_class(self, db: str, branch: str, class_id: Any) -> AggregateState:
        class_id = names.check_name("class", class_id, names.CLASS_ID)
        state = self.load(names.class_aggregate(db, branch, class_id))
        if not state.live:
            raise NotFound(f"class {class_id!r} not found in {db!r}", {"class_id": class_id})
        return state


MAX_DEPTH = MAX_INHERITANCE_DEPTH


def inherited(model: WriteModel, db: str, branch: str, definition: OntologyClass) -> EffectiveClass:
    """The definition with the properties and relationships of its ancestors (theirs
    first), and the class that declares each."""
    chain = [definition]
    parent = definition.parent_class
    while parent:
        if len(chain) > MAX_DEPTH or any(c.id == parent for c in chain):
            raise ValidationFailed(
                "class inheritance forms a cycle or is too deep",
                [field_error("parent_class", "inheritance_cycle", "cycle or depth", parent)],
            )
        chain.append(model.class_definition(db, branch, parent))
        parent = chain[-1].parent_class
    return EffectiveClass.of_chain(chain)


def check_expected(state: AggregateState, expected_seq: int | None) -> None:
    """OCC: a write that names the sequence it saw fails when the aggregate moved on."""
    if expected_seq is not None and expected_seq != state.seq:
        raise ConcurrencyConflict(state.aggregate_id, expected_seq, state.seq)


def require_absent(state: AggregateState, what: str) -> None:
    if state.deleted:
        raise Conflict(
            f"{what} was deleted and its id cannot be reused; restore it instead",
            {"aggregate_id": state.aggregate_id, "actual_seq": state.seq},
        )
    if state.exists:
        raise Conflict(
            f"{what} already exists", {"aggregate_id": state.aggregate_id, "actual_seq": state.seq}
        )


class Staged(WriteModel):
    """A write model that also sees changes decided but not appended yet: one command that
    runs several decisions in turn (a merge) decides each against the ones before it.

    The branch and class checks each of those decisions repeats are answered once, until a
    change other than to an instance (or a unique value) is staged."""

    def __init__(self, model: WriteModel) -> None:
        super().__init__(model.store)
        self._lineages = model._lineages
        self.changes: list[Change] = []
        self._pending: dict[str, list[EventEnvelope]] = {}
        self._checked: dict[tuple[str, ...], Any] = {}
        self._stored: dict[str, list[EventEnvelope]] = {}

    def require_branch(self, db: str | None, branch: str) -> None:
        key = ("branch", str(db), branch)
        if key not in self._checked:
            super().require_branch(db, branch)
            self._checked[key] = True

    def effective_class(self, db: str, branch: str, class_id: Any) -> EffectiveClass:
        key = ("class", db, branch, str(class_id))
        found = self._checked.get(key)
        if found is None:
            found = self._checked[key] = super().effective_class(db, branch, class_id)
        return found  # frozen: shared safely

    def add(self, changes: Iterable[Change], actor: str = "") -> None:
        """Stage changes, as written by `actor` (a later decision may ask who wrote them,
        as it would of the log)."""
        changes = list(changes)
        if any(
            (names.branch_scope(change.aggregate_id) or ("",))[0] not in ("inst", "uniq")
            for change in changes
        ):
            self._checked.clear()
        for change in changes:
            event = change.event
            envelope = EventEnvelope(
                event_id=f"staged-{len(self.changes)}",
                event_type=event.event_type,
                aggregate_type=event.aggregate_type.value,
                aggregate_id=change.aggregate_id,
                sequence_number=change.seq,
                occurred_at="",
                actor=actor,
                data=event.to_data(),
                metadata=change.metadata or {},
            )
            self._pending.setdefault(change.aggregate_id, []).append(envelope)
            self.changes.append(change)

    def prefetch(self, aggregate_ids: Iterable[str]) -> None:
        """Read these streams now, together, for the decisions that follow."""
        wanted = [a for a in aggregate_ids if a not in self._stored]
        self._stored.update(super().read_streams(wanted))

    def stored_stream(self, aggregate_id: str) -> list[EventEnvelope]:
        """A stream as the log has it (nothing staged), read once per decision."""
        stored = self._stored.get(aggregate_id)
        if stored is None:
            stored = self._stored[aggregate_id] = super().read_stream(aggregate_id)
        return stored

    def read_stream(self, aggregate_id: str, after_seq: int = 0) -> list[EventEnvelope]:
        staged = self._pending.get(aggregate_id, [])
        return [
            *(e for e in self.stored_stream(aggregate_id) if e.sequence_number > after_seq),
            *(e for e in staged if e.sequence_number > after_seq),
        ]

    def load(self, aggregate_id: str) -> AggregateState:
        return replay(aggregate_id, self.read_stream(aggregate_id))

    def heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]:
        wanted = list(aggregate_ids)
        found = super().heads(wanted)
        found.update((a, self._pending[a][-1]) for a in wanted if a in self._pending)
        return found

    def stream_ids(self, prefix: str, after: str = "", limit: int = 1000) -> list[str]:
        staged = {a for a in self._pending if a.startswith(prefix) and a > after}
        return sorted({*super().stream_ids(prefix, after, limit), *staged})[:limit]
