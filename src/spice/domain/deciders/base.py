"""What handlers share: the write model they read and the decision they return."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from spice.domain import names
from spice.domain.aggregates import AggregateState, replay
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


@dataclass(frozen=True)
class Change:
    """One event to append to a stream: `seq` is the stream's next sequence number."""

    aggregate_id: str
    seq: int
    event: DomainEvent


@dataclass
class Decision:
    """What a command does: the events to append together, and the result to report."""

    changes: list[Change]
    result: dict[str, Any] = field(default_factory=dict)


class Streams(Protocol):
    """What deciders read of the log: streams, their heads and their ids. The event store
    port of the application provides it; tests use the in-memory store."""

    def read_stream(self, aggregate_id: str) -> Sequence[EventEnvelope]: ...

    def heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]: ...

    def stream_ids(self, prefix: str, after: str = "", limit: int = 1000) -> list[str]: ...


class WriteModel:
    """Aggregate state as the log has it now: the only basis for decisions."""

    def __init__(self, store: Streams) -> None:
        self.store = store

    def load(self, aggregate_id: str) -> AggregateState:
        return replay(aggregate_id, self.store.read_stream(aggregate_id))

    def live_heads(self, aggregate_ids: Iterable[str]) -> dict[str, EventEnvelope]:
        """Heads of the streams that exist and are not deleted."""
        heads = self.store.heads(aggregate_ids)
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

    def effective_class(self, db: str, branch: str, class_id: Any) -> dict[str, Any]:
        """The live class's definition with everything it inherits."""
        return inherited(self, db, branch, self.require_class(db, branch, class_id).body)

    def require_class(self, db: str, branch: str, class_id: Any) -> AggregateState:
        class_id = names.check_name("class", class_id, names.CLASS_ID)
        state = self.load(names.class_aggregate(db, branch, class_id))
        if not state.live:
            raise NotFound(f"class {class_id!r} not found in {db!r}", {"class_id": class_id})
        return state


MAX_DEPTH = MAX_INHERITANCE_DEPTH


def inherited(
    model: WriteModel, db: str, branch: str, definition: dict[str, Any]
) -> dict[str, Any]:
    """The definition with the properties and relationships of its ancestors (theirs
    first), each marked with the class that declares it."""
    chain = [definition]
    parent = definition.get("parent_class")
    while parent:
        if len(chain) > MAX_DEPTH or any(c["id"] == parent for c in chain):
            raise ValidationFailed(
                "class inheritance forms a cycle or is too deep",
                [field_error("parent_class", "inheritance_cycle", "cycle or depth", parent)],
            )
        chain.append(model.require_class(db, branch, parent).body)
        parent = chain[-1].get("parent_class")
    properties, relationships = [], []
    for cls in reversed(chain):
        properties += [{**p, "declared_in": cls["id"]} for p in cls["properties"]]
        relationships += [{**r, "declared_in": cls["id"]} for r in cls["relationships"]]
    return {
        **definition,
        "properties": properties,
        "relationships": relationships,
        "ancestors": [c["id"] for c in chain[1:]],
    }


def check_expected(state: AggregateState, expected_seq: int | None) -> None:
    """OCC: a write that names the sequence it saw fails when the aggregate moved on."""
    if expected_seq is not None and expected_seq != state.seq:
        raise ConcurrencyConflict(state.aggregate_id, expected_seq, state.seq)


def require_absent(state: AggregateState, what: str) -> None:
    if state.deleted:
        raise Conflict(
            f"{what} was deleted; deletion is final on its branch and the id cannot be reused",
            {"aggregate_id": state.aggregate_id, "actual_seq": state.seq},
        )
    if state.exists:
        raise Conflict(
            f"{what} already exists", {"aggregate_id": state.aggregate_id, "actual_seq": state.seq}
        )
