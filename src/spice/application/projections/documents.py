"""The document projection: databases, branches, classes and instances from the log."""

from __future__ import annotations

from typing import Any

from spice.application.delivery.follower import LogFollower
from spice.application.log.serialization import utc_now
from spice.application.ports.commits import Commit
from spice.application.ports.document_projection import DocumentProjection, DocumentUnitOfWork
from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_CLASS,
    KIND_DATABASE,
    KIND_INSTANCE,
    DocKey,
    Document,
    Link,
)
from spice.application.ports.event_store import EventStore
from spice.application.projections.generations import rebuild_generation
from spice.application.tracing import traced_step
from spice.domain import commands as c
from spice.domain.aggregates import AggregateState, apply
from spice.domain.envelope import AggregateType, EventEnvelope
from spice.domain.events import (
    BranchCreated,
    BranchDeleted,
    BranchMerged,
    BranchRebased,
    ClassEvent,
    CommandCompleted,
    DatabaseCreated,
    DatabaseDeleted,
    DatabasePurged,
    DatabaseRestored,
    DomainEvent,
    InstanceEvent,
    decode,
    purges,
)
from spice.domain.ontology.classes import MAX_INHERITANCE_DEPTH
from spice.domain.ontology.instances import each_link
from spice.domain.ontology.model import OntologyClass

STATE_FIELDS = (
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "last_event_id",
    "last_command_id",
)


def doc_key(event: EventEnvelope, fact: DomainEvent) -> DocKey | None:
    """Where the document of an event's aggregate lives; None for events with no document."""
    meta = event.metadata
    db, branch = str(meta.get("database") or ""), str(meta.get("branch") or "")
    if isinstance(fact, InstanceEvent):
        return DocKey(KIND_INSTANCE, db, branch, fact.class_id, fact.instance_id)
    if isinstance(fact, ClassEvent):
        return DocKey(KIND_CLASS, db, branch, fact.class_id)
    if isinstance(fact, BranchCreated | BranchDeleted | BranchMerged | BranchRebased):
        return DocKey(KIND_BRANCH, db, fact.name)
    if isinstance(fact, DatabaseCreated | DatabaseDeleted | DatabaseRestored | DatabasePurged):
        return DocKey(KIND_DATABASE, db)
    return None


# Commands that are not commits of any branch: they write no branch's data.
OFF_BRANCH = frozenset(
    cls.command_type
    for cls in (
        c.AddDatasetVersion,
        c.SaveMapping,
        c.RunImport,
        c.OpenProposal,
        c.CommentProposal,
        c.ApproveProposal,
        c.CloseProposal,
        c.CreateUser,
        c.ChangePassword,
        c.IssueApiKey,
        c.RevokeApiKey,
        c.GrantRole,
        c.RevokeRole,
    )
)
DOCUMENTED = frozenset(
    {
        AggregateType.DATABASE,
        AggregateType.BRANCH,
        AggregateType.ONTOLOGY_CLASS,
        AggregateType.INSTANCE,
    }
)


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


