"""A branch reads exactly as a database rebuilt from its parent's log up to the fork point
plus the branch's own events would: instances (deleted and restored ones too), classes,
edges both ways, path roots and a scan search, also as of a position after the fork.
Random writes land on the parent and on the branch, before and after the fork; each
profile's event store and document read model run the real executor and projector."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.ids import new_id
from spice.application.commands.tracking import CommandTracker
from spice.application.log.serialization import utc_now
from spice.application.overlay.store import DocumentStore
from spice.application.ports.documents import KIND_INSTANCE, DocKey
from spice.application.ports.event_store import EventStore
from spice.application.projections.documents import DocumentProjector
from spice.application.reads.diff import Diffs, instance_change
from spice.application.reads.documents import Reader
from spice.application.reads.graph.roots import path_roots
from spice.application.reads.history import History
from spice.application.reads.refs import Refs
from spice.application.search.query import SearchQuery
from spice.application.search.scan import DocumentScanSearch
from spice.domain import commands as c
from spice.domain import names
from spice.domain.deciders.base import WriteModel
from spice.domain.envelope import AggregateType, EventEnvelope
from tests.contract.conftest import DOCUMENT_STORE_FACTORIES, EVENT_STORE_FACTORIES, _close

BRANCH = "b"
CUSTOMERS = ["c1", "c2", "c3"]
ORDERS = ["o1", "o2", "o3"]
CUSTOMER = {
    "id": "Customer",
    "properties": [
        {"name": "customer_id", "type": "string", "primary_key": True},
        {"name": "name", "type": "string"},
    ],
}
ORDER = {
    "id": "Order",
    "properties": [
        {"name": "order_id", "type": "string", "primary_key": True},
        {"name": "amount", "type": "integer"},
    ],
    "relationships": [{"predicate": "placed_by", "target": "Customer", "cardinality": "n:1"}],
}
NOTE = {"id": "Note", "properties": [{"name": "note_id", "type": "string", "primary_key": True}]}

Stores = tuple[EventStore, DocumentStore]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    events = dict(EVENT_STORE_FACTORIES)[request.param](tmp_path)
    documents = dict(DOCUMENT_STORE_FACTORIES)[request.param](tmp_path)
    try:
        yield events, documents
    finally:
        _close(documents)
        _close(events)


# One operation: (where, command builder taking the database name).
Op = tuple[str, Callable[[str], c.Command]]


def _instance_op(draw: Callable[..., Any]) -> Callable[[str], c.Command]:
    kind = draw(st.sampled_from(["create", "update", "update", "update", "delete", "restore"]))
    cls, ids = draw(st.sampled_from([("Customer", CUSTOMERS), ("Order", ORDERS)]))
    iid = draw(st.sampled_from(ids))
    if cls == "Customer":
        values: dict[str, Any] = {"name": draw(st.sampled_from(["Kim", "Lee", "박", "Park"]))}
    else:
        values = {"amount": draw(st.integers(0, 9))}
        if draw(st.integers(0, 3)):
            values["placed_by"] = f"Customer/{draw(st.sampled_from(CUSTOMERS))}"
    key = "customer_id" if cls == "Customer" else "order_id"

    def build(db: str) -> c.Command:
        if kind == "create":
            return c.CreateInstance(database=db, class_id=cls, data={key: iid, **values})
        if kind == "update":
            return c.UpdateInstance(database=db, class_id=cls, instance_id=iid, data=values)
        if kind == "restore":
            return c.RestoreInstance(database=db, class_id=cls, instance_id=iid)
        return c.DeleteInstance(database=db, class_id=cls, instance_id=iid)

    return build


@st.composite
def histories(draw: Callable[..., Any]) -> tuple[list[Op], int]:
    """Operations, each on main or on the branch, and how many come before the fork."""
    count = draw(st.integers(0, 20))
    fork = draw(st.integers(0, count))
    ops: list[Op] = []
    for i in range(count):
        where = "main" if i < fork else draw(st.sampled_from(["main", BRANCH]))
        if draw(st.integers(0, 9)) == 0:
            ops.append((where, lambda db: c.CreateClass(database=db, definition=NOTE)))
        else:
            ops.append((where, _instance_op(draw)))
    return ops, fork


class Run:
    """Commands through the real executor, on one log."""

    def __init__(self, events: EventStore) -> None:
        self.events = events
        self.executor = CommandExecutor(events, CommandTracker(InMemoryCommandStatusStore()))

    def __call__(self, command: c.Command) -> None:
        issued = c.IssuedCommand(new_id(), command, "tester")
        (accepted,) = self.events.append([issued.to_envelope(utc_now())])
        self.executor.execute(accepted)


def _rebuilt(event: EventEnvelope, db: str, target: str) -> EventEnvelope:
    """The event as the rebuilt database `target` has it: on its main branch."""
    data = dict(event.data)
    if event.event_type in {"DatabaseCreated"}:
        data["name"] = target
    if event.event_type == "BranchCreated":
        data["database"] = target
    aggregate_id = names.on_branch(event.aggregate_id, names.MAIN_BRANCH).replace(
        f":{db}:", f":{target}:", 1
    )
    if aggregate_id == names.database_aggregate(db):
        aggregate_id = names.database_aggregate(target)
    if aggregate_id == names.branch_aggregate(db, names.MAIN_BRANCH):
        aggregate_id = names.branch_aggregate(target, names.MAIN_BRANCH)
    metadata = {**event.metadata, "database": target, "branch": names.MAIN_BRANCH}
    return dataclasses.replace(
        event,
        event_id=new_id(),
        aggregate_id=aggregate_id,
        data=data,
        metadata=metadata,
        position=None,
        prev_hash=None,
        hash=None,
    )


def rebuild(events: EventStore, db: str, fork: int, until: int | None, target: str) -> None:
    """Append to the same log, as database `target`, the parent's events up to the fork
    and the branch's own events (up to `until`)."""
    chosen = []
    for event in events.read_all(0, 1_000_000):
        meta = event.metadata
        if meta.get("database") != db or event.aggregate_type == AggregateType.COMMAND:
            continue
        position = event.position or 0
        branch = meta.get("branch")
        if branch == BRANCH and event.aggregate_type != AggregateType.BRANCH:
            if until is None or position <= until:
                chosen.append(event)
        elif branch in (None, names.MAIN_BRANCH) and position <= fork:
            chosen.append(event)
    for event in chosen:
        events.append([_rebuilt(event, db, target)])


