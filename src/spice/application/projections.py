"""The document projection: databases, branches, classes and instances from the log."""

from __future__ import annotations

from typing import Any

from spice.application.log_follower import LogFollower
from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_CLASS,
    KIND_DATABASE,
    KIND_INSTANCE,
    DocKey,
    Document,
    DocumentStore,
    DocumentUnitOfWork,
)
from spice.application.ports.event_store import EventStore
from spice.application.serialization import utc_now
from spice.domain import events as ev
from spice.domain.aggregates import AggregateState, apply
from spice.domain.events import EventEnvelope

STATE_FIELDS = (
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "last_event_id",
    "last_command_id",
)


def doc_key(event: EventEnvelope) -> DocKey | None:
    """Where the document of an event's aggregate lives; None for events with no document."""
    meta, data = event.metadata, event.data
    db, branch = str(meta.get("database") or ""), str(meta.get("branch") or "")
    if event.aggregate_type == "Database":
        return DocKey(KIND_DATABASE, db)
    if event.aggregate_type == "Branch":
        return DocKey(KIND_BRANCH, db, data.get("name", branch))
    if event.aggregate_type == "OntologyClass":
        return DocKey(KIND_CLASS, db, branch, data["class_id"])
    if event.aggregate_type == "Instance":
        return DocKey(KIND_INSTANCE, db, branch, data["class_id"], data["instance_id"])
    return None


def _state(doc: Document | None, aggregate_id: str) -> AggregateState:
    if doc is None:
        return AggregateState(aggregate_id)
    meta = doc.body["_meta"]
    return AggregateState(
        aggregate_id=aggregate_id,
        aggregate_type=meta["aggregate_type"],
        seq=doc.seq,
        exists=True,
        deleted=doc.deleted,
        body=doc.body["data"],
        **{f: meta[f] for f in STATE_FIELDS},
    )


def _body(key: DocKey, state: AggregateState, event: EventEnvelope) -> dict[str, Any]:
    return {
        "id": key.id or key.cls or key.branch or key.db,
        "data": state.body,
        "_meta": {
            "aggregate_id": state.aggregate_id,
            "aggregate_type": state.aggregate_type,
            "sequence_number": state.seq,
            "position": event.position,
            "indexed_at": utc_now(),
            **{f: getattr(state, f) for f in STATE_FIELDS},
        },
    }


def project(uow: DocumentUnitOfWork, event: EventEnvelope) -> None:
    """Apply one event; an event at or below the document's sequence is stale and ignored."""
    key = doc_key(event)
    if key is None:
        return
    doc = uow.get(key)
    if doc is not None and doc.seq >= event.sequence_number:
        return
    state = apply(_state(doc, event.aggregate_id), event)
    uow.put(Document(key, state.seq, state.deleted, event.position, _body(key, state, event)))
    if event.event_type == ev.DATABASE_DELETED:
        uow.tombstone_database(key.db, state.seq, event.position)


class DocumentProjector(LogFollower):
    """Follows $all into the active generation; output and checkpoint commit together."""

    name = "document-projector"

    def __init__(
        self,
        store: EventStore,
        documents: DocumentStore,
        batch_size: int = 2000,
        generation: str | None = None,
    ) -> None:
        super().__init__(store)
        self.documents = documents
        self.batch_size = batch_size
        self.generation = generation
        self._position = documents.checkpoint(generation)

    def step(self) -> tuple[int, bool]:
        with self.documents.unit_of_work(self.generation) as uow:
            start = uow.checkpoint()
            batch = self.store.read_all(start, self.batch_size)
            for event in batch:
                project(uow, event)
            if batch:
                uow.set_checkpoint(batch[-1].position)
        if not batch:
            return start, False
        return batch[-1].position, len(batch) == self.batch_size


def rebuild(store: EventStore, documents: DocumentStore, batch_size: int = 2000) -> str:
    """Build a new generation from the whole log, then make it the active one.

    Readers use the old generation until the switch. The last catch-up and the switch are
    one commit, so the new generation is never behind what readers saw in the old one (the
    live projector cannot commit in between). Generations left by an interrupted rebuild
    are dropped first; the old active one is dropped after the switch.
    """
    old = documents.active_generation()
    for leftover in documents.generations():
        if leftover != old:
            documents.drop_generation(leftover)
    generation = documents.new_generation()
    DocumentProjector(store, documents, batch_size, generation).run_until_caught_up()
    with documents.unit_of_work(generation) as uow:
        position = uow.checkpoint()
        while batch := store.read_all(position, batch_size):
            for event in batch:
                project(uow, event)
            position = batch[-1].position
        uow.set_checkpoint(position)
        uow.activate()
    documents.drop_generation(old)
    return generation