class Relationships:
    """The relationships of each class, inherited ones included, cached per branch until
    one of its classes changes."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], list[OntologyClass]] = {}

    def forget(self, db: str, branch: str | None = None) -> None:
        self._cache = {
            k: v
            for k, v in self._cache.items()
            if not (k[0] == db and (branch is None or k[1] == branch))
        }

    def lineage(self, uow: DocumentUnitOfWork, key: DocKey) -> list[OntologyClass]:
        cached = self._cache.get((key.db, key.branch, key.cls))
        if cached is not None:
            return cached
        definitions: list[OntologyClass] = []
        cls: str | None = key.cls
        while cls and len(definitions) < MAX_INHERITANCE_DEPTH:
            doc = uow.visible(DocKey(KIND_CLASS, key.db, key.branch, cls))
            if doc is None or doc.deleted:
                break
            definitions.append(OntologyClass.of(doc.body["data"]))
            cls = definitions[-1].parent_class
        self._cache[(key.db, key.branch, key.cls)] = definitions
        return definitions

    def links(self, uow: DocumentUnitOfWork, key: DocKey, values: dict[str, Any]) -> list[Link]:
        found: list[Link] = []
        for definition in self.lineage(uow, key):
            for rel, ref in each_link(definition, values):
                cls, _, iid = ref.partition("/")
                found.append((rel.predicate, cls, iid))
        return found


def project(
    uow: DocumentUnitOfWork,
    event: EventEnvelope,
    relationships: Relationships | None = None,
    fact: DomainEvent | None = None,
) -> None:
    """Apply one event (`fact`: it decoded already); an event at or below the document's
    sequence is stale and ignored. An instance's edges follow its links in the same unit
    of work."""
    if event.aggregate_type not in DOCUMENTED:
        return
    fact = fact or decode(event)
    key = doc_key(event, fact)
    if key is None:
        return
    doc = uow.visible(key)  # a branch's first write starts from what it inherited
    if doc is not None and doc.seq >= event.sequence_number:
        return
    state = apply(_state(doc, event.aggregate_id), event, fact)
    uow.put(Document(key, state.seq, state.deleted, event.position, _body(key, state, event)))
    relationships = relationships or Relationships()
    if key.kind == KIND_CLASS:
        relationships.forget(key.db, key.branch)
    elif key.kind == KIND_INSTANCE:
        links = [] if state.deleted else relationships.links(uow, key, state.body)
        uow.set_edges(key.db, key.branch, (key.cls, key.id), links, event.position or 0)
    if purges(fact):
        relationships.forget(key.db)
        uow.tombstone_database(key.db, state.seq, event.position)


def commit_of(outcome: EventEnvelope, events: list[EventEnvelope]) -> Commit:
    """The commit a CommandCompleted outcome closes; `events` are the command's events
    (the `event_count` positions just before the outcome: one append wrote them all)."""
    meta = outcome.metadata
    classes = {str(e.data["class_id"]) for e in events if "class_id" in e.data}
    return Commit(
        db=str(meta.get("database") or ""),
        branch=str(meta.get("branch") or ""),
        position=outcome.position or 0,
        command_id=str(meta.get("command_id") or ""),
        command_type=str(meta.get("command_type") or ""),
        actor=outcome.actor,
        occurred_at=outcome.occurred_at,
        message=meta.get("message"),  # the outcome carries its command's message
        event_count=len(events),
        classes=tuple(sorted(classes)),
    )


def project_batch(
    uow: DocumentUnitOfWork,
    store: EventStore,
    batch: list[EventEnvelope],
    relationships: Relationships,
) -> None:
    """Project a batch of the log, and record a commit for each command completed in it.
    Each event is decoded once, and the documents the batch writes on `main` are read
    together first."""
    by_position = {e.position: e for e in batch}
    facts = {e.position: decode(e) for e in batch if e.aggregate_type in DOCUMENTED}
    keys = [doc_key(by_position[p], fact) for p, fact in facts.items()]
    uow.prefetch([k for k in keys if k is not None and uow.reads_own(k)])
    for event in batch:
        project(uow, event, relationships, facts.get(event.position))
        if event.event_type != CommandCompleted.event_type:
            continue
        position = event.position or 0
        count = int(event.data.get("result", {}).get("event_count", 0))
        events = [by_position.get(p) for p in range(position - count, position)]
        if None in events:  # the batch began inside the command's events
            events = list(store.read_all(position - count - 1, count))
        if event.metadata.get("command_type") in OFF_BRANCH:
            continue  # a proposal's conversation or a dataset is not a change of a branch
        if count == 0 and event.data.get("result", {}).get("up_to_date"):
            continue  # a merge that had nothing to bring ("already up to date") is none
        uow.add_commit(commit_of(event, [e for e in events if e is not None]))


class DocumentProjector(LogFollower):
    """Follows $all into the active generation; output and checkpoint commit together."""

    name = "document-projector"

    def __init__(
        self,
        store: EventStore,
        documents: DocumentProjection,
        batch_size: int = 2000,
        generation: str | None = None,
    ) -> None:
        super().__init__(store)
        self.documents = documents
        self.batch_size = batch_size
        self.generation = generation
        self.relationships = Relationships()
        self.progress.advance(documents.checkpoint(generation))

    def step(self) -> tuple[int, bool]:
        with self.documents.unit_of_work(self.generation) as uow:
            start = uow.checkpoint()
            batch = self.store.read_all(start, self.batch_size)
            with traced_step("project documents", batch):
                project_batch(uow, self.store, batch, self.relationships)
            if batch:
                uow.set_checkpoint(batch[-1].position)
        if not batch:
            return start, False
        return batch[-1].position, len(batch) == self.batch_size


def rebuild(store: EventStore, documents: DocumentProjection, batch_size: int = 2000) -> str:
    """Build a new generation from the whole log, then make it the active one.

    Readers use the old generation until the switch. The last catch-up and the switch are
    one commit, so the new generation is never behind what readers saw in the old one (the
    live projector cannot commit in between). Generations left by an interrupted rebuild
    are dropped first; the old active one is dropped after the switch.
    """

    def build(generation: str) -> None:
        projector = DocumentProjector(store, documents, batch_size, generation)
        projector.run_until_caught_up()
        with documents.unit_of_work(generation) as uow:
            position = uow.checkpoint()
            while batch := store.read_all(position, batch_size):
                project_batch(uow, store, batch, projector.relationships)
                position = batch[-1].position
            uow.set_checkpoint(position)
            uow.activate()

    return rebuild_generation(documents, build)