def reads(documents: DocumentStore, db: str, branch: str, as_of: int | None) -> dict[str, Any]:
    """What every kind of read answers on (db, branch) as of a position."""
    reader = Reader(documents)
    classes = [(d.id, d.properties) for d in reader.class_definitions(db, branch, as_of)]
    out: dict[str, Any] = {"classes": classes}
    nodes = [("Customer", i) for i in CUSTOMERS] + [("Order", i) for i in ORDERS]
    for cls, iid in nodes:
        doc = documents.get(DocKey(KIND_INSTANCE, db, branch, cls, iid), True, as_of)
        out[f"{cls}/{iid}"] = None if doc is None else (doc.seq, doc.deleted, doc.body["data"])
    for cls in ("Customer", "Order", None):
        for offset in range(6):  # pages over the places a branch's differences merge in
            docs, total = documents.list(KIND_INSTANCE, db, branch, cls, offset, 2, as_of)
            out[f"page {cls} {offset}"] = ([d.key.id for d in docs], total)
        out[f"refs {cls}"] = documents.instance_refs(db, branch, [cls], None, 100, as_of)
    for reverse in (False, True):
        out[f"edges {reverse}"] = documents.edges(db, branch, nodes, "placed_by", reverse, as_of)
    out["versions"] = documents.instance_versions(db, branch, nodes, as_of)
    out["roots"] = path_roots(
        documents, db, branch, ["Order"], [("placed_by", False, ["Customer"])], 0, 10, as_of
    )
    out["back"] = path_roots(
        documents, db, branch, ["Customer"], [("placed_by", True, ["Order"])], 0, 10, as_of
    )
    query = SearchQuery(db, branch, text="Kim", limit=50, as_of=as_of)
    out["search"] = [h.key for h in DocumentScanSearch(documents).search(query).hits]
    return out


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories(), cut=st.integers(0, 20), use_cut=st.booleans())
def test_a_branch_reads_as_its_rebuild(
    stores: Stores, history: tuple[list[Op], int], cut: int, use_cut: bool
) -> None:
    events, documents = stores
    ops, fork_at = history
    db, target = f"d{next(COUNTER)}", f"r{next(COUNTER)}"
    run = Run(events)
    run(c.CreateDatabase(database=db, name=db))
    run(c.CreateClass(database=db, definition=CUSTOMER))
    run(c.CreateClass(database=db, definition=ORDER))
    for cid in CUSTOMERS[:2]:  # c3 and o3 are left for the histories to create
        run(c.CreateInstance(database=db, class_id="Customer", data={"customer_id": cid}))
    for oid, cid in zip(ORDERS[:2], CUSTOMERS, strict=False):
        data = {"order_id": oid, "placed_by": f"Customer/{cid}"}
        run(c.CreateInstance(database=db, class_id="Order", data=data))
    for i, (where, build) in enumerate(ops):
        if i == fork_at:
            run(c.CreateBranch(database=db, name=BRANCH))
        run(dataclasses.replace(build(db), branch=where))
    if fork_at == len(ops):
        run(c.CreateBranch(database=db, name=BRANCH))
    fork = documents_fork(events, db)
    # Cut at a position where the branch wrote, or at the fork: the edges of versions.
    cuts = [fork] + [
        e.position or 0
        for e in events.read_all(fork, 1_000_000)
        if e.metadata.get("branch") == BRANCH and e.metadata.get("database") == db
    ]
    until = cuts[cut % len(cuts)] if use_cut else None
    rebuild(events, db, fork, until, target)
    DocumentProjector(events, documents).run_until_caught_up()
    assert reads(documents, db, BRANCH, until) == reads(documents, target, "main", None)
    assert_diff_is_complete(events, documents, db, (BRANCH, until))
    main_moved = any(
        e.metadata.get("branch") == names.MAIN_BRANCH and e.metadata.get("database") == db
        for e in events.read_all(fork, 1_000_000)
        if e.aggregate_type in (AggregateType.INSTANCE, AggregateType.ONTOLOGY_CLASS)
    )
    if not main_moved:  # a fast-forward: main then reads as the branch does
        run(c.MergeBranch(database=db, source=BRANCH))
        DocumentProjector(events, documents).run_until_caught_up()
        assert values(documents, db, names.MAIN_BRANCH) == values(documents, db, BRANCH)


def values(documents: DocumentStore, db: str, branch: str) -> dict[str, Any]:
    """Each instance's values (or None) and the classes, without sequence numbers."""
    out: dict[str, Any] = {
        "classes": [(d.id, d.properties) for d in Reader(documents).class_definitions(db, branch)]
    }
    for cls, ids in (("Customer", CUSTOMERS), ("Order", ORDERS)):
        for iid in ids:
            doc = documents.get(DocKey(KIND_INSTANCE, db, branch, cls, iid))
            out[f"{cls}/{iid}"] = None if doc is None else doc.body["data"]
    return out


def assert_diff_is_complete(
    events: EventStore, documents: DocumentStore, db: str, branch: tuple[str, int | None]
) -> None:
    """The diff, which looks only at what the two sides wrote apart, finds every instance a
    comparison of all of them finds."""
    history = History(documents, events, WriteModel(events), Refs(events), Reader(documents))
    diffs = Diffs(documents, history)
    nodes = [("Customer", i) for i in CUSTOMERS] + [("Order", i) for i in ORDERS]
    for a, b in (((names.MAIN_BRANCH, None), branch), (branch, (names.MAIN_BRANCH, None))):
        before = documents.instances(db, a[0], nodes, a[1])
        after = documents.instances(db, b[0], nodes, b[1])
        every = [instance_change(n, before.get(n), after.get(n)) for n in nodes]
        assert diffs.data(db, a, b, 0, 100)["items"] == [c for c in every if c is not None]


COUNTER = itertools.count()


def documents_fork(events: EventStore, db: str) -> int:
    (created,) = events.read_stream(names.branch_aggregate(db, BRANCH))
    return int(created.data["fork_position"])
